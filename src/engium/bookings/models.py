from __future__ import annotations

from datetime import date, datetime, time
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    SmallInteger,
    Text,
    Time,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from engium.kit.orm import Base


def _tenant_fk() -> ForeignKey:
    return ForeignKey("tenants.id", ondelete="CASCADE")


class Service(Base):
    __tablename__ = "services"
    __table_args__ = (UniqueConstraint("tenant_id", "name", name="services_name_key"),)

    tenant_id: Mapped[UUID] = mapped_column(_tenant_fk(), primary_key=True)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, server_default="")
    duration_minutes: Mapped[int] = mapped_column(Integer)
    price_cents: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(Text, server_default="USD")
    active: Mapped[bool] = mapped_column(Boolean, server_default="true")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class StaffMember(Base):
    __tablename__ = "staff"

    tenant_id: Mapped[UUID] = mapped_column(_tenant_fk(), primary_key=True)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, server_default="true")
    booking_version: Mapped[int] = mapped_column(BigInteger, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class StaffService(Base):
    __tablename__ = "staff_services"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "staff_id"], ["staff.tenant_id", "staff.id"], ondelete="CASCADE"),
        ForeignKeyConstraint(
            ["tenant_id", "service_id"], ["services.tenant_id", "services.id"], ondelete="CASCADE"
        ),
    )

    tenant_id: Mapped[UUID] = mapped_column(_tenant_fk(), primary_key=True)
    staff_id: Mapped[UUID] = mapped_column(primary_key=True)
    service_id: Mapped[UUID] = mapped_column(primary_key=True)


class AvailabilityRule(Base):
    __tablename__ = "availability_rules"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "staff_id"], ["staff.tenant_id", "staff.id"], ondelete="CASCADE"),
    )

    tenant_id: Mapped[UUID] = mapped_column(_tenant_fk(), primary_key=True)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    staff_id: Mapped[UUID]
    weekday: Mapped[int] = mapped_column(SmallInteger)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)


class AvailabilityException(Base):
    __tablename__ = "availability_exceptions"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "staff_id"], ["staff.tenant_id", "staff.id"], ondelete="CASCADE"),
    )

    tenant_id: Mapped[UUID] = mapped_column(_tenant_fk(), primary_key=True)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    staff_id: Mapped[UUID]
    on_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(Text)
    start_time: Mapped[time | None] = mapped_column(Time)
    end_time: Mapped[time | None] = mapped_column(Time)
    note: Mapped[str] = mapped_column(Text, server_default="")


class Booking(Base):
    __tablename__ = "bookings"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "service_id"], ["services.tenant_id", "services.id"]),
        ForeignKeyConstraint(["tenant_id", "staff_id"], ["staff.tenant_id", "staff.id"]),
        ForeignKeyConstraint(
            ["tenant_id", "contact_id"], ["contacts.tenant_id", "contacts.id"], ondelete="CASCADE"
        ),
        Index("bookings_staff_time_idx", "tenant_id", "staff_id", "starts_at"),
        Index("bookings_start_idx", "tenant_id", "starts_at", "id"),
        Index("bookings_created_idx", "tenant_id", "created_at"),  # migration 0037: analytics
        # Migration 0035: the reminder run's scan.
        Index("bookings_confirmed_start_idx", "tenant_id", "starts_at", postgresql_where=text("status = 'confirmed'")),
    )

    tenant_id: Mapped[UUID] = mapped_column(_tenant_fk(), primary_key=True)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    service_id: Mapped[UUID]
    staff_id: Mapped[UUID]
    contact_id: Mapped[UUID]
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(Text, server_default="confirmed")
    notes: Mapped[str] = mapped_column(Text, server_default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Migration 0037: who made it (assistant, staff, customer, system) and, for the assistant, the
    # conversation's channel; NULL on bookings made before (analytics).
    booked_by: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(Text)
    # Migration 0035 (ADR 0042): the customer's "C" to a reminder, and staff marking a no-show.
    customer_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    no_show_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class BookingMessage(Base):
    """A confirmation or reminder the customer was sent, or why not (migration 0035, ADR 0042): at most one
    per booking, kind and appointment time, which is what makes each reminder go out once."""

    __tablename__ = "booking_messages"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "booking_id"], ["bookings.tenant_id", "bookings.id"], ondelete="CASCADE"
        ),
        Index("booking_messages_once_key", "tenant_id", "booking_id", "kind", "starts_at", unique=True),
        Index("booking_messages_message_idx", "tenant_id", "message_id",
              postgresql_where=text("message_id is not null")),
    )

    tenant_id: Mapped[UUID] = mapped_column(_tenant_fk(), primary_key=True)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    booking_id: Mapped[UUID]
    kind: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(Text)
    conversation_id: Mapped[UUID | None]
    message_id: Mapped[UUID | None]
    mail_id: Mapped[UUID | None]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class BookingReminderSettings(Base):
    """A business's reminder timing and no-show policy (migration 0035); no row: the defaults."""

    __tablename__ = "booking_reminder_settings"

    tenant_id: Mapped[UUID] = mapped_column(_tenant_fk(), primary_key=True)
    reminders_enabled: Mapped[bool] = mapped_column(Boolean, server_default="true")
    hours_before: Mapped[int] = mapped_column(Integer, server_default="24")
    no_show_policy: Mapped[str] = mapped_column(Text, server_default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class BusinessClosure(Base):
    """A holiday or special hours for the whole business (migration 0029, ADR 0036)."""

    __tablename__ = "business_closures"
    __table_args__ = (Index("business_closures_dates_idx", "tenant_id", "end_date", "start_date"),)

    tenant_id: Mapped[UUID] = mapped_column(_tenant_fk(), primary_key=True)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(Text)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    opens_at: Mapped[time | None] = mapped_column(Time)
    closes_at: Mapped[time | None] = mapped_column(Time)
    repeats_yearly: Mapped[bool] = mapped_column(Boolean, server_default="false")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @property
    def closed_all_day(self) -> bool:
        return self.opens_at is None or self.closes_at is None


class StaffBusySpan(Base):
    """Time a staff member's own calendar shows busy (migration 0038_calendar_feeds): written by the calendars
    domain's import, read by availability like a booking. Times only, never what the event was."""

    __tablename__ = "staff_busy_spans"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "import_id"], ["calendar_imports.tenant_id", "calendar_imports.id"],
                             ondelete="CASCADE"),
        ForeignKeyConstraint(["tenant_id", "staff_id"], ["staff.tenant_id", "staff.id"], ondelete="CASCADE"),
        Index("staff_busy_spans_staff_idx", "tenant_id", "staff_id", "starts_at"),
        Index("staff_busy_spans_import_idx", "tenant_id", "import_id"),
    )

    tenant_id: Mapped[UUID] = mapped_column(_tenant_fk(), primary_key=True)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    import_id: Mapped[UUID]
    staff_id: Mapped[UUID]
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
