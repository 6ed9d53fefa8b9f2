"""All conversations SQL. Row-level security scopes every statement to the bound tenant.

Listings fetch ``limit + 1`` rows so the caller can tell whether another page exists without a
count query.

Every message insert and every change to a conversation (status, assignee, last message) goes through
:func:`add` or :func:`save`, so these two also announce the change on the ``engium_inbox`` channel for
the staff inbox's live updates. PostgreSQL delivers a NOTIFY only when its transaction commits (never
for a rollback) and folds identical ones within a transaction into one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from typing import Any, LiteralString
from uuid import UUID

from sqlalchemy import DateTime, Row, Select, Uuid, bindparam, delete, exists, or_, select, text, tuple_
from sqlalchemy.dialects.postgresql import psycopg as psycopg_dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter

from engium.conversations.models import Contact, Conversation, Message
from engium.kit.pagination import Cursor
from engium.kit.transaction_memo import transaction_memo

# A keyset position (pagination.Cursor) as bind parameters, shared by the list statements below.
_CURSOR_POSITION = tuple_(bindparam("cursor_at", type_=DateTime(timezone=True)), bindparam("cursor_id", type_=Uuid()))
_PSYCOPG = psycopg_dialect.dialect()  # type: ignore[no-untyped-call]


def _as_psycopg(stmt: Select[Any]) -> tuple[LiteralString, tuple[str, ...]]:
    """A statement as psycopg SQL (``%(name)s`` parameters) and its column names, for the asyncio reads
    (engium.access.read_transaction): compiled once per shape by the callers' caches."""
    sql: LiteralString = stmt.compile(dialect=_PSYCOPG).string
    return sql, tuple(column.name for column in stmt.selected_columns)


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contact_page(*, entity: bool, after: bool, search: bool) -> Select[Any]:
    """The contact list of one shape (a cursor, a search), as ORM objects (``entity``) or plain columns;
    values are named bind parameters (:func:`contact_page_params`)."""
    stmt: Select[Any] = select(Contact) if entity else select(*Contact.__table__.columns)
    stmt = stmt.order_by(Contact.created_at.desc(), Contact.id.desc())
    if after:
        stmt = stmt.where(tuple_(Contact.created_at, Contact.id) < _CURSOR_POSITION)
    if search:
        pattern: BindParameter[Any] = bindparam("pattern")
        stmt = stmt.where(
            or_(
                Contact.name.ilike(pattern, escape="\\"),
                Contact.email.ilike(pattern, escape="\\"),
                Contact.phone.ilike(pattern, escape="\\"),
            )
        )
    return stmt.limit(bindparam("limit"))


