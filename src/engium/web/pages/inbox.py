"""The inbox: conversations with contact, channel, status, assignee and last message; filtered; live.

The list is ``conversations.service.list_conversations`` (as ``GET /api/v1/conversations``), with the
contacts' names and last messages from ``conversations.inbox``. ``/inbox/events`` streams a re-rendered
row whenever a conversation of the member's business changes (web/live.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, get_args
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from sse_starlette import ServerSentEvent

from engium.access.permissions import Permission
from engium.conversations import inbox
from engium.conversations import service as conversations
from engium.conversations.schemas import Channel, ConversationStatus
from engium.errors import NotFound
from engium.identity import service as identity
from engium.kit.pagination import PageRequest, decode_cursor, encode_cursor
from engium.kit.transaction import DbSession
from engium.web.live import event_stream, json_event
from engium.web.members import Member, viewer
from engium.web.page_route import PageRoute
from engium.web.rendering import render, render_text

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Reader = Annotated[Member, viewer(Permission.CONVERSATIONS_READ)]
STATUSES: tuple[str, ...] = get_args(ConversationStatus)
CHANNELS: tuple[str, ...] = get_args(Channel)
CHANNEL_LABELS = {"web": "Web chat", "sms": "SMS", "whatsapp": "WhatsApp", "email": "E-mail"}
PAGE_SIZE = 50


@dataclass(frozen=True)
class InboxFilters:
    status: str = ""
    channel: str = ""
    assignee: str = ""  # "", "me" or a member's user id

    @classmethod
    def parse(cls, status: str | None, channel: str | None, assignee: str | None) -> InboxFilters:
        chosen_assignee = assignee or ""
        if chosen_assignee not in ("", "me"):
            try:
                chosen_assignee = str(UUID(chosen_assignee))
            except ValueError:
                chosen_assignee = ""
        return cls(status if status in STATUSES else "", channel if channel in CHANNELS else "", chosen_assignee)

    def assignee_id(self, member: Member) -> UUID | None:
        if self.assignee == "me":
            return member.principal.user_id
        return UUID(self.assignee) if self.assignee else None

    def matches(self, conversation: Any, member: Member) -> bool:
        wanted = self.assignee_id(member)
        return ((not self.status or conversation.status == self.status)
                and (not self.channel or conversation.channel == self.channel)
                and (wanted is None or conversation.assignee_user_id == wanted))

    def as_query(self) -> dict[str, str]:
        return {"status": self.status, "channel": self.channel, "assignee": self.assignee}


@dataclass(frozen=True)
class InboxRow:
    id: UUID
    contact_name: str
    channel: str
    channel_label: str
    status: str
    assignee: str
    subject: str
    last_message: str
    last_author_kind: str
    last_message_at: datetime


def member_names(session: Session) -> dict[UUID, str]:
    return {user.id: user.display_name or user.email for _, user in identity.list_members(session)}


def inbox_rows(session: Session, member: Member, conversations_found: list[Any]) -> list[InboxRow]:
    previews = inbox.previews(session, member.principal, [(c.id, c.contact_id) for c in conversations_found])
    names = member_names(session)
    return [
        InboxRow(
            id=c.id, contact_name=previews[c.id].contact_name, channel=c.channel,
            channel_label=CHANNEL_LABELS.get(c.channel, c.channel), status=c.status,
            assignee=names.get(c.assignee_user_id, "") if c.assignee_user_id else "", subject=c.subject,
            last_message=previews[c.id].last_message, last_author_kind=previews[c.id].last_author_kind,
            last_message_at=c.last_message_at,
        )
        for c in conversations_found
    ]


def render_row(row: InboxRow, member: Member) -> str:
    return render_text("partials/inbox_row.html", {"row": row, "member": member})


@router.get("/inbox", response_class=HTMLResponse)
def inbox_page(
    request: Request,
    member: Reader,
    session: DbSession,
    status: Annotated[str | None, Query(max_length=20)] = None,
    channel: Annotated[str | None, Query(max_length=20)] = None,
    assignee: Annotated[str | None, Query(max_length=40)] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    filters = InboxFilters.parse(status, channel, assignee)
    page = PageRequest(cursor=decode_cursor(cursor), limit=PAGE_SIZE)
    found = conversations.list_conversations(
        session, member.principal, page, status=filters.status or None, channel=filters.channel or None,
        assignee_user_id=filters.assignee_id(member),
    )
    shown = found[:PAGE_SIZE]
    next_cursor = encode_cursor(shown[-1].last_message_at, shown[-1].id) if len(found) > PAGE_SIZE else None
    return render(request, "inbox.html", {
        "rows": inbox_rows(session, member, shown), "filters": filters, "statuses": STATUSES,
        "channels": [(c, CHANNEL_LABELS[c]) for c in CHANNELS], "members": sorted(member_names(session).items(),
                                                                                    key=lambda item: item[1].lower()),
        "next_cursor": next_cursor, "first_page": cursor is None,
    })


@router.get("/inbox/events")
def inbox_events(
    request: Request,
    member: Reader,
    status: Annotated[str | None, Query(max_length=20)] = None,
    channel: Annotated[str | None, Query(max_length=20)] = None,
    assignee: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    filters = InboxFilters.parse(status, channel, assignee)

    def reread(session: Session, current: Member, changed: set[UUID], resync: bool) -> list[ServerSentEvent]:
        if resync:
            return [json_event("resync", {})]
        events = []
        for conversation_id in sorted(changed):
            try:
                conversation = conversations.get_conversation(session, current.principal, conversation_id)
            except NotFound:
                events.append(json_event("remove", {"id": str(conversation_id)}))
                continue
            if not filters.matches(conversation, current):
                events.append(json_event("remove", {"id": str(conversation_id)}))
                continue
            row = inbox_rows(session, current, [conversation])[0]
            events.append(json_event("row", {
                "id": str(row.id), "at": row.last_message_at.isoformat(), "html": render_row(row, current),
            }))
        return events

    return event_stream(request, member, Permission.CONVERSATIONS_READ, reread)
