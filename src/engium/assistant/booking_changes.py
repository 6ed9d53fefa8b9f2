"""The cancel_booking and reschedule_booking tools: only for a verified customer, only their own bookings.

Verified means the business knows who is writing: a signed-in widget user (the tenant's site signed the
user id, see channels/widget.py), or an SMS/WhatsApp sender, whose contact was found by the number the
provider's signed webhook reported, or a widget visitor who proved a number or address with a one-time code
(channels/widget_proof.py, ADR 0043), whose conversation now belongs to the customer holding it. An unproven
widget visitor can ask, and is told to prove one first (the widget shows its form): they could be anyone.
Only the conversation's own contact's upcoming bookings are ever looked at, and the write
transaction checks ownership again before the bookings service changes anything. Both tools propose
first and act only on the customer's confirmation: a "yes" from a signed-in widget user, the one-time
code sent with the proposal over SMS and WhatsApp, where a sender number can be spoofed
(confirmation_codes.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from uuid import UUID

from sqlalchemy.orm import Session

from engium.assistant import confirmation_codes, contact_details
from engium.assistant.action_gate import gated_event
from engium.assistant.booking_tools import describe_slot, openings
from engium.assistant.intents import IntentKind
from engium.assistant.phrasebook import describe_day, say
from engium.assistant.service_match import words
from engium.assistant.turn import CancelBooking, MoveBooking, Plan, Reply, ToolCall, TurnContext, assistant_principal
from engium.bookings import catalog
from engium.bookings import service as bookings
from engium.bookings.models import Booking
from engium.bookings.repository import BookingFilters
from engium.bookings.schemas import BookingUpdate
from engium.errors import Conflict, NotFound, Unprocessable
from engium.kit.pagination import PageRequest

CANCEL_TOOL = "cancel_booking"
RESCHEDULE_TOOL = "reschedule_booking"
_ORDINALS = {"first": 0, "1": 0, "second": 1, "2": 1, "third": 2, "3": 2, "fourth": 3, "4": 3, "fifth": 4, "5": 4}
UNVERIFIED = say("en", "unverified_change")  # the English; replies use the customer's language


def _tool(purpose: str) -> str:
    return CANCEL_TOOL if purpose == "cancel" else RESCHEDULE_TOOL


def _intent(purpose: str) -> IntentKind:
    return IntentKind.CANCEL if purpose == "cancel" else IntentKind.RESCHEDULE


def upcoming(session: Session, ctx: TurnContext) -> list[Booking]:
    filters = BookingFilters(starts_from=ctx.now, contact_id=ctx.contact_id, status="confirmed")
    return bookings.list_bookings(session, filters, PageRequest(None, 10)).items


def _describe(session: Session, ctx: TurnContext, booking: Booking) -> str:
    service = catalog.get_service(session, booking.service_id)
    return describe_slot(session, ctx, service, booking.staff_id, booking.starts_at)


def _stamp(ctx: TurnContext, kind: str, **fields: Any) -> dict[str, Any]:
    return {"kind": kind, "at": ctx.now.isoformat(), **{k: v for k, v in fields.items() if v is not None}}


def tool_of(pending: dict[str, Any]) -> str:
    """The tool a pending cancellation or move would use."""
    return CANCEL_TOOL if pending.get("kind") == "cancel" else RESCHEDULE_TOOL


def _proposal(ctx: TurnContext, question: str, pending: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The question with how to confirm it, and the state that awaits the answer: a one-time code where
    the customer is known only by a sender number, a plain yes for a signed-in widget user."""
    if not confirmation_codes.required(ctx):
        return say(ctx.language, "confirm_yes_no", question=question), pending
    code = confirmation_codes.new_code()
    text = say(ctx.language, "confirm_code", question=question, code=code)
    return text, confirmation_codes.protect(pending, ctx.conversation_id, code)


