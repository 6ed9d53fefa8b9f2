"""HTTP for a member's own notifications and notification settings (/api/v1/notifications)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from engium.access.authentication import Requires
from engium.access.permissions import Permission
from engium.access.principal import Principal
from engium.kit.pagination import Page, PageRequest, encode_cursor, page_request
from engium.kit.transaction import DbSession
from engium.notifications import service
from engium.notifications.models import NotificationKind, NotificationPreference, StaffNotification
from engium.notifications.schemas import (
    MarkAll,
    Marked,
    MarkIds,
    NotificationOut,
    PreferencesOut,
    PreferencesUpdate,
    UnreadCount,
)

router = APIRouter(tags=["notifications"])

Member = Annotated[Principal, Requires(Permission.TENANT_READ)]
Paging = Annotated[PageRequest, Depends(page_request)]


def notification_out(row: StaffNotification) -> NotificationOut:
    kind = NotificationKind(row.kind)
    return NotificationOut(id=row.id, kind=kind, title=service.TITLES[kind], conversation_id=row.conversation_id,
                           booking_id=row.booking_id, emailed=row.email_id is not None, created_at=row.created_at,
                           read_at=row.read_at)


@router.get("/notifications", response_model=Page[NotificationOut])
def list_notifications(
    principal: Member, session: DbSession, page: Paging, unread: bool = False
) -> Page[NotificationOut]:
    before = (page.cursor.at, page.cursor.id) if page.cursor is not None else None
    rows = service.list_notifications(session, principal, before=before, limit=page.limit + 1, unread_only=unread)
    items = rows[: page.limit]
    cursor = encode_cursor(items[-1].created_at, items[-1].id) if len(rows) > page.limit else None
    return Page(items=[notification_out(row) for row in items], next_cursor=cursor)


@router.get("/notifications/unread-count", response_model=UnreadCount)
def unread_count(principal: Member, session: DbSession) -> UnreadCount:
    return UnreadCount(unread=service.unread_count(session, principal))


@router.post("/notifications/read", response_model=Marked)
def mark_read(body: MarkIds | MarkAll, principal: Member, session: DbSession) -> Marked:
    return Marked(marked=service.mark_read(session, principal, body.ids if isinstance(body, MarkIds) else None))


def _preferences_out(found: NotificationPreference) -> PreferencesOut:
    return PreferencesOut(email_enabled=found.email_enabled, on_call=found.on_call, daily_digest=found.daily_digest,
                          email_muted_kinds=[NotificationKind(kind) for kind in found.email_muted_kinds or ()])


@router.get("/notifications/preferences", response_model=PreferencesOut)
def get_preferences(principal: Member, session: DbSession) -> PreferencesOut:
    return _preferences_out(service.preferences(session, principal))


@router.patch("/notifications/preferences", response_model=PreferencesOut)
def update_preferences(body: PreferencesUpdate, principal: Member, session: DbSession) -> PreferencesOut:
    return _preferences_out(service.update_preferences(
        session, principal, email_enabled=body.email_enabled, on_call=body.on_call, daily_digest=body.daily_digest,
        email_muted_kinds=body.email_muted_kinds))
