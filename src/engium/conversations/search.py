"""Full-text search over message text, under the bound tenant's row-level security (ADR 0039).

The words are matched with PostgreSQL's ``simple`` text search configuration against the expression index
of migration 0034 (``message_search_document(body)``, i.e. ``to_tsvector('simple', body)``): the statement must
spell the expression exactly as the index does, or the planner cannot use it. ``websearch_to_tsquery`` reads
what a person types (words, "quoted phrases", ``or``, ``-word``) and never fails on syntax, so ``' OR 1=1`` or
``a & (b | !c:*`` are words like any other; the text is a bind parameter throughout.

Results are newest first with a keyset cursor (created_at, id), like the other lists. The snippet is
``ts_headline`` of the page's rows only, with control characters as the match markers, split here into
parts: the API returns structured text, never markup built from a customer's words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.audit.actions import AuditAction
from engium.audit.recorder import record
from engium.conversations.inbox_schemas import (
    FoundContact,
    FoundConversation,
    FoundMessage,
    MessageHit,
    MessageSearchPage,
    SnippetPart,
)
from engium.errors import Unprocessable
from engium.kit.pagination import PageRequest, encode_cursor

CONFIG = "'simple'::regconfig"
QUERY = f"websearch_to_tsquery({CONFIG}, :q)"
START, STOP = "\x02", "\x03"
# Whole short messages; around the matches in long ones.
HEADLINE_OPTIONS = f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=15, ShortWord=2"
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class SearchFilters:
    q: str
    channel: str | None = None
    sent_from: datetime | None = None
    sent_before: datetime | None = None


def search_statement(filters: SearchFilters, page: PageRequest) -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = {"q": filters.q, "limit": page.limit + 1, "options": HEADLINE_OPTIONS,
                              "sent_from": filters.sent_from, "sent_before": filters.sent_before}
    conditions = []
    if page.cursor is not None:
        conditions.append("(h.created_at, h.id) < (:cursor_at, :cursor_id)")
        params |= {"cursor_at": page.cursor.at, "cursor_id": page.cursor.id}
    if filters.channel is not None:
        conditions.append("c.channel = :channel")
        params["channel"] = filters.channel
    where = f"where {' and '.join(conditions)}" if conditions else ""
    # match_messages (migration 0034) looks the words up in the GIN index for the bound tenant only: under RLS
    # the index cannot serve @@ directly (it is not leakproof). The page's rows are then read back by primary
    # key under RLS; every table is under the same policy, and the join keys name the tenant.
    sql = f"""
        with hits as (
            select h.tenant_id, h.id, h.conversation_id, h.created_at, c.channel, c.status, c.subject, c.contact_id
            from match_messages({QUERY}, cast(:sent_from as timestamptz), cast(:sent_before as timestamptz)) h
            join conversations c on c.tenant_id = h.tenant_id and c.id = h.conversation_id
            {where}
            order by h.created_at desc, h.id desc
            limit :limit
        )
        select h.id, m.direction, m.author_kind, m.body, h.created_at, h.conversation_id, h.channel, h.status,
               h.subject, h.contact_id, k.name as contact_name,
               ts_headline({CONFIG}, m.body, {QUERY}, :options) as headline
        from hits h
        join messages m on m.tenant_id = h.tenant_id and m.id = h.id
        join contacts k on k.tenant_id = h.tenant_id and k.id = h.contact_id
        order by h.created_at desc, h.id desc
    """
    return sql, params


def snippet_parts(headline: str) -> list[SnippetPart]:
    """``ts_headline``'s text, split at its markers into plain and matching parts."""
    parts: list[SnippetPart] = []
    for index, chunk in enumerate(headline.split(START)):
        matched, _, rest = chunk.partition(STOP) if index else ("", "", chunk)
        if matched:
            parts.append(SnippetPart(text=matched, match=True))
        if rest:
            parts.append(SnippetPart(text=rest.replace(STOP, ""), match=False))
    return parts


def check_query(q: str) -> str:
    words = q.strip()
    if not words:
        raise Unprocessable("Type at least one word to search for", details={"field": "q"})
    if "\x00" in words or START in words or STOP in words:
        raise Unprocessable("The search text holds a control character", details={"field": "q"})
    return words


def search_messages(
    session: Session, principal: Principal, filters: SearchFilters, page: PageRequest
) -> MessageSearchPage:
    """A page of the bound tenant's messages whose text holds the words; logged as an access to messages."""
    sql, params = search_statement(filters, page)
    rows = session.execute(text(sql), params).mappings().all()
    shown = rows[: page.limit]
    items = [
        MessageHit(
            message=FoundMessage(id=row["id"], direction=row["direction"], author_kind=row["author_kind"],
                                 body=row["body"], created_at=row["created_at"]),
            conversation=FoundConversation(id=row["conversation_id"], channel=row["channel"], status=row["status"],
                                           subject=row["subject"]),
            contact=FoundContact(id=row["contact_id"], name=row["contact_name"]),
            snippet=snippet_parts(row["headline"] or ""),
        )
        for row in shown
    ]
    next_cursor = encode_cursor(shown[-1]["created_at"], shown[-1]["id"]) if len(rows) > page.limit else None
    # The words searched for are not logged: they may themselves be personal data (a name, a number).
    record(session, principal, AuditAction.MESSAGES_SEARCHED, resource_type="message",
           details={"results": len(items), "channel": filters.channel, "page": page.cursor is not None})
    return MessageSearchPage(items=items, next_cursor=next_cursor)

