"""Bookings rules: free slots and appointments (the catalogue and working hours are in catalog.py).

Functions take the session and, for changes, the acting principal explicitly, and never commit: the
request's transaction does. Double booking is ultimately prevented by the ``bookings_prevent_overlap``
trigger; the checks here only turn the common cases into clear messages before the database has to.

Every change records its audit event here, in the same transaction. Event details hold ids, field
names, times and counts only: never names, email addresses, notes or other free text.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from psycopg import errors as pg_errors
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from engium.access.principal import Principal, PrincipalKind
from engium.audit.actions import AuditAction
from engium.audit.recorder import record
from engium.bookings import availability as avail
from engium.bookings import calendar_data, closures
from engium.bookings import repository as repo
from engium.bookings.catalog import check_year, get_service, require_staff
from engium.bookings.models import Booking, Service, StaffMember
from engium.bookings.schemas import (
    BookingCreate,
    BookingUpdate,
)
from engium.conversations import contacts
from engium.errors import Conflict, NotFound, Unprocessable
from engium.kit.pagination import PageRequest, encode_cursor
from engium.tenancy.service import get_settings
from engium.webhooks import service as webhooks

SLOT_TAKEN = "That time slot is no longer available"


@dataclass(frozen=True)
class Slot:
    staff_id: UUID
    interval: avail.Interval


@dataclass(frozen=True)
class SlotSearch:
    zone: ZoneInfo
    slots: list[Slot]


@dataclass(frozen=True)
class BookingPage:
    items: list[Booking]
    next_cursor: str | None


def _violation(exc: DBAPIError, kind: type[Exception]) -> bool:
    return isinstance(exc.orig, kind)


def _booking_facts(booking: Booking) -> dict[str, Any]:
    """What an audit event may say about a booking: ids and times, never the notes."""
    return {
        "service_id": booking.service_id,
        "staff_id": booking.staff_id,
        "contact_id": booking.contact_id,
        "starts_at": avail.as_utc(booking.starts_at).isoformat(),
        "ends_at": avail.as_utc(booking.ends_at).isoformat(),
    }


def _webhook_facts(booking: Booking) -> dict[str, Any]:
    """What an outbound webhook may say about a booking (it leaves the system): ids, times, status."""
    return {"booking_id": booking.id, "status": booking.status, **_booking_facts(booking)}


# --- time zone ------------------------------------------------------------------------------------


def tenant_zone(session: Session) -> ZoneInfo:
    name = get_settings(session).timezone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise Conflict(f"The business time zone {name!r} is not recognised; fix it in settings") from exc


@dataclass(frozen=True)
class _Schedule:
    """One day's working intervals and busy time per staff member, loaded in five queries."""

    working: dict[UUID, list[avail.Interval]]
    busy: dict[UUID, list[avail.Interval]]


def _load_schedule(
    session: Session,
    staff_ids: Sequence[UUID],
    day: date,
    zone: ZoneInfo,
    *,
    except_booking: UUID | None = None,
) -> _Schedule:
    rules = repo.rules_for(session, staff_ids)
    exceptions = repo.exceptions_for(session, staff_ids, from_date=day, to_date=day)
    bounds = avail.day_bounds(day, zone)
    busy_rows = repo.confirmed_between(session, staff_ids, bounds.end, bounds.start, except_booking=except_booking)
    working: dict[UUID, list[avail.Interval]] = {}
    busy: dict[UUID, list[avail.Interval]] = {staff_id: [] for staff_id in staff_ids}
    for staff_id in staff_ids:
        weekly = [avail.WeeklyWindow(r.weekday, r.start_time, r.end_time) for r in rules if r.staff_id == staff_id]
        dated = [
            avail.DateException("open" if e.kind == "open" else "closed", e.start_time, e.end_time)
            for e in exceptions
            if e.staff_id == staff_id
        ]
        working[staff_id] = avail.working_intervals(day, zone, weekly, dated)
    # Time the staff member's own calendar shows busy (an ICS import, calendars/) blocks slots like a booking.
    busy_rows += calendar_data.imported_busy_between(session, staff_ids, bounds.end, bounds.start)
    for row in busy_rows:
        busy[row.staff_id].append(avail.Interval(avail.as_utc(row.starts_at), avail.as_utc(row.ends_at)))
    return _Schedule(working, busy)


