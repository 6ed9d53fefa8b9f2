"""Bookings: a day and a week view per staff member; create, reschedule and cancel.

Times are the business's wall clock (its time zone from settings), as in ``/api/v1/availability``.
New bookings and reschedules pick from the free slots ``bookings.service.find_slots`` offers, and are
made by ``create_booking``/``reschedule_booking``, which re-check availability under the booking lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from engium.access.permissions import Permission
from engium.bookings import attendance, catalog, reminder_store
from engium.bookings import repository as bookings_repo
from engium.bookings import service as bookings
from engium.bookings.models import Booking
from engium.bookings.schemas import BookingCreate, BookingUpdate
from engium.conversations import contacts
from engium.conversations.inbox import contact_labels
from engium.errors import NotFound, Unprocessable
from engium.kit.pagination import MAX_LIMIT, PageRequest, decode_cursor
from engium.kit.transaction import DbSession
from engium.web.members import Member, PostedForm, actor, viewer
from engium.web.page_route import PageRoute, attempt, see_other
from engium.web.rendering import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Reader = Annotated[Member, viewer(Permission.BOOKINGS_READ)]
Writer = Annotated[Member, actor(Permission.BOOKINGS_WRITE)]
NOTICES = {"created": "Booking created.", "cancelled": "Booking cancelled.", "rescheduled": "Booking moved.",
           "no_show": "Marked as a no-show."}
MAX_BOOKINGS_SHOWN = 1000
CONTACT_CHOICES = 200


@dataclass(frozen=True)
class CalendarEntry:
    booking: Booking
    starts: datetime  # in the business's zone
    ends: datetime
    contact: str
    service: str
    staff: str


@dataclass(frozen=True)
class CalendarDay:
    day: date
    entries: list[CalendarEntry]


def _parse_date(value: str | None, zone: ZoneInfo) -> date:
    try:
        return date.fromisoformat(value) if value else datetime.now(zone).date()
    except ValueError:
        return datetime.now(zone).date()


def _parse_uuid(value: object) -> UUID | None:
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None


def _names(session: Session) -> tuple[dict[UUID, str], dict[UUID, str]]:
    services = {s.id: s.name for s in catalog.list_services(session)}
    staff = {v.staff.id: v.staff.name for v in catalog.list_staff(session)}
    return services, staff


def _entries(session: Session, zone: ZoneInfo, filters: bookings_repo.BookingFilters) -> list[CalendarEntry]:
    found: list[Booking] = []
    cursor = None
    while len(found) < MAX_BOOKINGS_SHOWN:
        page = bookings.list_bookings(session, filters, PageRequest(cursor=cursor, limit=MAX_LIMIT))
        found.extend(page.items)
        if page.next_cursor is None:
            break
        cursor = decode_cursor(page.next_cursor)
    services, staff = _names(session)
    contacts = contact_labels(session, {b.contact_id for b in found})
    return [
        CalendarEntry(b, b.starts_at.astimezone(zone), b.ends_at.astimezone(zone),
                      contacts.get(b.contact_id, "Unknown"), services.get(b.service_id, "Service"),
                      staff.get(b.staff_id, "Staff"))
        for b in found
    ]


@router.get("/bookings", response_class=HTMLResponse)
def bookings_page(
    request: Request,
    member: Reader,
    session: DbSession,
    view: Annotated[str, Query(pattern="^(day|week)$")] = "week",
    day: Annotated[str | None, Query(alias="date", max_length=10)] = None,
    staff: Annotated[str | None, Query(max_length=40)] = None,
    cancelled: Annotated[bool, Query()] = False,
) -> Response:
    zone = bookings.tenant_zone(session)
    chosen = _parse_date(day, zone)
    first = chosen - timedelta(days=chosen.weekday()) if view == "week" else chosen
    days = [first + timedelta(days=i) for i in range(7 if view == "week" else 1)]
    staff_id = _parse_uuid(staff)
    filters = bookings_repo.BookingFilters(
        starts_from=datetime.combine(days[0], time(0), zone),
        starts_before=datetime.combine(days[-1] + timedelta(days=1), time(0), zone),
        staff_id=staff_id, status=None if cancelled else "confirmed",
    )
    entries = _entries(session, zone, filters)
    staff_views = catalog.list_staff(session)
    calendar = [CalendarDay(d, [e for e in entries if e.starts.date() == d]) for d in days]
    # The day view has a column per staff member, so each one's day reads at a glance.
    columns = [(v.staff.id, v.staff.name, [e for e in entries if e.booking.staff_id == v.staff.id])
               for v in staff_views if (staff_id is None or v.staff.id == staff_id) and v.staff.active]
    step = timedelta(days=7 if view == "week" else 1)
    return render(request, "bookings.html", {
        "view": view, "chosen": chosen, "days": calendar, "columns": columns, "today": datetime.now(zone).date(),
        "staff": [(v.staff.id, v.staff.name) for v in staff_views], "staff_id": staff_id, "cancelled": cancelled,
        "previous": (chosen - step).isoformat(), "next": (chosen + step).isoformat(), "zone": zone.key,
        "notice": NOTICES.get(request.query_params.get("done", ""), ""),
        "base_query": {"view": view, "date": chosen.isoformat(), "staff": str(staff_id or ""),
                       "cancelled": "1" if cancelled else ""},
    })


def _slot_choices(session: Session, service_id: UUID | None, day: date, staff_id: UUID | None) -> tuple[list[Any], str]:
    if service_id is None:
        return [], ""
    try:
        with session.begin_nested():
            found = bookings.find_slots(session, service_id=service_id, day=day, staff_id=staff_id)
    except (Unprocessable, NotFound) as exc:
        return [], exc.message
    _, staff = _names(session)
    return [(f"{s.staff_id}|{s.interval.start.isoformat()}", s.interval.start.astimezone(found.zone),
             staff.get(s.staff_id, "")) for s in found.slots], ""


def _new_booking_page(request: Request, session: Session, member: Member, values: dict[str, Any],
                      error: str = "") -> HTMLResponse:
    zone = bookings.tenant_zone(session)
    day = _parse_date(values.get("date"), zone)
    service_id, staff_id = _parse_uuid(values.get("service")), _parse_uuid(values.get("staff"))
    slots, slot_problem = _slot_choices(session, service_id, day, staff_id)
    q = str(values.get("q") or "")[:200]
    choices = contacts.list_contacts(session, member.principal, PageRequest(cursor=None, limit=CONTACT_CHOICES),
                                           q or None)[:CONTACT_CHOICES]
    return render(request, "booking_new.html", {
        "services": [s for s in catalog.list_services(session, active=True)],
        "staff": [(v.staff.id, v.staff.name) for v in catalog.list_staff(session, active=True)],
        "contacts": choices, "contact_id": _parse_uuid(values.get("contact")), "service_id": service_id,
        "staff_id": staff_id, "day": day, "q": q, "slots": slots, "slot_problem": slot_problem,
        "searched": service_id is not None, "notes": str(values.get("notes") or ""), "error": error, "zone": zone.key,
    })


@router.get("/bookings/new", response_class=HTMLResponse)
def new_booking(request: Request, member: Annotated[Member, viewer(Permission.BOOKINGS_WRITE)],
                session: DbSession) -> Response:
    return _new_booking_page(request, session, member, dict(request.query_params))


def _chosen_slot(value: object) -> tuple[UUID, datetime]:
    staff, _, starts = str(value or "").partition("|")
    try:
        return UUID(staff), datetime.fromisoformat(starts)
    except ValueError:
        raise Unprocessable("Choose one of the free times") from None


@router.post("/bookings", response_class=HTMLResponse)
def create_booking(request: Request, member: Writer, session: DbSession, form: PostedForm) -> Response:
    values = {key: form.get(key) for key in ("contact", "service", "staff", "date", "notes", "q")}

    def create() -> Booking:
        staff_id, starts_at = _chosen_slot(form.get("slot"))
        return bookings.create_booking(session, member.principal, BookingCreate(
            service_id=values["service"], staff_id=staff_id, contact_id=values["contact"], starts_at=starts_at,
            notes=str(values["notes"] or ""),
        ))

    booking = attempt(session, create, lambda message: _new_booking_page(request, session, member, values, message))
    # The customer is told through their channel, as for a booking made through the API (ADR 0042).
    reminder_store.queue_confirmation(session, booking)
    zone = bookings.tenant_zone(session)
    return see_other(f"/bookings?view=day&date={booking.starts_at.astimezone(zone).date()}&done=created")


def _booking_page(request: Request, session: Session, member: Member, booking_id: UUID, *, error: str = "",
                  values: dict[str, Any] | None = None) -> HTMLResponse:
    booking = bookings.get_booking(session, booking_id)
    zone = bookings.tenant_zone(session)
    services, staff = _names(session)
    staff_choice: UUID | None
    if values is None:
        chosen, staff_choice = booking.starts_at.astimezone(zone).date(), booking.staff_id
    else:
        chosen, staff_choice = _parse_date(values.get("date") or None, zone), _parse_uuid(values.get("staff"))
    slots: list[Any] = []
    slot_problem = ""
    if values is not None and booking.status == "confirmed":
        slots, slot_problem = _slot_choices(session, booking.service_id, chosen, staff_choice)
    return render(request, "booking.html", {
        "booking": booking, "starts": booking.starts_at.astimezone(zone), "ends": booking.ends_at.astimezone(zone),
        "service": services.get(booking.service_id, "Service"), "staff_name": staff.get(booking.staff_id, "Staff"),
        "contact": contact_labels(session, [booking.contact_id]).get(booking.contact_id, "Unknown"),
        "staff": list(staff.items()), "chosen": chosen, "staff_choice": staff_choice, "slots": slots,
        "slot_problem": slot_problem, "searched": values is not None, "error": error, "zone": zone.key,
        "notice": NOTICES.get(request.query_params.get("done", ""), ""),
        "started": booking.starts_at <= datetime.now(UTC),
    })


@router.get("/bookings/{booking_id}", response_class=HTMLResponse)
def booking_detail(request: Request, booking_id: UUID, member: Reader, session: DbSession) -> Response:
    values = dict(request.query_params) if "date" in request.query_params else None
    return _booking_page(request, session, member, booking_id, values=values)


@router.post("/bookings/{booking_id}/reschedule", response_class=HTMLResponse)
def reschedule(request: Request, booking_id: UUID, member: Writer, session: DbSession, form: PostedForm) -> Response:
    def move() -> Booking:
        staff_id, starts_at = _chosen_slot(form.get("slot"))
        return bookings.reschedule_booking(session, member.principal, booking_id,
                                           BookingUpdate(starts_at=starts_at, staff_id=staff_id))

    values = {"date": form.get("date"), "staff": form.get("staff")}
    attempt(session, move, lambda message: _booking_page(request, session, member, booking_id, error=message,
                                                         values=values))
    return see_other(f"/bookings/{booking_id}?done=rescheduled")


@router.post("/bookings/{booking_id}/cancel", response_class=HTMLResponse)
def cancel(request: Request, booking_id: UUID, member: Writer, session: DbSession) -> Response:
    attempt(session, lambda: bookings.cancel_booking(session, member.principal, booking_id),
            lambda message: _booking_page(request, session, member, booking_id, error=message))
    return see_other(f"/bookings/{booking_id}?done=cancelled")


@router.post("/bookings/{booking_id}/no-show", response_class=HTMLResponse)
def no_show(request: Request, booking_id: UUID, member: Writer, session: DbSession) -> Response:
    attempt(session, lambda: attendance.mark_no_show(session, member.principal, booking_id),
            lambda message: _booking_page(request, session, member, booking_id, error=message))
    return see_other(f"/bookings/{booking_id}?done=no_show")
