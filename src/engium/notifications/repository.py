"""Queries on ``staff_notifications`` and ``notification_preferences``, under the bound tenant's RLS."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from engium.identity import service as identity
from engium.notifications.models import NotificationPreference, StaffNotification

# Announced on commit to the staff app's live streams (web/inbox_feed.py): ids only.
NOTIFICATIONS_CHANNEL = "engium_staff_notifications"
_NOTIFY = text("select pg_notify(:channel, :payload)")


@dataclass(frozen=True)
class Recipient:
    user_id: UUID
    role: str
    email: str
    name: str
    email_enabled: bool
    on_call: bool
    email_muted_kinds: frozenset[str] = frozenset()


def members_with_preferences(session: Session) -> list[Recipient]:
    """Every member, with their notification settings (defaults for a member who never set them)."""
    settings = {p.user_id: p for p in session.execute(select(NotificationPreference)).scalars()}
    recipients = []
    for membership, user in identity.list_members(session):
        found = settings.get(membership.user_id)
        recipients.append(Recipient(membership.user_id, membership.role, user.email, user.display_name,
                                    found.email_enabled if found else True, found.on_call if found else False,
                                    frozenset(found.email_muted_kinds or ()) if found else frozenset()))
    return recipients


def add(session: Session, notifications: list[StaffNotification]) -> None:
    session.add_all(notifications)
    session.flush()
    for tenant_id, user_id in sorted({(n.tenant_id, n.user_id) for n in notifications}):
        payload = json.dumps({"tenant_id": str(tenant_id), "user_id": str(user_id)})
        session.execute(_NOTIFY, {"channel": NOTIFICATIONS_CHANNEL, "payload": payload})


def for_member(session: Session, user_id: UUID, *, before: tuple[datetime, UUID] | None, limit: int,
               unread_only: bool = False) -> list[StaffNotification]:
    stmt = select(StaffNotification).where(StaffNotification.user_id == user_id)
    if unread_only:
        stmt = stmt.where(StaffNotification.read_at.is_(None))
    if before is not None:
        stmt = stmt.where(func.row(StaffNotification.created_at, StaffNotification.id) < func.row(*before))
    stmt = stmt.order_by(StaffNotification.created_at.desc(), StaffNotification.id.desc()).limit(limit)
    return list(session.execute(stmt).scalars())


def locked(session: Session, notification_id: UUID) -> StaffNotification | None:
    stmt = select(StaffNotification).where(StaffNotification.id == notification_id).with_for_update()
    return session.execute(stmt).scalar_one_or_none()


def one_for_member(session: Session, user_id: UUID, notification_id: UUID) -> StaffNotification | None:
    stmt = select(StaffNotification).where(StaffNotification.user_id == user_id,
                                           StaffNotification.id == notification_id)
    return session.execute(stmt).scalar_one_or_none()


def unread_count(session: Session, user_id: UUID) -> int:
    stmt = select(func.count()).where(StaffNotification.user_id == user_id, StaffNotification.read_at.is_(None))
    return int(session.execute(stmt).scalar_one())


def mark_read(session: Session, user_id: UUID, ids: list[UUID] | None, at: datetime) -> int:
    """``ids`` None: every unread notification of the member. Returns how many changed."""
    stmt = update(StaffNotification).where(StaffNotification.user_id == user_id,
                                           StaffNotification.read_at.is_(None))
    if ids is not None:
        stmt = stmt.where(StaffNotification.id.in_(ids))
    return int(session.execute(stmt.values(read_at=at)).rowcount)  # type: ignore[attr-defined]


def since(session: Session, user_id: UUID, start: datetime) -> list[StaffNotification]:
    stmt = (select(StaffNotification)
            .where(StaffNotification.user_id == user_id, StaffNotification.created_at >= start)
            .order_by(StaffNotification.created_at))
    return list(session.execute(stmt).scalars())


def preference(session: Session, user_id: UUID, *, for_update: bool = False) -> NotificationPreference | None:
    stmt = select(NotificationPreference).where(NotificationPreference.user_id == user_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.execute(stmt).scalar_one_or_none()


def digest_subscribers(session: Session) -> list[NotificationPreference]:
    stmt = select(NotificationPreference).where(NotificationPreference.daily_digest.is_(True)).with_for_update(
        skip_locked=True)
    return list(session.execute(stmt).scalars())
