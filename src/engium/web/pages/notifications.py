"""The member's notifications: the list behind the navigation's bell, live, and their notification settings.

Opening a notification marks it read and goes to what it is about; "Mark all read" clears the bell. The
bell on every page follows ``/notifications/events``: a member's new notification changes its count
without a reload (one LISTEN connection per process, web/inbox_feed.py).
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from sse_starlette import ServerSentEvent

from engium.access.permissions import Permission
from engium.bookings import service as bookings
from engium.conversations import inbox
from engium.conversations import service as conversations
from engium.kit.transaction import DbSession
from engium.notifications import service as notifications
from engium.notifications.models import NotificationKind, StaffNotification
from engium.notifications.repository import NOTIFICATIONS_CHANNEL
from engium.tenancy import service as tenancy
from engium.web.live import event_stream, json_event
from engium.web.members import Member, PostedForm, actor, viewer
from engium.web.page_route import PageRoute, see_other
from engium.web.pages.inbox import CHANNEL_LABELS
from engium.web.rendering import local_time, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Reader = Annotated[Member, viewer(Permission.TENANT_READ)]
Actor = Annotated[Member, actor(Permission.TENANT_READ)]
PAGE_SIZE = 100
NOTICES = {"settings": "Your notification settings were saved.", "read": "All notifications are marked read."}


def _about(session: Session, found: list[StaffNotification]) -> dict[UUID, str]:
    """Who each notification is about ("Grace Hopper · SMS"), read under the member's RLS like the inbox:
    one query for the conversations, one for the bookings, one for the contacts' names."""
    conversation_ids = list({n.conversation_id for n in found if n.conversation_id is not None})
    booking_ids = list({n.booking_id for n in found if n.conversation_id is None and n.booking_id is not None})
    zone = tenancy.get_settings(session).timezone
    about: dict[UUID, tuple[UUID, str]] = {
        c.id: (c.contact_id, CHANNEL_LABELS.get(c.channel, ""))
        for c in conversations.conversations_by_ids(session, conversation_ids)
    }
    about |= {b.id: (b.contact_id, local_time(b.starts_at, zone))
              for b in bookings.bookings_by_ids(session, booking_ids)}
    labels = inbox.contact_labels(session, {contact_id for contact_id, _ in about.values()})
    return {key: " · ".join(part for part in (labels.get(contact_id, ""), detail) if part)
            for key, (contact_id, detail) in about.items()}


def _items(session: Session, member: Member) -> list[dict[str, Any]]:
    found = notifications.list_notifications(session, member.principal, limit=PAGE_SIZE)
    about = _about(session, found)
    return [
        {"id": n.id, "title": notifications.TITLES[NotificationKind(n.kind)], "kind": n.kind, "at": n.created_at,
         "unread": n.read_at is None, "emailed": n.email_id is not None,
         "about": about.get(n.conversation_id or n.booking_id or n.id, "")}
        for n in found
    ]


@router.get("/notifications", response_class=HTMLResponse)
def notifications_page(request: Request, member: Reader, session: DbSession) -> Response:
    return render(request, "notifications.html", {
        "items": _items(session, member), "preferences": notifications.preferences(session, member.principal),
        "email_kinds": [(kind.value, title) for kind, title in notifications.TITLES.items()],
        "notice": NOTICES.get(request.query_params.get("done", ""), ""),
    })


@router.post("/notifications/{notification_id:uuid}/open")
def open_notification(request: Request, notification_id: UUID, member: Actor, session: DbSession) -> Response:
    found = notifications.open_notification(session, member.principal, notification_id)
    return see_other(notifications.link("", found))


@router.post("/notifications/read")
def mark_all_read(member: Actor, session: DbSession) -> Response:
    notifications.mark_read(session, member.principal, None)
    return see_other("/notifications?done=read")


@router.post("/notifications/settings")
def save_settings(member: Actor, session: DbSession, form: PostedForm) -> Response:
    notifications.update_preferences(
        session, member.principal, email_enabled=form.get("email_enabled") == "on", on_call=form.get("on_call") == "on",
        daily_digest=form.get("daily_digest") == "on",
        email_muted_kinds=[kind for kind in NotificationKind if kind.value not in form.getlist("email_kinds")],
    )
    return see_other("/notifications?done=settings")


@router.get("/notifications/events")
def notification_events(request: Request, member: Reader) -> Response:
    def reread(session: Session, current: Member, changed: set[UUID], resync: bool) -> list[ServerSentEvent]:
        if not resync and current.principal.user_id not in changed:
            return []
        return [json_event("unread", {"count": notifications.unread_count(session, current.principal)})]

    return event_stream(request, member, Permission.TENANT_READ, reread, channel=NOTIFICATIONS_CHANNEL)
