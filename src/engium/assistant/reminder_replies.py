"""A customer's answer to a reminder (ADR 0042): "C" confirms they will come, "X" cancels, "M" moves.

It applies only when the last message the customer was sent in this conversation is the reminder (so a
reply cannot be read against a reminder the assistant has talked past), only to that reminder's booking,
and only while the booking is still the conversation's contact's, confirmed and upcoming. A reply from
another number is another contact's conversation, whose last message is no reminder: nothing happens.

Confirming is an action of the write phase (``ConfirmAttendance``). Cancelling and moving reuse the
assistant's own flow (booking_changes.py) for that booking: only for a verified customer, proposed first,
and on SMS and WhatsApp confirmed with the one-time code sent to the real number (confirmation_codes.py).
Anything else is an ordinary message, planned as usual.
"""

from __future__ import annotations

import re
from typing import Literal

from sqlalchemy.orm import Session

from engium.assistant import booking_changes
from engium.assistant.intents import Intent, IntentKind
from engium.assistant.phrasebook import say
from engium.assistant.turn import ConfirmAttendance, Plan, Reply, ToolCall, TurnContext, assistant_principal
from engium.bookings import attendance, reminder_store
from engium.bookings import service as bookings
from engium.bookings.models import Booking
from engium.conversations import service as conversations
from engium.errors import NotFound

Answer = Literal["confirm", "cancel", "move"]
REMINDER_TOOL = "booking_reminder_reply"
# Whole replies, any case, trailing punctuation ignored; the letters work in every language.
ANSWERS: dict[Answer, frozenset[str]] = {
    "confirm": frozenset({
        "c", "confirm", "confirmed", "yes", "y", "ok", "okay", "yes confirm", "i confirm",
        "si", "sí", "confirmo", "confirmar", "oui", "je confirme", "confirmer", "ja", "bestätigen", "bestätige",
        "sim", "confirmado",
    }),
    "cancel": frozenset({
        "x", "cancel", "cancel it", "cancel booking", "cancel appointment", "cancel my appointment",
        "cancelar", "anular", "annuler", "absagen", "stornieren",
    }),
    "move": frozenset({
        "m", "move", "move it", "reschedule", "change", "change time", "mover", "cambiar", "déplacer", "deplacer",
        "verschieben", "remarcar", "alterar",
    }),
}
_TRAILING = re.compile(r"[\s.!?]+$")


def answer_of(text: str) -> Answer | None:
    cleaned = " ".join(_TRAILING.sub("", text.strip().lower()).split())
    return next((answer for answer, words in ANSWERS.items() if cleaned in words), None)


def reminded_booking(session: Session, ctx: TurnContext) -> Booking | None:
    """The booking of the reminder this message answers, if it answers one that still stands."""
    last = conversations.last_outbound_before(session, ctx.conversation_id, ctx.message_id)
    reminder = reminder_store.reminder_for_message(session, last) if last is not None else None
    if reminder is None:
        return None
    try:
        booking = bookings.get_booking(session, reminder.booking_id)
    except NotFound:
        return None
    if booking.contact_id != ctx.contact_id or booking.status != "confirmed" or booking.starts_at <= ctx.now:
        return None
    return booking


def plan_reply(session: Session, ctx: TurnContext, intent: Intent) -> Plan | None:
    answer = answer_of(ctx.text)
    if answer is None:
        return None
    booking = reminded_booking(session, ctx)
    if booking is None:
        return None
    ids = {"booking_id": str(booking.id), "answer": answer}
    if answer == "confirm":
        return Plan(IntentKind.YES, action=ConfirmAttendance(booking.id),
                    tool_calls=[ToolCall(REMINDER_TOOL, "confirm_requested", ids)])
    plan = booking_changes.propose_for(session, ctx, answer, booking, intent.when.day, intent.when.at)
    plan.tool_calls.insert(0, ToolCall(REMINDER_TOOL, f"{answer}_requested", ids))
    return plan


def confirm(session: Session, ctx: TurnContext, action: ConfirmAttendance) -> Plan:
    """The write phase: the booking checked again under its lock, then marked customer-confirmed."""
    ids = {"booking_id": str(action.booking_id)}
    booking = attendance.confirm_attendance(session, assistant_principal(ctx.tenant_id), action.booking_id,
                                            ctx.contact_id, ctx.now)
    if booking is None:
        return Plan(IntentKind.YES, Reply(say(ctx.language, "booking_gone"), ()),
                    tool_calls=[ToolCall(REMINDER_TOOL, "not_found", ids)])
    described = booking_changes.describe(session, ctx, booking)
    return Plan(IntentKind.YES, Reply(say(ctx.language, "attendance_confirmed", booking=described),
                                      (f"booking:{booking.id}",)),
                tool_calls=[ToolCall(REMINDER_TOOL, "confirmed", ids)])
