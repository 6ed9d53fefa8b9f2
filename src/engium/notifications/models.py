"""Mirror of ``staff_notifications`` and ``notification_preferences`` (migration 0031)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from sqlalchemy import ARRAY, Boolean, Date, DateTime, ForeignKey, ForeignKeyConstraint, Index, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from engium.kit.orm import Base


class NotificationKind(StrEnum):
    CONVERSATION_ESCALATED = "conversation_escalated"
    CONVERSATION_AFTER_HOURS = "conversation_after_hours"
    CONVERSATION_AWAITING_STAFF = "conversation_awaiting_staff"
    BOOKING_CREATED = "booking_created"
    BOOKING_CANCELLED = "booking_cancelled"
    BOOKING_RESCHEDULED = "booking_rescheduled"
    MESSAGE_DELIVERY_FAILED = "message_delivery_failed"


class StaffNotification(Base):
    __tablename__ = "staff_notifications"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "user_id"], ["memberships.tenant_id", "memberships.user_id"],
                             ondelete="CASCADE"),
        ForeignKeyConstraint(["tenant_id", "conversation_id"], ["conversations.tenant_id", "conversations.id"],
                             ondelete="CASCADE"),
        ForeignKeyConstraint(["tenant_id", "booking_id"], ["bookings.tenant_id", "bookings.id"], ondelete="CASCADE"),
        Index("staff_notifications_member_idx", "tenant_id", "user_id", "created_at", "id"),
        Index("staff_notifications_unread_idx", "tenant_id", "user_id", postgresql_where=text("read_at is null")),
        Index("staff_notifications_conversation_idx", "tenant_id", "conversation_id"),
        Index("staff_notifications_booking_idx", "tenant_id", "booking_id"),
    )

    tenant_id: Mapped[UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    user_id: Mapped[UUID] = mapped_column()
    kind: Mapped[str] = mapped_column(Text)
    conversation_id: Mapped[UUID | None] = mapped_column()
    booking_id: Mapped[UUID | None] = mapped_column()
    # None: not to be e-mailed; "pending" until the notifications.email job queues it ("queued", with the
    # outbound_mail row in email_id) or finds no SMTP sender ("not_configured").
    email_state: Mapped[str | None] = mapped_column(Text)
    email_id: Mapped[UUID | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class NotificationPreference(Base):
    __tablename__ = "notification_preferences"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "user_id"], ["memberships.tenant_id", "memberships.user_id"],
                             ondelete="CASCADE"),
    )

    tenant_id: Mapped[UUID] = mapped_column(primary_key=True)
    user_id: Mapped[UUID] = mapped_column(primary_key=True)
    email_enabled: Mapped[bool] = mapped_column(Boolean, server_default="true")
    on_call: Mapped[bool] = mapped_column(Boolean, server_default="false")
    daily_digest: Mapped[bool] = mapped_column(Boolean, server_default="false")
    # Kinds not to e-mail (migration 0040); the in-app notification is written whatever this says.
    email_muted_kinds: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    # The tenant-local day the last digest went out: one digest a day, however many workers run the job.
    last_digest_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