def plan_change(session: Session, ctx: TurnContext, purpose: str, day: date | None, at: time | None) -> Plan:
    """``purpose`` "cancel" or "move"; ``day``/``at`` are the date to cancel, or the new time to move to."""
    if not ctx.verified:
        refused = ToolCall(_tool(purpose), "refused_unverified")
        gated = gated_event(ctx, _intent(purpose), _tool(purpose), "unverified")
        # On the widget the visitor can prove their number or address right here (ADR 0043): the form shows.
        web = ctx.channel == contact_details.WEB_CHANNEL
        return Plan(_intent(purpose), Reply(say(ctx.language, "prove_first" if web else "unverified_change"), ()),
                    pending=contact_details.prove_first(ctx.now) if web else None, tool_calls=[refused],
                    guard_events=[gated])
    found = upcoming(session, ctx)
    if purpose == "cancel" and day is not None:
        found = [b for b in found if b.starts_at.astimezone(ctx.zone).date() == day] or found
    if not found:
        text = say(ctx.language, "no_upcoming_booking")
        return Plan(_intent(purpose), Reply(text, ()), tool_calls=[ToolCall(_tool(purpose), "not_found")])
    if len(found) > 1:
        lines = [f"{n}) {_describe(session, ctx, b)}" for n, b in enumerate(found[:5], start=1)]
        key = "which_booking_cancel" if purpose == "cancel" else "which_booking_move"
        text = say(ctx.language, key, count=len(found), list="; ".join(lines))
        pending = _stamp(ctx, "choose_booking", purpose=purpose, booking_ids=[str(b.id) for b in found[:5]],
                         day=day.isoformat() if day and purpose == "move" else None,
                         time=at.strftime("%H:%M") if at else None)
        return Plan(_intent(purpose), Reply(text, tuple(f"booking:{b.id}" for b in found[:5])), pending=pending,
                    tool_calls=[ToolCall(_tool(purpose), "asked_which", {"bookings": str(len(found))})])
    return _next_step(session, ctx, purpose, found[0], day, at)


def describe(session: Session, ctx: TurnContext, booking: Booking) -> str:
    """The booking as the customer is told of it (service, staff, day and time, in their language)."""
    return _describe(session, ctx, booking)


def propose_for(session: Session, ctx: TurnContext, purpose: str, booking: Booking, day: date | None,
                at: time | None) -> Plan:
    """A cancellation or move of this one booking (a reply to its reminder), under the same rules as
    :func:`plan_change`: a verified customer only, proposed first, with a code on SMS and WhatsApp."""
    if not ctx.verified:
        return plan_change(session, ctx, purpose, day, at)
    return _next_step(session, ctx, purpose, booking, day, at)


def _next_step(
    session: Session, ctx: TurnContext, purpose: str, booking: Booking, day: date | None, at: time | None
) -> Plan:
    if purpose == "cancel":
        text, pending = _proposal(ctx, say(ctx.language, "shall_cancel", booking=_describe(session, ctx, booking)),
                                  _stamp(ctx, "cancel", booking_id=str(booking.id)))
        return Plan(IntentKind.CANCEL, Reply(text, (f"booking:{booking.id}",)), pending=pending,
                    tool_calls=[ToolCall(CANCEL_TOOL, "proposed", {"booking_id": str(booking.id)})])
    return move_to(session, ctx, booking, day, at)


def move_to(session: Session, ctx: TurnContext, booking: Booking, day: date | None, at: time | None) -> Plan:
    ids = {"booking_id": str(booking.id)}
    if day is None or at is None:
        text = say(ctx.language, "move_when", booking=_describe(session, ctx, booking))
        pending = _stamp(ctx, "move_draft", booking_id=str(booking.id), day=day.isoformat() if day else None,
                         time=at.strftime("%H:%M") if at else None)
        return Plan(IntentKind.RESCHEDULE, Reply(text, (f"booking:{booking.id}",)), pending=pending)
    try:
        free = openings(session, ctx, booking.service_id, day)
    except (Unprocessable, NotFound, Conflict):
        free = []
    wanted = next((o for o in free if o.starts_at.astimezone(ctx.zone).time() == at), None)
    if wanted is None:
        near = sorted(free, key=lambda o: abs(o.starts_at.astimezone(ctx.zone).hour * 60
                                              + o.starts_at.astimezone(ctx.zone).minute - at.hour * 60 - at.minute))
        times = ", ".join(sorted(f"{o.starts_at.astimezone(ctx.zone):%H:%M}" for o in near[:3]))
        offer = say(ctx.language, "nearest_free", times=times) if times else say(ctx.language, "nothing_free_that_day")
        text = say(ctx.language, "move_not_free", time=f"{at:%H:%M}", day=describe_day(day, ctx.today, ctx.language),
                   offer=offer)
        pending = _stamp(ctx, "move_draft", booking_id=str(booking.id), day=day.isoformat())
        return Plan(IntentKind.RESCHEDULE, Reply(text, (f"booking:{booking.id}", "calendar:availability")),
                    pending=pending, tool_calls=[ToolCall(RESCHEDULE_TOOL, "unavailable", ids)])
    service = catalog.get_service(session, booking.service_id)
    new = describe_slot(session, ctx, service, wanted.staff_id, wanted.starts_at)
    text, pending = _proposal(ctx, say(ctx.language, "shall_move", slot=new),
                              _stamp(ctx, "move", booking_id=str(booking.id), staff_id=str(wanted.staff_id),
                                     starts_at=wanted.starts_at.astimezone(UTC).isoformat()))
    return Plan(IntentKind.RESCHEDULE, Reply(text, (f"booking:{booking.id}", "calendar:availability")),
                pending=pending, tool_calls=[ToolCall(RESCHEDULE_TOOL, "proposed", ids)])


