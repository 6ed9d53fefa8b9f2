"""The read_customer_data tool: "what's my booking?", "what email do you have for me?".

Personal data goes only to a verified customer (a signed-in widget user, a widget visitor who proved a number
or address with a one-time code, or an SMS/WhatsApp sender, see turn_inputs.is_verified),
and only their own: the conversation's contact's upcoming bookings and the
contact details on file for that contact. Anyone else is told how to verify, and the refusal is
recorded as ``guard.action_gated``.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from engium.assistant import booking_changes, contact_details
from engium.assistant.action_gate import READ_TOOL, gated_event
from engium.assistant.booking_tools import describe_slot
from engium.assistant.intents import Intent, IntentKind
from engium.assistant.phrasebook import say
from engium.assistant.turn import Plan, Reply, ToolCall, TurnContext
from engium.bookings import catalog

UNVERIFIED_READ = say("en", "unverified_read")  # the English; replies use the customer's language
_BOOKING_WORDS = ("booking", "appointment", "reservation")
_DETAIL_WORDS = ("mail", "phone", "number", "detail", "data", "info", "address")


def plan_read(session: Session, ctx: TurnContext, intent: Intent) -> Plan:
    if not ctx.verified:
        # On the widget the visitor can prove their number or address right here (ADR 0043): the form shows.
        web = ctx.channel == contact_details.WEB_CHANNEL
        return Plan(IntentKind.MY_DETAILS, Reply(say(ctx.language, "prove_first" if web else "unverified_read"), ()),
                    pending=contact_details.prove_first(ctx.now) if web else None,
                    tool_calls=[ToolCall(READ_TOOL, "refused_unverified")],
                    guard_events=[gated_event(ctx, IntentKind.MY_DETAILS, READ_TOOL, "unverified")])
    wants_details = any(word in intent.text for word in _DETAIL_WORDS)
    wants_bookings = any(word in intent.text for word in _BOOKING_WORDS) or not wants_details
    sentences: list[str] = []
    sources: list[str] = []
    ids: dict[str, str] = {}
    if wants_bookings:
        found = booking_changes.upcoming(session, ctx)
        ids["bookings"] = str(len(found))
        if found:
            described = [
                describe_slot(session, ctx, catalog.get_service(session, b.service_id), b.staff_id, b.starts_at)
                for b in found[:5]
            ]
            sentences.append(say(ctx.language, "your_bookings", list="; ".join(described)))
            sources += [f"booking:{b.id}" for b in found[:5]]
        else:
            sentences.append(say(ctx.language, "no_bookings_seen"))
    if wants_details:
        on_file = [say(ctx.language, "email_value", value=ctx.contact_email) if ctx.contact_email else "",
                   say(ctx.language, "phone_value", value=ctx.contact_phone) if ctx.contact_phone else ""]
        listed = f" {say(ctx.language, 'and')} ".join(part for part in on_file if part)
        sentences.append(say(ctx.language, "details_on_file", details=listed) if listed
                         else say(ctx.language, "no_details_on_file"))
        sources.append(f"contact:{ctx.contact_id}")
    return Plan(IntentKind.MY_DETAILS, Reply(" ".join(sentences), tuple(sources)),
                tool_calls=[ToolCall(READ_TOOL, "read", ids)])
