"""One conversation: transcript, cited sources, guard flags, delivery states, and what staff can do.

Reads and actions are the API's: ``view_conversation`` and ``list_messages`` (both logged as accesses),
``post_message`` (which queues the SMS/WhatsApp send in the same transaction), ``escalate``, ``assign``,
``resolve`` and the assistant's ``hand_back``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from sse_starlette import ServerSentEvent

from engium.access.permissions import Permission
from engium.assistant.escalation import hand_back
from engium.assistant.handover_policy import policy_of
from engium.assistant.turn_notes import turn_notes
from engium.bookings import catalog
from engium.channels.delivery_state import delivery_states
from engium.conversations import canned_responses as canned
from engium.conversations import contacts
from engium.conversations import service as conversations
from engium.conversations.inbox import contact_label
from engium.conversations.schemas import MessageCreate
from engium.kit.pagination import MAX_LIMIT, PageRequest
from engium.kit.transaction import DbSession
from engium.knowledge import service as knowledge
from engium.tenancy import service as tenancy
from engium.web.live import event_stream, json_event
from engium.web.members import Member, PostedForm, actor, viewer
from engium.web.page_route import PageRoute, attempt, see_other
from engium.web.pages.inbox import CHANNEL_LABELS, member_names
from engium.web.rendering import render, render_text

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Reader = Annotated[Member, viewer(Permission.CONVERSATIONS_READ)]
Writer = Annotated[Member, actor(Permission.CONVERSATIONS_WRITE)]
NOTICES = {"sent": "Reply sent.", "escalated": "Escalated to staff.", "assigned": "Assignee changed.",
           "resolved": "Conversation resolved.", "handed-back": "Handed back to the assistant."}
SETTING_SOURCES = {"settings:opening_hours": "Opening hours", "settings:contact": "Contact details",
                   "settings:address": "Address", "settings:phone": "Phone number",
                   "calendar:availability": "Free slots in the calendar"}


@dataclass(frozen=True)
class Source:
    label: str
    href: str


def _source_labels(session: Session, member: Member, source_ids: set[str]) -> dict[str, Source]:
    """Readable names for the typed source ids the assistant cites ("document:<id>", "faq:<n>" ...)."""
    labels: dict[str, Source] = {}
    documents: dict[UUID, str] = {}
    by_prefix: dict[str, list[str]] = {}
    for source in source_ids:
        by_prefix.setdefault(source.partition(":")[0], []).append(source)
    if by_prefix.get("document") and member.can(Permission.KNOWLEDGE_READ):
        ids = [UUID(s.partition(":")[2]) for s in by_prefix["document"] if _is_uuid(s.partition(":")[2])]
        documents = knowledge.document_titles(session, member.principal, ids)
    faqs = tenancy.get_settings(session).faqs if by_prefix.get("faq") else []
    services = {str(s.id): s.name for s in catalog.list_services(session)} if by_prefix.get("service") else {}
    staff = {str(v.staff.id): v.staff.name for v in catalog.list_staff(session)} if by_prefix.get("staff") else {}
    for source in source_ids:
        kind, _, ref = source.partition(":")
        if kind == "document" and _is_uuid(ref) and UUID(ref) in documents:
            labels[source] = Source(documents[UUID(ref)], f"/knowledge/documents/{ref}")
        elif kind == "faq" and ref.isdigit() and int(ref) < len(faqs):
            labels[source] = Source(f"FAQ: {faqs[int(ref)]['question']}", "")
        elif kind == "service" and ref in services:
            labels[source] = Source(f"Service: {services[ref]}", "/settings/services")
        elif kind == "staff" and ref in staff:
            labels[source] = Source(f"Staff: {staff[ref]}", "")
        elif kind == "closure":
            labels[source] = Source("Closures and holidays", "/settings/hours")
        elif kind in ("chunk", "model"):
            continue  # a chunk is shown through its document; a model call has no page
        else:
            labels[source] = Source(SETTING_SOURCES.get(source, source), "")
    return labels


def _is_uuid(value: str) -> bool:
    try:
        UUID(value)
    except ValueError:
        return False
    return True


def _transcript(session: Session, member: Member, conversation_id: UUID) -> dict[str, Any]:
    conversation = conversations.view_conversation(session, member.principal, conversation_id)
    messages = conversations.list_messages(session, member.principal, conversation_id,
                                           PageRequest(cursor=None, limit=MAX_LIMIT))
    shown = messages[:MAX_LIMIT]
    notes = turn_notes(session, conversation)
    sources = _source_labels(session, member, {s for ids in notes.sources.values() for s in ids})
    names = member_names(session)
    contact = contacts.get_contact(session, member.principal, conversation.contact_id)
    return {
        "conversation": conversation, "contact": contact, "contact_name": contact_label(contact),
        "channel_label": CHANNEL_LABELS.get(conversation.channel, conversation.channel),
        "messages": shown, "truncated": len(messages) > MAX_LIMIT,
        "sources": {mid: [sources[s] for s in ids if s in sources] for mid, ids in notes.sources.items()},
        "guard": notes.guard, "model_missed": notes.model_missed,
        "deliveries": delivery_states(session, [m.id for m in shown if m.direction == "outbound"]),
        "names": names, "assignee": names.get(conversation.assignee_user_id) if conversation.assignee_user_id else "",
        "members": sorted(names.items(), key=lambda item: item[1].lower()),
    }


def _page(request: Request, session: Session, member: Member, conversation_id: UUID, **extra: Any) -> HTMLResponse:
    context = _transcript(session, member, conversation_id)
    notice = NOTICES.get(request.query_params.get("done", ""), "")
    # What the assistant does while the conversation is with staff (ADR 0037), said beside the reply box.
    policy = policy_of(dict(tenancy.get_settings(session).escalation_rules or {})).name
    # The canned responses the reply box offers (conversations/canned_responses.py).
    replies = canned.list_canned_responses(session) if member.can(Permission.CONVERSATIONS_WRITE) else []
    return render(request, "conversation.html", {**context, "notice": notice, "error": "", "draft": "",
                                                 "handover_policy": policy, "canned_responses": replies, **extra})


@router.get("/conversations/{conversation_id}", response_class=HTMLResponse)
def conversation_page(request: Request, conversation_id: UUID, member: Reader, session: DbSession,
                      canned_response: Annotated[UUID | None, Query(alias="canned")] = None) -> Response:
    # Without JavaScript, picking a canned response reloads the page with it in the reply box; app.js inserts
    # it at the cursor instead, keeping what was typed.
    draft = canned.get_canned_response(session, canned_response).body if canned_response is not None else ""
    return _page(request, session, member, conversation_id, draft=draft)


@router.get("/conversations/{conversation_id}/events")
def conversation_events(request: Request, conversation_id: UUID, member: Reader, session: DbSession) -> Response:
    conversations.get_conversation(session, member.principal, conversation_id)  # 404 before streaming

    def reread(session: Session, current: Member, changed: set[UUID], resync: bool) -> list[ServerSentEvent]:
        if conversation_id not in changed and not resync:
            return []
        context = {**_transcript(session, current, conversation_id), "member": current}
        return [json_event("conversation", {
            "transcript": render_text("partials/transcript.html", context),
            "summary": render_text("partials/conversation_summary.html", context),
        })]

    return event_stream(request, member, Permission.CONVERSATIONS_READ, reread)


def _field(form: Any, name: str, limit: int = 10000) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


@router.post("/conversations/{conversation_id}/reply", response_class=HTMLResponse)
def reply(request: Request, conversation_id: UUID, member: Writer, session: DbSession, form: PostedForm) -> Response:
    body = _field(form, "body", 20000)
    attempt(
        session,
        lambda: conversations.post_message(session, member.principal, conversation_id,
                                           MessageCreate(body=body, author_kind="agent")),
        lambda message: _page(request, session, member, conversation_id, error=message, draft=body),
    )
    return see_other(f"/conversations/{conversation_id}?done=sent#composer")


@router.post("/conversations/{conversation_id}/escalate", response_class=HTMLResponse)
def escalate(request: Request, conversation_id: UUID, member: Writer, session: DbSession, form: PostedForm) -> Response:
    reason = _field(form, "reason", 1000).strip() or "Escalated by staff"
    attempt(
        session, lambda: conversations.escalate(session, member.principal, conversation_id, reason),
        lambda message: _page(request, session, member, conversation_id, error=message),
    )
    return see_other(f"/conversations/{conversation_id}?done=escalated")


@router.post("/conversations/{conversation_id}/assign", response_class=HTMLResponse)
def assign(request: Request, conversation_id: UUID, member: Writer, session: DbSession, form: PostedForm) -> Response:
    chosen = _field(form, "user_id", 40)

    def change() -> None:
        user_id = member.principal.user_id if chosen == "me" else (UUID(chosen) if _is_uuid(chosen) else None)
        conversations.assign(session, member.principal, conversation_id, user_id)

    attempt(session, change, lambda message: _page(request, session, member, conversation_id, error=message))
    return see_other(f"/conversations/{conversation_id}?done=assigned")


@router.post("/conversations/{conversation_id}/resolve", response_class=HTMLResponse)
def resolve(request: Request, conversation_id: UUID, member: Writer, session: DbSession) -> Response:
    attempt(
        session, lambda: conversations.resolve(session, member.principal, conversation_id),
        lambda message: _page(request, session, member, conversation_id, error=message),
    )
    return see_other(f"/conversations/{conversation_id}?done=resolved")


@router.post("/conversations/{conversation_id}/handback", response_class=HTMLResponse)
def handback(request: Request, conversation_id: UUID, member: Writer, session: DbSession) -> Response:
    attempt(
        session, lambda: hand_back(session, member.principal, conversation_id),
        lambda message: _page(request, session, member, conversation_id, error=message),
    )
    return see_other(f"/conversations/{conversation_id}?done=handed-back")
