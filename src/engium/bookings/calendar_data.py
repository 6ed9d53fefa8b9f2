"""What the calendars domain needs of bookings: confirmed bookings for an ICS feed, and the busy spans an ICS
import found (written here, read by availability like bookings). Every query runs under the tenant binding."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from engium.bookings.models import Booking, Service, StaffBusySpan, StaffMember
from engium.bookings.repository import BusySpan


@dataclass(frozen=True)
class FeedBooking:
    id: UUID
    starts_at: datetime
    ends_at: datetime
    service_name: str
    staff_name: str
    contact_id: UUID
    created_at: datetime


def confirmed_for_feed(
    session: Session, staff_id: UUID | None, since: datetime, until: datetime, limit: int
) -> list[FeedBooking]:
    """Confirmed bookings starting in [since, until), of one staff member or all, earliest first."""
    stmt = (
        select(Booking.id, Booking.starts_at, Booking.ends_at, Service.name, StaffMember.name, Booking.contact_id,
               Booking.created_at)
        .join(Service, (Service.tenant_id == Booking.tenant_id) & (Service.id == Booking.service_id))
        .join(StaffMember, (StaffMember.tenant_id == Booking.tenant_id) & (StaffMember.id == Booking.staff_id))
        .where(Booking.status == "confirmed", Booking.starts_at >= since, Booking.starts_at < until)
        .order_by(Booking.starts_at, Booking.id)
        .limit(limit)
    )
    if staff_id is not None:
        stmt = stmt.where(Booking.staff_id == staff_id)
    return [FeedBooking(*row) for row in session.execute(stmt)]


def imported_busy_between(
    session: Session, staff_ids: Collection[UUID], starts_before: datetime, ends_after: datetime
) -> list[BusySpan]:
    """Imported busy spans of these staff that overlap [ends_after, starts_before)."""
    if not staff_ids:
        return []
    stmt = select(StaffBusySpan.staff_id, StaffBusySpan.starts_at, StaffBusySpan.ends_at).where(
        StaffBusySpan.staff_id.in_(list(staff_ids)),
        StaffBusySpan.starts_at < starts_before,
        StaffBusySpan.ends_at > ends_after,
    )
    return [BusySpan(staff_id, starts, ends) for staff_id, starts, ends in session.execute(stmt)]


def replace_imported_busy(
    session: Session, tenant_id: UUID, import_id: UUID, staff_id: UUID, spans: Sequence[tuple[datetime, datetime]]
) -> None:
    """The import's spans become exactly ``spans``: what the calendar no longer shows busy is free again."""
    session.execute(delete(StaffBusySpan).where(StaffBusySpan.import_id == import_id))
    if spans:
        session.execute(insert(StaffBusySpan), [
            {"tenant_id": tenant_id, "id": uuid.uuid4(), "import_id": import_id, "staff_id": staff_id,
             "starts_at": start, "ends_at": end}
            for start, end in spans
        ])