def find_slots(
    session: Session,
    *,
    service_id: UUID,
    day: date,
    staff_id: UUID | None = None,
    now: datetime | None = None,
) -> SlotSearch:
    check_year(day, "date")
    service = get_service(session, service_id)
    if not service.active:
        raise Unprocessable("This service is not active")
    zone = tenant_zone(session)
    if staff_id is not None:
        staff = require_staff(session, staff_id)
        if not repo.offers_service(session, staff_id, service_id):
            raise Unprocessable("This staff member does not offer this service")
        candidates = [staff] if staff.active else []
    else:
        candidates = repo.active_staff_offering(session, service_id)
    schedule = _load_schedule(session, [s.id for s in candidates], day, zone)
    closure = closures.closure_on(session, day)
    if closure is not None:
        # A holiday offers nothing; special hours offer only what falls inside them.
        window = closures.special_window(closure, day, zone)
        schedule = _Schedule({k: closures.clip(v, window) for k, v in schedule.working.items()}, schedule.busy)
    moment = now or datetime.now(UTC)
    duration = timedelta(minutes=service.duration_minutes)
    slots = [
        Slot(staff.id, interval)
        for staff in candidates
        for interval in avail.free_slots(
            working=schedule.working[staff.id], duration=duration, busy=schedule.busy[staff.id], now=moment
        )
    ]
    slots.sort(key=lambda s: (s.interval.start, str(s.staff_id)))
    return SlotSearch(zone, slots)


# --- bookings -------------------------------------------------------------------------------------


def list_bookings(session: Session, filters: repo.BookingFilters, page: PageRequest) -> BookingPage:
    rows = repo.list_bookings(session, filters, page.cursor, page.limit + 1)
    items = rows[: page.limit]
    next_cursor = encode_cursor(items[-1].starts_at, items[-1].id) if len(rows) > page.limit else None
    return BookingPage(items, next_cursor)


def bookings_by_ids(session: Session, booking_ids: list[UUID]) -> list[Booking]:
    """The bound tenant's bookings among ``booking_ids``, in one query (RLS hides the rest)."""
    return repo.bookings_by_ids(session, booking_ids)


def get_booking(session: Session, booking_id: UUID, *, for_update: bool = False) -> Booking:
    booking = repo.get_booking(session, booking_id, for_update=for_update)
    if booking is None:
        raise NotFound("Booking not found")
    return booking


def _requested_interval(starts_at: datetime, service: Service) -> avail.Interval:
    check_year(starts_at, "starts_at")
    if starts_at.second or starts_at.microsecond:
        raise Unprocessable("starts_at must be on a whole minute")
    start = avail.as_utc(starts_at)
    return avail.Interval(start, start + timedelta(minutes=service.duration_minutes))


def _bookable_service(session: Session, service_id: UUID) -> Service:
    service = get_service(session, service_id)
    if not service.active:
        raise Unprocessable("This service is not active and cannot be booked")
    return service


def _refusal(
    session: Session,
    staff: StaffMember,
    service: Service,
    interval: avail.Interval,
    zone: ZoneInfo,
    now: datetime,
    except_booking: UUID | None = None,
) -> Unprocessable | Conflict | None:
    """Why ``staff`` cannot take ``interval``, or None when the slot is free right now."""
    if not staff.active:
        return Unprocessable("This staff member is not active")
    if not repo.offers_service(session, staff.id, service.id):
        return Unprocessable("This staff member does not offer this service")
    if interval.start < now:
        return Unprocessable("starts_at is in the past")
    local_day = interval.start.astimezone(zone).date()
    schedule = _load_schedule(session, [staff.id], local_day, zone, except_booking=except_booking)
    if not any(w.contains(interval) for w in schedule.working[staff.id]):
        return Unprocessable(f"That time is outside the staff member's working hours ({zone.key})")
    if any(interval.overlaps(b) for b in schedule.busy[staff.id]):
        return Conflict(SLOT_TAKEN)
    return None


def _flushed_or_taken(session: Session, change: Booking | None = None) -> bool:
    """Flushes inside a savepoint; False when the overlap trigger refused it (a concurrent booking won)."""
    try:
        with session.begin_nested():
            if change is not None:
                session.add(change)
            session.flush()
    except DBAPIError as exc:
        if _violation(exc, pg_errors.ExclusionViolation):
            return False
        raise
    return True


def booked_by(principal: Principal) -> str:
    """Who a new booking is recorded as made by (analytics counts the assistant's)."""
    if principal.kind is PrincipalKind.SYSTEM:
        return "assistant" if principal.component == "assistant" else "system"
    return "customer" if principal.kind is PrincipalKind.CONTACT else "staff"


