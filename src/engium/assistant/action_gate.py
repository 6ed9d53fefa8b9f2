"""Which tool a message would have set off, and the reply when it may not.

Tools act only for the customer's own message (intents.py), and only when that message is trusted
enough: a message the detector flagged sets off no tool at all, not even confirming a proposal the
customer made earlier, and an unverified customer cannot cancel, move or read personal data. Either
way the customer still gets a polite answer, and ``guard.action_gated`` records what was held back.
"""

from __future__ import annotations

from typing import Any

from engium.assistant.guard_audit import excerpt
from engium.assistant.intents import IntentKind
from engium.assistant.phrasebook import say
from engium.assistant.turn import GuardEvent, Plan, Reply, TurnContext

GATED_REPLY = say("en", "gated")  # the English; replies use the customer's language
READ_TOOL = "read_customer_data"
_TOOLS = {
    IntentKind.BOOK: "book_appointment",
    IntentKind.AVAILABILITY: "check_availability",
    IntentKind.CANCEL: "cancel_booking",
    IntentKind.RESCHEDULE: "reschedule_booking",
    IntentKind.MY_DETAILS: READ_TOOL,
}
# What a "yes" (or a pick from a list) would carry out, by the kind of pending proposal.
_PENDING_TOOLS = {
    "book": "book_appointment", "draft": "book_appointment", "cancel": "cancel_booking",
    "move": "reschedule_booking", "move_draft": "reschedule_booking", "choose_booking": "cancel_booking",
}


def tool_for(kind: IntentKind, pending: dict[str, Any] | None) -> str | None:
    """The tool a message of this kind would use; None for facts, knowledge and small talk."""
    if kind in _TOOLS:
        return _TOOLS[kind]
    if kind in {IntentKind.YES, IntentKind.NO} and pending:
        return _PENDING_TOOLS.get(str(pending.get("kind")))
    return None


def gated_event(ctx: TurnContext, kind: IntentKind, tool: str, reason: str) -> GuardEvent:
    """``reason``: "flagged" (the detector flagged the message) or "unverified" (identity needed)."""
    return GuardEvent("action_gated", (reason,), excerpt(ctx.text), details={"tool": tool, "intent": kind.value})


def gated(ctx: TurnContext, kind: IntentKind, tool: str, reason: str) -> Plan:
    """The whole turn when a flagged message asked for a tool: a polite reply and nothing done. Any
    pending proposal is dropped (the plan has none), so a later "yes" confirms nothing."""
    return Plan(kind, Reply(say(ctx.language, "gated"), ()), guard_events=[gated_event(ctx, kind, tool, reason)])
