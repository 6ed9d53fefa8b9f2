"""The booking tools: check_availability and book_appointment, on top of the bookings service.

Availability is the bookings service's own slot search (staff working hours, exceptions, existing
bookings, the service's duration), so the assistant never offers a time the calendar would refuse.
Booking is two turns: a proposal with every detail, stored in ``assistant_states.pending``, and the
booking itself only after the customer's explicit "yes", made by ``bookings.service.create_booking``
as the assistant principal, which checks everything again inside the write transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy.orm import Session

from engium.assistant import contact_details
from engium.assistant.facts import service_label
from engium.assistant.intents import IntentKind
from engium.assistant.phrasebook import describe_day, joined, say
from engium.assistant.turn import Book, Plan, Reply, ToolCall, TurnContext, assistant_principal
from engium.bookings import catalog, closures
from engium.bookings import service as bookings
from engium.bookings.models import Service
from engium.bookings.schemas import BookingCreate
from engium.errors import Conflict, NotFound, Unprocessable

AVAILABILITY_TOOL = "check_availability"
BOOK_TOOL = "book_appointment"
MAX_DAYS_AHEAD = 365
SEARCH_DAYS = 14  # how far ahead "the next free day" looks
LISTED_TIMES = 6
# The plans made here are steps of a booking; the engine stamps the intent that led to them.
BOOKING = IntentKind.BOOK


@dataclass(frozen=True)
class Opening:
    staff_id: UUID
    starts_at: datetime  # UTC


@dataclass(frozen=True)
class BookingRequest:
    """What is known so far; the engine merges each message into the previous draft."""

    service_id: UUID | None = None
    candidates: tuple[UUID, ...] = ()
    day: date | None = None
    at: time | None = None


def draft(now: datetime, request: BookingRequest) -> dict[str, Any]:
    found: dict[str, Any] = {"kind": "draft", "at": now.isoformat()}
    if request.service_id:
        found["service_id"] = str(request.service_id)
    if request.candidates:
        found["candidates"] = [str(c) for c in request.candidates]
    if request.day:
        found["day"] = request.day.isoformat()
    if request.at:
        found["time"] = request.at.strftime("%H:%M")
    return found


def from_draft(pending: dict[str, Any] | None) -> BookingRequest:
    if not pending or pending.get("kind") not in {"draft", "book"}:
        return BookingRequest()
    try:
        service = pending.get("service_id")
        day = pending.get("day")
        at = pending.get("time")
        return BookingRequest(
            UUID(service) if service else None,
            tuple(UUID(c) for c in pending.get("candidates", [])),
            date.fromisoformat(day) if day else None,
            time.fromisoformat(at) if at else None,
        )
    except (TypeError, ValueError):
        return BookingRequest()


def openings(session: Session, ctx: TurnContext, service_id: UUID, day: date) -> list[Opening]:
    """Free start times on ``day`` (the business's local date), one staff member each, in time order."""
    search = bookings.find_slots(session, service_id=service_id, day=day, now=ctx.now)
    first: dict[datetime, Opening] = {}
    for slot in search.slots:
        first.setdefault(slot.interval.start, Opening(slot.staff_id, slot.interval.start))
    return sorted(first.values(), key=lambda o: o.starts_at)


def _local(moment: datetime, ctx: TurnContext) -> datetime:
    return moment.astimezone(ctx.zone)


def _times(found: list[Opening], ctx: TurnContext, around: time | None) -> str:
    # On the hour and half hour first: a list of every 15 minutes is noise in a chat.
    offered = [o for o in found if _local(o.starts_at, ctx).minute in (0, 30)] or found
    if around is not None:
        target = datetime.combine(ctx.today, around)
        key = {o: abs(datetime.combine(ctx.today, _local(o.starts_at, ctx).time()) - target) for o in offered}
        chosen = sorted(sorted(offered, key=lambda o: key[o])[:3], key=lambda o: o.starts_at)
    else:
        chosen = offered[:LISTED_TIMES]
    labels = [f"{_local(o.starts_at, ctx):%H:%M}" for o in chosen]
    text = joined(ctx.language, labels)
    last = _local(found[-1].starts_at, ctx)
    if around is None and len(offered) > len(chosen):
        text += say(ctx.language, "last_start", time=f"{last:%H:%M}")
    return text


def _which_service(ctx: TurnContext, request: BookingRequest) -> Plan:
    if request.candidates:
        names = [s.name for s in ctx.services if s.id in request.candidates]
        text = say(ctx.language, "which_of", names=f" {say(ctx.language, 'or')} ".join(names))
        sources = tuple(f"service:{c}" for c in request.candidates)
    else:
        names = [s.name for s in ctx.services]
        text = say(ctx.language, "which_service", names=", ".join(names))
        sources = tuple(f"service:{s.id}" for s in ctx.services)
    return Plan(BOOKING, Reply(text, sources), pending=draft(ctx.now, request))


def plan_booking(session: Session, ctx: TurnContext, request: BookingRequest) -> Plan:
    """The next step towards a booking: a question for what is missing, a list of free times, or a
    proposal to confirm."""
    if request.service_id is None and not request.candidates and len(ctx.services) == 1:
        request = BookingRequest(ctx.services[0].id, (), request.day, request.at)
    if request.service_id is None:
        if not ctx.services:
            return Plan(BOOKING, Reply(say(ctx.language, "no_bookings_here"), ()), failed=True)
        return _which_service(ctx, request)
    try:
        service = catalog.get_service(session, request.service_id)
    except NotFound:
        return _which_service(ctx, BookingRequest(None, (), request.day, request.at))
    about = service_label(service, ctx.language)
    if request.day is None:
        if request.at:
            ask = say(ctx.language, "which_day_at", service=about, time=request.at.strftime("%H:%M"))
        else:
            ask = say(ctx.language, "which_day", service=about)
        return Plan(BOOKING, Reply(ask, (f"service:{service.id}",)), pending=draft(ctx.now, request))
    if request.day < ctx.today or request.day > ctx.today + timedelta(days=MAX_DAYS_AHEAD):
        text = say(ctx.language, "date_passed" if request.day < ctx.today else "too_far_ahead")
        return Plan(BOOKING, Reply(text, ()),
                    pending=draft(ctx.now, BookingRequest(service.id)), failed=True)
    return _offer(session, ctx, service, request.day, request.at)


def _offer(session: Session, ctx: TurnContext, service: Service, day: date, at: time | None) -> Plan:
    lang = ctx.language
    day_label = describe_day(day, ctx.today, lang)
    try:
        found = openings(session, ctx, service.id, day)
    except (Unprocessable, NotFound, Conflict):
        # The bookings service refuses the search itself (a retired service): nothing to offer.
        return Plan(BOOKING, Reply(say(lang, "not_bookable", service=service.name), ()), failed=True,
                    tool_calls=[ToolCall(AVAILABILITY_TOOL, "refused", {"service_id": str(service.id)})])
    ids = {"service_id": str(service.id), "date": day.isoformat()}
    call = ToolCall(AVAILABILITY_TOOL, "available" if found else "none", ids)
    source = (f"service:{service.id}", "calendar:availability")
    if at is not None:
        wanted = next((o for o in found if _local(o.starts_at, ctx).time() == at), None)
        if wanted is not None:
            return propose(session, ctx, service, wanted, [call])
    if not found:
        later = _next_open_day(session, ctx, service.id, day)
        if later is None:
            text = say(lang, "nothing_free_two_weeks", service=service.name, day=day_label)
            return Plan(BOOKING, Reply(text, source), tool_calls=[call], pending=draft(ctx.now, BookingRequest(
                service.id)), failed=True)
        next_day, next_found = later
        closure = closures.closure_on(session, day)
        # A holiday is the reason to give, not "nothing free".
        closed = closure is not None and closure.closed_all_day
        text = say(lang, "closed_next_free_day" if closed else "next_free_day", service=service.name, day=day_label,
                   label=closure.label if closure is not None else "",
                   next_day=describe_day(next_day, ctx.today, lang), times=_times(next_found, ctx, at))
        return Plan(BOOKING, Reply(text, source), tool_calls=[call],
                    pending=draft(ctx.now, BookingRequest(service.id, (), next_day)))
    if at is not None:
        text = say(lang, "time_not_free", time=f"{at:%H:%M}", service=service.name, day=day_label,
                   times=_times(found, ctx, at))
    else:
        text = say(lang, "free_at", day=day_label, service=service.name, times=_times(found, ctx, None))
    return Plan(BOOKING, Reply(text, source), tool_calls=[call],
                pending=draft(ctx.now, BookingRequest(service.id, (), day)))


def _next_open_day(
    session: Session, ctx: TurnContext, service_id: UUID, after: date
) -> tuple[date, list[Opening]] | None:
    for offset in range(1, SEARCH_DAYS + 1):
        day = after + timedelta(days=offset)
        found = openings(session, ctx, service_id, day)
        if found:
            return day, found
    return None


def describe_slot(session: Session, ctx: TurnContext, service: Service, staff_id: UUID, starts_at: datetime) -> str:
    local = _local(starts_at, ctx)
    staff = catalog.require_staff(session, staff_id).name
    return say(ctx.language, "slot", service=service_label(service, ctx.language), staff=staff,
               day=describe_day(local.date(), ctx.today, ctx.language), time=f"{local:%H:%M}")


def propose(
    session: Session, ctx: TurnContext, service: Service, opening: Opening, calls: list[ToolCall]
) -> Plan:
    details = describe_slot(session, ctx, service, opening.staff_id, opening.starts_at)
    pending = {
        "kind": "book", "at": ctx.now.isoformat(), "service_id": str(service.id),
        "staff_id": str(opening.staff_id), "starts_at": opening.starts_at.astimezone(UTC).isoformat(),
        # The local day and time too, so "make it 11 instead" changes only the time.
        "day": _local(opening.starts_at, ctx).date().isoformat(), "time": f"{_local(opening.starts_at, ctx):%H:%M}",
    }
    ids = {"service_id": str(service.id), "staff_id": str(opening.staff_id),
           "starts_at": opening.starts_at.astimezone(UTC).isoformat()}
    text = say(ctx.language, "propose", details=details)
    if ctx.needs_contact_details or ctx.awaiting_code:
        ask = say(ctx.language, "ask_details" if ctx.needs_contact_details else "ask_code")
        text = say(ctx.language, "propose_needs_details", details=details, ask=ask)
        pending = contact_details.mark(pending)
    sources = (f"service:{service.id}", f"staff:{opening.staff_id}", "calendar:availability")
    calls = [*calls, ToolCall(BOOK_TOOL, "proposed", ids)]
    return Plan(BOOKING, Reply(text, sources), pending=pending, tool_calls=calls)


def code_first(pending: dict[str, Any], language: str = "en") -> Plan:
    """A "yes" from a web visitor who gave details but has not entered the code sent to them: nothing is
    booked until the number or address is proved (ADR 0043); counted as unhelpful like :func:`details_first`."""
    ids: dict[str, str] = {k: str(pending[k]) for k in ("service_id", "staff_id", "starts_at") if k in pending}
    return Plan(BOOKING, Reply(say(language, "code_still_missing"), ()), pending=contact_details.mark(pending),
                failed=True, tool_calls=[ToolCall(BOOK_TOOL, "proof_required", ids)])


def details_first(pending: dict[str, Any], language: str = "en") -> Plan:
    """A "yes" from a web visitor who has not given a name and a way to reach them: nothing is booked, the
    proposal stays open, and the turn counts as unhelpful, so a visitor who cannot use the form reaches
    a person after a few tries instead of going round in circles."""
    ids: dict[str, str] = {k: str(pending[k]) for k in ("service_id", "staff_id", "starts_at") if k in pending}
    return Plan(BOOKING, Reply(say(language, "details_still_missing"), ()), pending=contact_details.mark(pending),
                failed=True, tool_calls=[ToolCall(BOOK_TOOL, "details_required", ids)])


def book_from_pending(pending: dict[str, Any]) -> Book | None:
    try:
        starts_at = datetime.fromisoformat(pending["starts_at"])
        return Book(UUID(pending["service_id"]), UUID(pending["staff_id"]), starts_at)
    except (KeyError, TypeError, ValueError):
        return None


def book(session: Session, ctx: TurnContext, action: Book) -> Plan:
    """The confirmed booking, made by the bookings service; a slot taken in the meantime is offered again."""
    if ctx.needs_contact_details or ctx.awaiting_code:
        # Checked where the booking is written too: no path books for a web visitor who has not proved a
        # number or address (ADR 0043).
        pending = {"kind": "book", "at": ctx.now.isoformat(), "service_id": str(action.service_id),
                   "staff_id": str(action.staff_id), "starts_at": action.starts_at.isoformat()}
        return details_first(pending, ctx.language) if ctx.needs_contact_details else code_first(pending, ctx.language)
    principal = assistant_principal(ctx.tenant_id)
    body = BookingCreate(service_id=action.service_id, staff_id=action.staff_id, contact_id=ctx.contact_id,
                         starts_at=action.starts_at)
    try:
        try:
            booking = bookings.create_booking(session, principal, body, channel=ctx.channel)
        except Conflict:
            # The proposed stylist was taken meanwhile: anyone else free at that time will do.
            booking = bookings.create_booking(session, principal, body.model_copy(update={"staff_id": None}),
                                              channel=ctx.channel)
    except (Conflict, Unprocessable, NotFound):
        local = _local(action.starts_at, ctx)
        retry = plan_booking(session, ctx, BookingRequest(action.service_id, (), local.date()))
        note = say(ctx.language, "just_taken")
        reply = retry.reply or Reply("", ())
        call = ToolCall(BOOK_TOOL, "unavailable", {"service_id": str(action.service_id)})
        return Plan(BOOKING, Reply(note + reply.text, reply.sources), pending=retry.pending,
                    tool_calls=[*retry.tool_calls, call])
    service = catalog.get_service(session, booking.service_id)
    details = describe_slot(session, ctx, service, booking.staff_id, booking.starts_at)
    ids = {"booking_id": str(booking.id), "service_id": str(booking.service_id), "staff_id": str(booking.staff_id)}
    return Plan(BOOKING, Reply(say(ctx.language, "booked", details=details),
                                 (f"booking:{booking.id}", f"service:{booking.service_id}")),
                tool_calls=[ToolCall(BOOK_TOOL, "booked", ids)])