def choose(session: Session, ctx: TurnContext, pending: dict[str, Any], text: str, day: date | None,
           at: time | None) -> Plan | None:
    """The customer's pick from the list of their bookings (by date or "the first one"); None if unclear."""
    purpose = str(pending.get("purpose", "cancel"))
    by_id = {str(b.id): b for b in upcoming(session, ctx)}
    listed = [by_id[i] for i in pending.get("booking_ids", []) if i in by_id]
    picked = [b for b in listed if day is not None and b.starts_at.astimezone(ctx.zone).date() == day]
    if len(picked) != 1:
        index = next((_ORDINALS[w] for w in words(text) if w in _ORDINALS), None)
        picked = [listed[index]] if index is not None and index < len(listed) else []
    if len(picked) != 1:
        return None
    if purpose == "move":
        # A date in this message picked the booking; the new time came with the original request.
        new_day = date.fromisoformat(pending["day"]) if pending.get("day") else None
        new_at = time.fromisoformat(pending["time"]) if pending.get("time") else at
        return move_to(session, ctx, picked[0], new_day, new_at)
    return _next_step(session, ctx, purpose, picked[0], None, None)


def move_from_pending(pending: dict[str, Any]) -> MoveBooking | None:
    try:
        starts_at = datetime.fromisoformat(str(pending["starts_at"]))
        return MoveBooking(UUID(str(pending["booking_id"])), UUID(str(pending["staff_id"])), starts_at)
    except (KeyError, ValueError):
        return None


def continue_move(session: Session, ctx: TurnContext, pending: dict[str, Any], day: date | None,
                  at: time | None) -> Plan | None:
    """The new time for a booking being moved, completed from what the customer said before."""
    try:
        booking_id = UUID(str(pending["booking_id"]))
        earlier_day = date.fromisoformat(pending["day"]) if pending.get("day") else None
        earlier_at = time.fromisoformat(pending["time"]) if pending.get("time") else None
    except (KeyError, ValueError):
        return None
    booking = next((b for b in upcoming(session, ctx) if b.id == booking_id), None)
    if booking is None or not ctx.verified:
        return None
    return move_to(session, ctx, booking, day or earlier_day, at or (None if day else earlier_at))


def _owned(session: Session, ctx: TurnContext, booking_id: UUID) -> Booking | None:
    """The booking if it is still the conversation's contact's and the customer is verified."""
    try:
        booking = bookings.get_booking(session, booking_id, for_update=True)
    except NotFound:
        return None
    return booking if ctx.verified and booking.contact_id == ctx.contact_id else None


def cancel(session: Session, ctx: TurnContext, action: CancelBooking) -> Plan:
    ids = {"booking_id": str(action.booking_id)}
    booking = _owned(session, ctx, action.booking_id)
    if booking is None or booking.status != "confirmed":
        return Plan(IntentKind.CANCEL, Reply(say(ctx.language, "booking_gone"), ()),
                    tool_calls=[ToolCall(CANCEL_TOOL, "not_found", ids)])
    described = _describe(session, ctx, booking)
    bookings.cancel_booking(session, assistant_principal(ctx.tenant_id), booking.id)
    return Plan(IntentKind.CANCEL, Reply(say(ctx.language, "cancelled", booking=described), (f"booking:{booking.id}",)),
                tool_calls=[ToolCall(CANCEL_TOOL, "cancelled", ids)])


def move(session: Session, ctx: TurnContext, action: MoveBooking) -> Plan:
    ids = {"booking_id": str(action.booking_id)}
    booking = _owned(session, ctx, action.booking_id)
    if booking is None or booking.status != "confirmed":
        return Plan(IntentKind.RESCHEDULE, Reply(say(ctx.language, "booking_gone"), ()),
                    tool_calls=[ToolCall(RESCHEDULE_TOOL, "not_found", ids)])
    change = BookingUpdate(starts_at=action.starts_at, staff_id=action.staff_id)
    try:
        with session.begin_nested():
            moved = bookings.reschedule_booking(session, assistant_principal(ctx.tenant_id), booking.id, change)
    except (Conflict, Unprocessable):
        local = action.starts_at.astimezone(ctx.zone)
        retry = move_to(session, ctx, booking, local.date(), local.time())
        reply = retry.reply or Reply("", ())
        return Plan(IntentKind.RESCHEDULE, Reply(say(ctx.language, "just_taken") + reply.text, reply.sources),
                    pending=retry.pending, tool_calls=[ToolCall(RESCHEDULE_TOOL, "unavailable", ids)])
    described = _describe(session, ctx, moved)
    return Plan(IntentKind.RESCHEDULE, Reply(say(ctx.language, "moved", booking=described), (f"booking:{moved.id}",)),
                tool_calls=[ToolCall(RESCHEDULE_TOOL, "rescheduled", ids)])

