"""The bookings domain's side of confirmations, reminders and no-shows (migration 0035, ADR 0042): the
queries on ``booking_messages``, ``booking_reminder_settings`` and the bookings the reminder job scans.

Everything runs under the bound tenant's RLS. Composing and sending the messages is the assistant's
(assistant/booking_notices.py): it speaks the customer's language; this module only knows rows.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from uuid import UUID

from sqlalchemy import and_, exists, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from engium import jobs
from engium.bookings.models import Booking, BookingMessage, BookingReminderSettings

NoticeKind = Literal["confirmation", "reminder"]
# Run by the assistant's task (assistant/notice_tasks.py), which speaks the customer's language: queued by
# name, so the bookings domain needs none of its code.
CONFIRMATION_JOB = "bookings.send_confirmation"
REMINDERS_JOB = "bookings.send_reminders"
DEFAULT_HOURS_BEFORE = 24


@dataclass(frozen=True)
class ReminderPolicy:
    enabled: bool
    hours_before: int
    no_show_policy: str


def policy(session: Session) -> ReminderPolicy:
    # Under RLS the bound tenant's row is the only one visible.
    row = session.execute(select(BookingReminderSettings).limit(1)).scalar_one_or_none()
    if row is None:
        return ReminderPolicy(True, DEFAULT_HOURS_BEFORE, "")
    return ReminderPolicy(row.reminders_enabled, row.hours_before, row.no_show_policy)


def settings_row(session: Session, tenant_id: UUID) -> BookingReminderSettings:
    """The tenant's row, created with the defaults when it has none yet (locked for the change)."""
    session.execute(insert(BookingReminderSettings).values(tenant_id=tenant_id).on_conflict_do_nothing())
    row = session.execute(
        select(BookingReminderSettings).where(BookingReminderSettings.tenant_id == tenant_id).with_for_update()
    ).scalar_one()
    return row


def due_reminders(session: Session, now: datetime, hours_before: int, limit: int) -> list[Booking]:
    """Confirmed bookings whose reminder is due at ``now`` and not yet recorded, oldest first, locked
    ``skip locked``: a second worker scanning at the same moment takes other rows, not these.

    Due: the appointment starts within ``hours_before`` hours and has not started. A booking made inside
    that window already had its confirmation, so it gets no reminder on top."""
    window = timedelta(hours=hours_before)
    reminded = exists().where(and_(
        BookingMessage.booking_id == Booking.id, BookingMessage.kind == "reminder",
        BookingMessage.starts_at == Booking.starts_at,
    ))
    stmt = (
        select(Booking)
        .where(Booking.status == "confirmed", Booking.starts_at > now, Booking.starts_at <= now + window,
               Booking.created_at < Booking.starts_at - window, ~reminded)
        .order_by(Booking.starts_at, Booking.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=Booking)
    )
    return list(session.execute(stmt).scalars())


def queue_confirmation(session: Session, booking: Booking) -> int:
    return jobs.defer(session, CONFIRMATION_JOB, tenant_id=str(booking.tenant_id), booking_id=str(booking.id))


def claim(session: Session, tenant_id: UUID, booking: Booking, kind: NoticeKind) -> UUID | None:
    """Inserts the message's record (status ``sent`` until told otherwise); None when it already exists:
    the unique key (booking, kind, appointment time) lets only one transaction have it."""
    row_id = uuid.uuid4()
    inserted = session.execute(
        insert(BookingMessage)
        .values(tenant_id=tenant_id, id=row_id, booking_id=booking.id, kind=kind, starts_at=booking.starts_at,
                status="sent")
        .on_conflict_do_nothing(index_elements=["tenant_id", "booking_id", "kind", "starts_at"])
        .returning(BookingMessage.id)
    ).scalar_one_or_none()
    return inserted


def settle(session: Session, record_id: UUID, *, channel: str | None, conversation_id: UUID | None = None,
           message_id: UUID | None = None, mail_id: UUID | None = None, skipped: str | None = None) -> None:
    """What became of a claimed notice: where it went, or why it was skipped (one UPDATE, no read)."""
    values: dict[str, object] = {"channel": channel, "conversation_id": conversation_id, "message_id": message_id,
                                 "mail_id": mail_id}
    if skipped is not None:
        values |= {"status": "skipped", "reason": skipped}
    session.execute(update(BookingMessage).where(BookingMessage.id == record_id).values(**values))


def reminder_for_message(session: Session, message_id: UUID) -> BookingMessage | None:
    """The reminder that conversation message ``message_id`` was, if it was one."""
    return session.execute(
        select(BookingMessage).where(BookingMessage.message_id == message_id, BookingMessage.kind == "reminder")
    ).scalar_one_or_none()


def notices_of(session: Session, booking_id: UUID) -> list[BookingMessage]:
    return list(session.execute(
        select(BookingMessage).where(BookingMessage.booking_id == booking_id).order_by(BookingMessage.created_at)
    ).scalars())
