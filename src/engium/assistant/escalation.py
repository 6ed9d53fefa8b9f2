"""Handing a conversation to a person, and staff handing it back to the assistant.

Escalation goes through ``conversations.service.escalate`` (status "escalated", the conversation's
``conversation.escalated`` event and outbound webhook), acting as the assistant principal. From then on
the assistant stays silent: its jobs for that conversation are settled without a reply, the customer's
messages are kept for staff, until a member of staff hands the conversation back with
``POST /api/v1/conversations/{id}/handback`` (status "open", the assistant's memory of the
conversation reset).
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.assistant import state
from engium.assistant.intents import IntentKind
from engium.assistant.phrasebook import say
from engium.assistant.turn import Plan, Reply, ToolCall, TurnContext, assistant_principal
from engium.audit.actions import AuditAction
from engium.audit.recorder import record
from engium.conversations import service as conversations
from engium.conversations.models import Conversation
from engium.conversations.schemas import ConversationUpdate
from engium.errors import Conflict

ESCALATE_TOOL = "escalate_to_human"
# For staff, in the conversation's escalation_reason: why the assistant handed over.
STAFF_REASONS = {
    "customer_request": "The customer asked to talk to a person.",
    "keyword": "The message matched one of the business's escalation keywords.",
    "failed_turns": "The assistant could not help after several tries.",
    "low_confidence": "The assistant found no reliable answer in the business's information.",
    "guard": "The message was flagged by the prompt-injection guard.",
    "error": "The assistant could not process the message.",
}
# For the customer: what happens next.
CUSTOMER_REPLIES = {
    "customer_request": "Of course. I've asked a member of the team to take over; they'll reply here shortly.",
    "keyword": "I've passed your message to a member of the team; they'll reply here shortly.",
    "failed_turns": "Sorry I couldn't help with that. I've asked a member of the team to reply here shortly.",
    "low_confidence": (
        "I'm not sure about that and would rather not guess, so I've asked a member of the team to reply here "
        "shortly."
    ),
    "guard": "I've passed your message to a member of the team; they'll reply here shortly.",
    "error": "Sorry, something went wrong on our side. A member of the team will reply here shortly.",
}


def escalate(session: Session, ctx: TurnContext, reason: str) -> Plan:
    """Hands the conversation over (a resolved one is left as it is) and tells the customer."""
    try:
        conversations.escalate(session, assistant_principal(ctx.tenant_id), ctx.conversation_id, STAFF_REASONS[reason])
        outcome = "escalated"
    except Conflict:
        outcome = "conversation_resolved"
    call = ToolCall(ESCALATE_TOOL, outcome, {"reason": reason})
    # The customer's language: the phrasebook's "escalated_<reason>" (CUSTOMER_REPLIES is its English).
    return Plan(IntentKind.HUMAN, Reply(say(ctx.language, f"escalated_{reason}"), ()), tool_calls=[call])


def escalate_silently(session: Session, tenant_id: UUID, conversation_id: UUID, reason: str) -> bool:
    """Hands over without a reply (a turn that failed for good). False when the conversation is resolved."""
    try:
        conversations.escalate(session, assistant_principal(tenant_id), conversation_id, STAFF_REASONS[reason])
    except Conflict:
        return False
    return True


def hand_back(session: Session, principal: Principal, conversation_id: UUID) -> Conversation:
    """Staff return an escalated conversation to the assistant: status "open", pending proposals and
    failure counts forgotten. Any other status is a conflict: there is nothing to hand back."""
    conversation = conversations.get_conversation(session, principal, conversation_id, for_update=True)
    if conversation.status != "escalated":
        raise Conflict("Only an escalated conversation can be handed back to the assistant")
    conversation = conversations.update_conversation(
        session, principal, conversation_id, ConversationUpdate(status="open")
    )
    state.reset(session, principal.tenant_id, conversation_id)
    record(
        session, principal, AuditAction.ASSISTANT_HANDED_BACK, resource_type="conversation",
        resource_id=conversation_id, details={"from": "escalated", "to": "open"},
    )
    return conversation