def contact_page_params(*, cursor: Cursor | None, limit: int, q: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {"limit": limit + 1}
    if cursor is not None:
        params |= {"cursor_at": cursor.at, "cursor_id": cursor.id}
    if q:
        params["pattern"] = f"%{_escape_like(q)}%"
    return params


def list_contacts(session: Session, *, cursor: Cursor | None, limit: int, q: str | None) -> list[Contact]:
    params = contact_page_params(cursor=cursor, limit=limit, q=q)
    stmt = _contact_page(entity=True, after="cursor_at" in params, search="pattern" in params)
    return list(session.execute(stmt, params).scalars())


@cache
def _compiled_contact_page(after: bool, search: bool) -> tuple[LiteralString, tuple[str, ...]]:
    return _as_psycopg(_contact_page(entity=False, after=after, search=search))


def contact_page_sql(params: dict[str, Any]) -> tuple[LiteralString, tuple[str, ...]]:
    """:func:`list_contacts`'s statement as psycopg SQL and its column names (see conversation_page_sql)."""
    return _compiled_contact_page("cursor_at" in params, "pattern" in params)


def get_contact(session: Session, contact_id: UUID) -> Contact | None:
    return session.execute(select(Contact).where(Contact.id == contact_id)).scalar_one_or_none()


def find_contacts_by_identifiers(
    session: Session, identifiers: dict[str, str], *, excluding: UUID | None = None
) -> list[Contact]:
    """Contacts that already hold any of these identifier values (email, phone, widget_id)."""
    if not identifiers:
        return []
    stmt = select(Contact).where(
        or_(*(getattr(Contact, field) == value for field, value in identifiers.items()))
    )
    if excluding is not None:
        stmt = stmt.where(Contact.id != excluding)
    return list(session.execute(stmt).scalars())


def contact_exists(session: Session, contact_id: UUID) -> bool:
    return bool(session.execute(select(exists().where(Contact.id == contact_id))).scalar())


def delete_contact(session: Session, contact_id: UUID) -> None:
    session.execute(delete(Contact).where(Contact.id == contact_id))


def _conversation_page(
    *, after: bool, status: bool, channel: bool, assignee: bool, contact: bool
) -> Select[Any]:
    """The conversation list of one shape: which filters apply. Values are named bind parameters
    (:func:`conversation_page_params`), so a shape compiles once for the asyncio read as well."""
    stmt = select(*Conversation.__table__.columns).order_by(
        Conversation.last_message_at.desc(), Conversation.id.desc()
    )
    if after:
        stmt = stmt.where(
            tuple_(Conversation.last_message_at, Conversation.id)
            < _CURSOR_POSITION
        )
    if status:
        stmt = stmt.where(Conversation.status == bindparam("status"))
    if channel:
        stmt = stmt.where(Conversation.channel == bindparam("channel"))
    if assignee:
        stmt = stmt.where(Conversation.assignee_user_id == bindparam("assignee_user_id"))
    if contact:
        stmt = stmt.where(Conversation.contact_id == bindparam("contact_id"))
    return stmt.limit(bindparam("limit"))


def conversation_page_params(
    *,
    cursor: Cursor | None,
    limit: int,
    status: str | None = None,
    channel: str | None = None,
    assignee_user_id: UUID | None = None,
    contact_id: UUID | None = None,
) -> dict[str, Any]:
    params: dict[str, Any] = {"limit": limit + 1}
    if cursor is not None:
        params |= {"cursor_at": cursor.at, "cursor_id": cursor.id}
    filters = {"status": status, "channel": channel, "assignee_user_id": assignee_user_id, "contact_id": contact_id}
    return params | {name: value for name, value in filters.items() if value is not None}


def _shape(params: dict[str, Any]) -> dict[str, bool]:
    return {
        "after": "cursor_at" in params,
        "status": "status" in params,
        "channel": "channel" in params,
        "assignee": "assignee_user_id" in params,
        "contact": "contact_id" in params,
    }


def list_conversations(session: Session, **page: Any) -> list[Row[Any]]:
    """``page``: the arguments of :func:`conversation_page_params`."""
    # Plain rows, not ORM instances: a page is read-only, and identity-map bookkeeping for 51 objects
    # was a large share of a list request's CPU time.
    params = conversation_page_params(**page)
    return list(session.execute(_conversation_page(**_shape(params)), params))


@cache
def _compiled_conversation_page(
    after: bool, status: bool, channel: bool, assignee: bool, contact: bool
) -> tuple[LiteralString, tuple[str, ...]]:
    return _as_psycopg(
        _conversation_page(after=after, status=status, channel=channel, assignee=assignee, contact=contact)
    )


def conversation_page_sql(params: dict[str, Any]) -> tuple[LiteralString, tuple[str, ...]]:
    """The same statement as :func:`list_conversations` runs, as psycopg SQL (``%(name)s`` parameters),
    and the names of its columns: for :class:`engium.access.read_transaction.ReadTransaction`."""
    return _compiled_conversation_page(**_shape(params))


def conversations_by_ids(session: Session, conversation_ids: list[UUID]) -> list[Conversation]:
    if not conversation_ids:
        return []
    return list(session.execute(select(Conversation).where(Conversation.id.in_(conversation_ids))).scalars())


def get_conversation(session: Session, conversation_id: UUID, *, for_update: bool = False) -> Conversation | None:
    stmt = select(Conversation).where(Conversation.id == conversation_id)
    if for_update:
        # Serialises changes to one conversation: status transitions and last_message_at never
        # interleave between two concurrent requests.
        stmt = stmt.with_for_update()
    return session.execute(stmt).scalar_one_or_none()


def list_messages(
    session: Session, conversation_id: UUID, *, cursor: Cursor | None, limit: int
) -> list[Message]:
    stmt = (
        select(Message)
        .where(Message.conversation_id == conversation_id)
        .order_by(Message.created_at, Message.id)
    )
    if cursor is not None:
        stmt = stmt.where(tuple_(Message.created_at, Message.id) > tuple_(cursor.at, cursor.id))
    return list(session.execute(stmt.limit(limit + 1)).scalars())


def delivery_statuses(session: Session, message_ids: list[UUID]) -> list[tuple[UUID, str, str | None]]:
    rows = session.execute(
        select(Message.id, Message.delivery_status, Message.delivery_error).where(
            Message.id.in_(message_ids), Message.delivery_status.is_not(None)
        )
    )
    return [(message_id, status, error) for message_id, status, error in rows if status]


INBOX_CHANNEL = "engium_inbox"
_NOTIFY = text("select pg_notify(:channel, :payload)")


def _announce(session: Session, changed: Iterable[tuple[UUID, UUID]]) -> None:
    """Tells listeners which conversation changed. Ids only: the payload crosses tenants on one channel,
    so listeners re-read the conversation under their own tenant binding (RLS) to learn anything more."""
    # PostgreSQL delivers identical notifications of one transaction once, so a conversation announced
    # earlier in this transaction (created, then its message, then its timestamps) is not sent again:
    # the same delivery, fewer round trips (ADR 0048).
    sent = transaction_memo(session, "inbox_announced")
    for tenant_id, conversation_id in sorted(set(changed)):
        if (tenant_id, conversation_id) in sent:
            continue
        payload = json.dumps({"tenant_id": str(tenant_id), "conversation_id": str(conversation_id)})
        session.execute(_NOTIFY, {"channel": INBOX_CHANNEL, "payload": payload})
        sent[(tenant_id, conversation_id)] = True


def announced_elsewhere(session: Session, tenant_id: UUID, conversation_id: UUID) -> None:
    """Notes that a statement of this transaction sent the conversation's announcement itself (the inbound
    store function, ADR 0051), with the same payload: later changes in the transaction need not send it."""
    transaction_memo(session, "inbox_announced")[(tenant_id, conversation_id)] = True


def announce_changed(session: Session, changed: Iterable[tuple[UUID, UUID]]) -> None:
    """Tells the staff app's live transcript that these (tenant, conversation) pairs changed."""
    _announce(session, changed)


def add(session: Session, *rows: Contact | Conversation | Message) -> None:
    session.add_all(rows)
    session.flush()
    _announce(session, [
        (row.tenant_id, row.id if isinstance(row, Conversation) else row.conversation_id)
        for row in rows
        if isinstance(row, Conversation | Message)
    ])


def save(session: Session) -> None:
    """Sends pending changes now, so constraint violations surface inside the service call."""
    changed = [(row.tenant_id, row.id) for row in session.dirty if isinstance(row, Conversation)]
    session.flush()
    _announce(session, changed)
