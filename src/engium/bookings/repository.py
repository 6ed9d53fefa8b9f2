"""All bookings SQL. Every query runs under the transaction's tenant binding, so RLS scopes it."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from uuid import UUID

from sqlalchemy import delete, exists, select, tuple_
from sqlalchemy.orm import Session

from engium.bookings.models import (
    AvailabilityException,
    AvailabilityRule,
    Booking,
    Service,
    StaffMember,
    StaffService,
)
from engium.kit.pagination import Cursor


@dataclass(frozen=True)
class BusySpan:
    staff_id: UUID
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class BookingFilters:
    starts_from: datetime | None = None
    starts_before: datetime | None = None
    staff_id: UUID | None = None
    contact_id: UUID | None = None
    status: str | None = None


# --- services -------------------------------------------------------------------------------------


def list_services(session: Session, *, active: bool | None = None) -> list[Service]:
    stmt = select(Service).order_by(Service.name, Service.id)
    if active is not None:
        stmt = stmt.where(Service.active == active)
    return list(session.execute(stmt).scalars())


def get_service(session: Session, service_id: UUID, *, for_update: bool = False) -> Service | None:
    stmt = select(Service).where(Service.id == service_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.execute(stmt).scalar_one_or_none()


def service_name_taken(session: Session, name: str, *, except_id: UUID | None = None) -> bool:
    condition = exists().where(Service.name == name)
    if except_id is not None:
        condition = condition.where(Service.id != except_id)
    return bool(session.execute(select(condition)).scalar())


def service_has_bookings(session: Session, service_id: UUID) -> bool:
    return bool(session.execute(select(exists().where(Booking.service_id == service_id))).scalar())


def delete_service(session: Session, service_id: UUID) -> None:
    session.execute(delete(Service).where(Service.id == service_id))


def existing_service_ids(session: Session, service_ids: Collection[UUID]) -> set[UUID]:
    if not service_ids:
        return set()
    rows = session.execute(select(Service.id).where(Service.id.in_(list(service_ids)))).scalars()
    return set(rows)


# --- staff ----------------------------------------------------------------------------------------


def list_staff(session: Session, *, active: bool | None = None) -> list[StaffMember]:
    stmt = select(StaffMember).order_by(StaffMember.name, StaffMember.id)
    if active is not None:
        stmt = stmt.where(StaffMember.active == active)
    return list(session.execute(stmt).scalars())


def get_staff(session: Session, staff_id: UUID, *, for_update: bool = False) -> StaffMember | None:
    stmt = select(StaffMember).where(StaffMember.id == staff_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.execute(stmt).scalar_one_or_none()


def service_ids_by_staff(session: Session, staff_ids: Collection[UUID]) -> dict[UUID, list[UUID]]:
    result: dict[UUID, list[UUID]] = {staff_id: [] for staff_id in staff_ids}
    if not staff_ids:
        return result
    rows = session.execute(
        select(StaffService.staff_id, StaffService.service_id)
        .where(StaffService.staff_id.in_(list(staff_ids)))
        .order_by(StaffService.staff_id, StaffService.service_id)
    )
    for staff_id, service_id in rows:
        result[staff_id].append(service_id)
    return result


def replace_staff_services(session: Session, tenant_id: UUID, staff_id: UUID, service_ids: Collection[UUID]) -> None:
    session.execute(delete(StaffService).where(StaffService.staff_id == staff_id))
    session.add_all(
        StaffService(tenant_id=tenant_id, staff_id=staff_id, service_id=service_id) for service_id in service_ids
    )
    session.flush()


def offers_service(session: Session, staff_id: UUID, service_id: UUID) -> bool:
    stmt = select(exists().where(StaffService.staff_id == staff_id, StaffService.service_id == service_id))
    return bool(session.execute(stmt).scalar())


def active_staff_offering(session: Session, service_id: UUID) -> list[StaffMember]:
    stmt = (
        select(StaffMember)
        .join(StaffService, StaffService.staff_id == StaffMember.id)
        .where(StaffService.service_id == service_id, StaffMember.active.is_(True))
        .order_by(StaffMember.name, StaffMember.id)
    )
    return list(session.execute(stmt).scalars())


def staff_has_bookings(session: Session, staff_id: UUID) -> bool:
    return bool(session.execute(select(exists().where(Booking.staff_id == staff_id))).scalar())


def delete_staff(session: Session, staff_id: UUID) -> None:
    session.execute(delete(StaffMember).where(StaffMember.id == staff_id))


# --- availability ---------------------------------------------------------------------------------


def rules_for(session: Session, staff_ids: Collection[UUID]) -> list[AvailabilityRule]:
    if not staff_ids:
        return []
    stmt = (
        select(AvailabilityRule)
        .where(AvailabilityRule.staff_id.in_(list(staff_ids)))
        .order_by(AvailabilityRule.weekday, AvailabilityRule.start_time, AvailabilityRule.id)
    )
    return list(session.execute(stmt).scalars())


def week_hours_of_active_staff(session: Session) -> list[tuple[int, time, time]]:
    """(weekday, start, end) of every active staff member's weekly rules, in one statement: the union the
    opening hours fall back to is read on every new conversation (the after-hours check, ADR 0051)."""
    stmt = (
        select(AvailabilityRule.weekday, AvailabilityRule.start_time, AvailabilityRule.end_time)
        .join(StaffMember, (StaffMember.tenant_id == AvailabilityRule.tenant_id)
              & (StaffMember.id == AvailabilityRule.staff_id))
        .where(StaffMember.active.is_(True))
    )
    return [(weekday, start, end) for weekday, start, end in session.execute(stmt)]


def replace_rules(session: Session, staff_id: UUID, rules: Sequence[AvailabilityRule]) -> None:
    session.execute(delete(AvailabilityRule).where(AvailabilityRule.staff_id == staff_id))
    session.add_all(rules)
    session.flush()


def exceptions_for(
    session: Session,
    staff_ids: Collection[UUID],
    *,
    from_date: date | None = None,
    to_date: date | None = None,
) -> list[AvailabilityException]:
    if not staff_ids:
        return []
    stmt = select(AvailabilityException).where(AvailabilityException.staff_id.in_(list(staff_ids)))
    if from_date is not None:
        stmt = stmt.where(AvailabilityException.on_date >= from_date)
    if to_date is not None:
        stmt = stmt.where(AvailabilityException.on_date <= to_date)
    stmt = stmt.order_by(
        AvailabilityException.on_date, AvailabilityException.start_time.nulls_first(), AvailabilityException.id
    )
    return list(session.execute(stmt).scalars())


def get_exception(session: Session, staff_id: UUID, exception_id: UUID) -> AvailabilityException | None:
    stmt = select(AvailabilityException).where(
        AvailabilityException.id == exception_id, AvailabilityException.staff_id == staff_id
    )
    return session.execute(stmt).scalar_one_or_none()


def delete_exception(session: Session, exception_id: UUID) -> None:
    session.execute(delete(AvailabilityException).where(AvailabilityException.id == exception_id))


# --- bookings -------------------------------------------------------------------------------------


def confirmed_between(
    session: Session,
    staff_ids: Collection[UUID],
    starts_before: datetime,
    ends_after: datetime,
    *,
    except_booking: UUID | None = None,
) -> list[BusySpan]:
    """Confirmed bookings of these staff that overlap [ends_after, starts_before)."""
    if not staff_ids:
        return []
    stmt = select(Booking.staff_id, Booking.starts_at, Booking.ends_at).where(
        Booking.staff_id.in_(list(staff_ids)),
        Booking.status == "confirmed",
        Booking.starts_at < starts_before,
        Booking.ends_at > ends_after,
    )
    if except_booking is not None:
        stmt = stmt.where(Booking.id != except_booking)
    return [BusySpan(staff_id, starts, ends) for staff_id, starts, ends in session.execute(stmt)]


def bookings_by_ids(session: Session, booking_ids: list[UUID]) -> list[Booking]:
    if not booking_ids:
        return []
    return list(session.execute(select(Booking).where(Booking.id.in_(booking_ids))).scalars())


def get_booking(session: Session, booking_id: UUID, *, for_update: bool = False) -> Booking | None:
    stmt = select(Booking).where(Booking.id == booking_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.execute(stmt).scalar_one_or_none()


def list_bookings(session: Session, filters: BookingFilters, cursor: Cursor | None, limit: int) -> list[Booking]:
    """Keyset page ordered by (starts_at, id); fetches ``limit`` rows (callers ask for one extra)."""
    stmt = select(Booking)
    if filters.starts_from is not None:
        stmt = stmt.where(Booking.starts_at >= filters.starts_from)
    if filters.starts_before is not None:
        stmt = stmt.where(Booking.starts_at < filters.starts_before)
    if filters.staff_id is not None:
        stmt = stmt.where(Booking.staff_id == filters.staff_id)
    if filters.contact_id is not None:
        stmt = stmt.where(Booking.contact_id == filters.contact_id)
    if filters.status is not None:
        stmt = stmt.where(Booking.status == filters.status)
    if cursor is not None:
        stmt = stmt.where(tuple_(Booking.starts_at, Booking.id) > tuple_(cursor.at, cursor.id))
    stmt = stmt.order_by(Booking.starts_at, Booking.id).limit(limit)
    return list(session.execute(stmt).scalars())