def create_booking(
    session: Session, principal: Principal, body: BookingCreate, *, now: datetime | None = None,
    channel: str | None = None,
) -> Booking:
    """``channel``: the conversation's channel when the booking is made from one (analytics per channel)."""
    service = _bookable_service(session, body.service_id)
    if not contacts.contact_exists(session, body.contact_id):
        raise NotFound("Contact not found")
    interval = _requested_interval(body.starts_at, service)
    zone = tenant_zone(session)
    moment = now or datetime.now(UTC)
    # Business-wide, so decided before any staff member: 409 naming the closure.
    closed = closures.refusal(session, interval, zone)
    if closed is not None:
        raise closed
    if body.staff_id is not None:
        candidates = [require_staff(session, body.staff_id)]
    else:
        candidates = repo.active_staff_offering(session, service.id)
        if not candidates:
            raise Unprocessable("No active staff member offers this service")

    refusals: list[Unprocessable | Conflict] = []
    for staff in candidates:
        refusal = _refusal(session, staff, service, interval, zone, moment)
        if refusal is not None:
            refusals.append(refusal)
            continue
        booking = Booking(
            tenant_id=principal.tenant_id,
            id=uuid.uuid4(),
            service_id=service.id,
            staff_id=staff.id,
            contact_id=body.contact_id,
            starts_at=interval.start,
            ends_at=interval.end,
            status="confirmed",
            notes=body.notes,
            booked_by=booked_by(principal),
            channel=channel,
        )
        if _flushed_or_taken(session, booking):
            session.refresh(booking)
            record(
                session,
                principal,
                AuditAction.BOOKING_CREATED,
                resource_type="booking",
                resource_id=booking.id,
                details=_booking_facts(booking),
            )
            webhooks.emit(session, booking.tenant_id, "booking.created", _webhook_facts(booking))
            return booking
        refusals.append(Conflict(SLOT_TAKEN))
    if len(candidates) == 1:
        raise refusals[0]
    if any(isinstance(r, Conflict) for r in refusals):
        raise Conflict(SLOT_TAKEN)
    raise Unprocessable("No staff member who offers this service is available at that time")


def reschedule_booking(
    session: Session,
    principal: Principal,
    booking_id: UUID,
    body: BookingUpdate,
    *,
    now: datetime | None = None,
) -> Booking:
    booking = get_booking(session, booking_id, for_update=True)
    before = _booking_facts(booking)
    changes = body.model_dump(exclude_unset=True)
    notes_changed = changes.get("notes") is not None and changes["notes"] != booking.notes
    if changes.get("notes") is not None:
        booking.notes = changes["notes"]
    moves = (body.starts_at is not None and avail.as_utc(body.starts_at) != avail.as_utc(booking.starts_at)) or (
        body.staff_id is not None and body.staff_id != booking.staff_id
    )
    if moves:
        if booking.status != "confirmed":
            raise Conflict("A cancelled booking cannot be rescheduled; create a new booking instead")
        service = _bookable_service(session, booking.service_id)
        staff = require_staff(session, body.staff_id or booking.staff_id)
        interval = _requested_interval(body.starts_at or booking.starts_at, service)
        closed = closures.refusal(session, interval, tenant_zone(session))
        if closed is not None:
            raise closed
        refusal = _refusal(
            session, staff, service, interval, tenant_zone(session), now or datetime.now(UTC), booking.id
        )
        if refusal is not None:
            raise refusal
        booking.staff_id, booking.starts_at, booking.ends_at = staff.id, interval.start, interval.end
    if not _flushed_or_taken(session):
        raise Conflict(SLOT_TAKEN)
    session.refresh(booking)
    after = _booking_facts(booking)
    moved = [field for field in ("staff_id", "starts_at", "ends_at") if before[field] != after[field]]
    if notes_changed and not moved:
        # Notes are free text and never appear in the event; only that they changed.
        record(
            session, principal, AuditAction.BOOKING_UPDATED, resource_type="booking", resource_id=booking.id,
            details={"fields": ["notes"]},
        )
    if moved:
        record(
            session,
            principal,
            AuditAction.BOOKING_RESCHEDULED,
            resource_type="booking",
            resource_id=booking.id,
            details={
                "fields": sorted(moved + (["notes"] if notes_changed else [])),
                "from": {field: before[field] for field in ("staff_id", "starts_at", "ends_at")},
                "to": {field: after[field] for field in ("staff_id", "starts_at", "ends_at")},
                "service_id": booking.service_id,
            },
        )
        webhooks.emit(session, booking.tenant_id, "booking.rescheduled", {**_webhook_facts(booking), "from": {
            field: before[field] for field in ("staff_id", "starts_at", "ends_at")}})
    return booking


def cancel_booking(session: Session, principal: Principal, booking_id: UUID) -> Booking:
    """Idempotent: cancelling a cancelled booking returns it unchanged."""
    booking = get_booking(session, booking_id, for_update=True)
    if booking.status != "cancelled":
        previous_status = booking.status
        booking.status = "cancelled"
        booking.cancelled_at = datetime.now(UTC)
        session.flush()
        record(
            session,
            principal,
            AuditAction.BOOKING_CANCELLED,
            resource_type="booking",
            resource_id=booking.id,
            details={"from": previous_status, "to": "cancelled", **_booking_facts(booking)},
        )
        webhooks.emit(session, booking.tenant_id, "booking.cancelled", _webhook_facts(booking))
    return booking
