"""Staff notifications: written when the system emits an event staff must act on, read and marked read by
the member they are for, and e-mailed to the people who must act.

Who hears (ADR 0041):
- in the staff app, every owner, admin and agent of the business (auditors read; they do not act), except
  the member whose own action caused the event;
- by e-mail, the conversation's assignee when there is one; otherwise the members on call; when nobody is
  on call, the owners, so an escalation never goes unheard. A booking change made by a member of staff is
  not e-mailed (a person already knows); one made by the assistant or the customer is. A member who turned
  e-mail off is never e-mailed. A server with no SMTP sender notifies in the app only (the notification
  records ``not_configured``).

A notification holds a kind and ids. The e-mail names the business, what happened and a link into the
staff app, never the customer's name or words: it leaves the system through the operator's relay.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy.orm import Session

from engium.access.permissions import Role
from engium.access.principal import Principal, PrincipalKind
from engium.audit.actions import AuditAction
from engium.audit.recorder import record
from engium.context import current_request_context
from engium.errors import Forbidden, NotFound
from engium.jobs import defer
from engium.notifications import repository as repo
from engium.notifications.after_hours import is_after_hours
from engium.notifications.models import NotificationKind, NotificationPreference, StaffNotification
from engium.notifications.repository import Recipient

COMPONENT = "notifications"
EMAIL_JOB = "notifications.email"
PENDING, QUEUED, NOT_CONFIGURED = "pending", "queued", "not_configured"
ACTING_ROLES = frozenset({Role.OWNER.value, Role.ADMIN.value, Role.AGENT.value})
EVENT_KINDS: dict[str, NotificationKind] = {
    "conversation.escalated": NotificationKind.CONVERSATION_ESCALATED,
    "conversation.created": NotificationKind.CONVERSATION_AFTER_HOURS,
    "conversation.awaiting_staff": NotificationKind.CONVERSATION_AWAITING_STAFF,
    "booking.created": NotificationKind.BOOKING_CREATED,
    "booking.cancelled": NotificationKind.BOOKING_CANCELLED,
    "booking.rescheduled": NotificationKind.BOOKING_RESCHEDULED,
    "message.delivery_failed": NotificationKind.MESSAGE_DELIVERY_FAILED,
}
TITLES: dict[NotificationKind, str] = {
    NotificationKind.CONVERSATION_ESCALATED: "A conversation was handed to a person",
    NotificationKind.CONVERSATION_AFTER_HOURS: "A customer wrote in outside opening hours",
    NotificationKind.CONVERSATION_AWAITING_STAFF: "A customer is still waiting for a person",
    NotificationKind.BOOKING_CREATED: "New booking",
    NotificationKind.BOOKING_CANCELLED: "Booking cancelled",
    NotificationKind.BOOKING_RESCHEDULED: "Booking moved",
    NotificationKind.MESSAGE_DELIVERY_FAILED: "A message could not be delivered",
}
BOOKING_KINDS = frozenset({NotificationKind.BOOKING_CREATED, NotificationKind.BOOKING_CANCELLED,
                           NotificationKind.BOOKING_RESCHEDULED})


def _now() -> datetime:
    return datetime.now(UTC)


def _uuid(value: object) -> UUID | None:
    if value is None:
        return None
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except ValueError:
        return None


def _acting_member() -> UUID | None:
    """The member whose request caused the event, left out of their own notification. Read from the request
    context: a courtesy, not a permission (no one gains anything by it), and the emitting services' event
    data carries no actor."""
    ctx = current_request_context()
    if ctx is None or ctx.actor.kind != PrincipalKind.USER.value:
        return None
    return _uuid(ctx.actor.id)


def link(base_url: str, notification: StaffNotification) -> str:
    if notification.conversation_id is not None:
        return f"{base_url}/conversations/{notification.conversation_id}"
    if notification.booking_id is not None:
        return f"{base_url}/bookings/{notification.booking_id}"
    return f"{base_url}/notifications"


def _email_targets(kind: NotificationKind, members: list[Recipient], assignee: UUID | None,
                   acting: UUID | None) -> set[UUID]:
    if kind in BOOKING_KINDS and acting is not None:
        return set()
    if assignee is not None and any(m.user_id == assignee for m in members):
        chosen = {assignee}
    else:
        chosen = {m.user_id for m in members if m.on_call} or {
            m.user_id for m in members if m.role == Role.OWNER.value}
    return {m.user_id for m in members if m.user_id in chosen and m.email_enabled and m.user_id != acting
            and kind.value not in m.email_muted_kinds}


def notify_staff(session: Session, tenant_id: UUID, event_type: str, data: dict[str, Any]) -> None:
    """The event hook the composition root installs (webhooks/event_hook.py)."""
    kind = EVENT_KINDS.get(event_type)
    if kind is None:
        return
    if kind is NotificationKind.CONVERSATION_AFTER_HOURS and not is_after_hours(session, _now()):
        return
    notify(session, tenant_id, kind, data)


def notify(session: Session, tenant_id: UUID, kind: NotificationKind, data: dict[str, Any]) -> list[StaffNotification]:
    """Writes the notifications of one event, and queues the e-mail job for those to be e-mailed: the
    worker, which holds the server's SMTP settings, queues the e-mail (or records that none is configured),
    so nothing here waits on mail and the request's transaction stays short."""
    acting = _acting_member()
    members = [m for m in repo.members_with_preferences(session) if m.role in ACTING_ROLES]
    conversation_id, booking_id = _uuid(data.get("conversation_id")), _uuid(data.get("booking_id"))
    emailed = _email_targets(kind, members, _uuid(data.get("assignee_user_id")), acting)
    notifications = [
        StaffNotification(tenant_id=tenant_id, id=uuid.uuid4(), user_id=member.user_id, kind=kind.value,
                          conversation_id=conversation_id, booking_id=booking_id,
                          email_state=PENDING if member.user_id in emailed else None)
        for member in members if member.user_id != acting
    ]
    if not notifications:
        return []
    repo.add(session, notifications)
    for notification in notifications:
        if notification.email_state == PENDING:
            defer(session, EMAIL_JOB, tenant_id=str(tenant_id), notification_id=str(notification.id))
    # Named by what it is about in the details: the event's own resource (the conversation, the booking)
    # keeps its audit trail to the change itself.
    record(session, Principal.system(tenant_id, COMPONENT), AuditAction.NOTIFICATIONS_CREATED,
           resource_type="staff_notifications",
           details={"kind": kind.value, "conversation_id": conversation_id, "booking_id": booking_id,
                    "in_app": len(notifications), "emailed": len(emailed)})
    return notifications


# --- the member's own notifications ---------------------------------------------------------------------


def _member(principal: Principal) -> UUID:
    if principal.kind is not PrincipalKind.USER or principal.user_id is None:
        raise Forbidden("Notifications belong to a member of staff: sign in as one (an API key has none)")
    return principal.user_id


def list_notifications(session: Session, principal: Principal, *, before: tuple[datetime, UUID] | None = None,
                       limit: int = 50, unread_only: bool = False) -> list[StaffNotification]:
    return repo.for_member(session, _member(principal), before=before, limit=limit, unread_only=unread_only)


def unread_count(session: Session, principal: Principal) -> int:
    return repo.unread_count(session, _member(principal))


def mark_read(session: Session, principal: Principal, ids: list[UUID] | None) -> int:
    changed = repo.mark_read(session, _member(principal), ids, _now())
    if changed:
        record(session, principal, AuditAction.NOTIFICATIONS_READ, resource_type="staff_notifications",
               details={"count": changed, "all": ids is None})
    return changed


def open_notification(session: Session, principal: Principal, notification_id: UUID) -> StaffNotification:
    """The member's own notification, marked read; another member's (or tenant's) is not found."""
    found = repo.one_for_member(session, _member(principal), notification_id)
    if found is None:
        raise NotFound("Notification not found")
    if found.read_at is None:
        mark_read(session, principal, [found.id])
    return found


def preferences(session: Session, principal: Principal) -> NotificationPreference:
    user_id = _member(principal)
    found = repo.preference(session, user_id)
    return found or NotificationPreference(tenant_id=principal.tenant_id, user_id=user_id, email_enabled=True,
                                           on_call=False, daily_digest=False, email_muted_kinds=[])


def update_preferences(session: Session, principal: Principal, *, email_enabled: bool | None = None,
                       on_call: bool | None = None, daily_digest: bool | None = None,
                       email_muted_kinds: Collection[NotificationKind] | None = None) -> NotificationPreference:
    user_id = _member(principal)
    current = repo.preference(session, user_id, for_update=True)
    if current is None:
        current = NotificationPreference(tenant_id=principal.tenant_id, user_id=user_id, email_enabled=True,
                                         on_call=False, daily_digest=False, email_muted_kinds=[])
        session.add(current)
    # Stored in the enum's order, so the same choice is the same value (and no change) however it was sent.
    muted = None if email_muted_kinds is None else [k.value for k in NotificationKind if k in set(email_muted_kinds)]
    changes: dict[str, object] = {
        name: value for name, value in
        (("email_enabled", email_enabled), ("on_call", on_call), ("daily_digest", daily_digest),
         ("email_muted_kinds", muted))
        if value is not None and getattr(current, name) != value}
    for name, value in changes.items():
        setattr(current, name, value)
    current.updated_at = _now()
    session.flush()
    if changes:
        record(session, principal, AuditAction.NOTIFICATION_PREFERENCES_CHANGED,
               resource_type="notification_preferences", resource_id=user_id, details=changes)
    return current
