"""Handing a conversation to a person, and staff handing it back to the assistant.

Escalation goes through ``conversations.service.escalate`` (status "escalated", the conversation's
``conversation.escalated`` event and outbound webhook), acting as the assistant principal. The customer
is told when a person will reply, counted in the business's opening hours and its response target, and
a follow-up is scheduled in case nobody does (handover.py, follow_up.py). What the assistant does with
the customer's next messages depends on the tenant's policy (handover_policy.py, ADR 0037): it goes on
answering what it can ground, without handing over again on each miss, or it stays silent. Staff end a
hand-over with ``POST /api/v1/conversations/{id}/handback`` (status "open", the assistant's memory of
the conversation reset).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.assistant import handover, state
from engium.assistant.handover_texts import handover_message, waiting_message, when_phrase
from engium.assistant.intents import IntentKind
from engium.assistant.turn import Plan, Reply, ToolCall, TurnContext, assistant_principal
from engium.audit.actions import AuditAction
from engium.audit.recorder import record
from engium.conversations import service as conversations
from engium.conversations.models import Conversation
from engium.conversations.schemas import ConversationUpdate
from engium.errors import Conflict

ESCALATE_TOOL = "escalate_to_human"
STAFF_REASONS = handover.STAFF_REASONS


def escalate(session: Session, ctx: TurnContext, reason: str) -> tuple[Plan, bool]:
    """Hands the conversation over and tells the customer when a person will reply; True when it did.

    A conversation already with a person (the tenant lets the assistant keep answering) is not handed
    over again: the customer is told a person has their message. A resolved one is left as it is."""
    clock = handover.business_clock(session, ctx.now)
    when = when_phrase(clock.reply_due(ctx.now), ctx.now, ctx.language)
    conversation = conversations.get_conversation(session, assistant_principal(ctx.tenant_id), ctx.conversation_id,
                                                  for_update=True)
    if conversation.status == "escalated":
        call = ToolCall(ESCALATE_TOOL, "already_with_team", {"reason": reason})
        return Plan(IntentKind.HUMAN, Reply(waiting_message(reason, when, ctx.language), ()), tool_calls=[call]), False
    try:
        conversations.escalate(session, assistant_principal(ctx.tenant_id), ctx.conversation_id, STAFF_REASONS[reason])
    except Conflict:
        call = ToolCall(ESCALATE_TOOL, "conversation_resolved", {"reason": reason})
        text = handover_message(reason, when, keeps_answering=False, language=ctx.language)
        return Plan(IntentKind.HUMAN, Reply(text, ()), tool_calls=[call]), False
    handover_id = handover.start(session, ctx.tenant_id, ctx.conversation_id, reason, ctx.now, clock)
    call = ToolCall(ESCALATE_TOOL, "escalated", {"reason": reason, "handover_id": str(handover_id)})
    keeps_answering = clock.policy.answers_while_waiting and reason not in handover.SILENCING_REASONS
    text = handover_message(reason, when, keeps_answering=keeps_answering, language=ctx.language)
    return Plan(IntentKind.HUMAN, Reply(text, ()), tool_calls=[call]), True


def escalate_silently(session: Session, tenant_id: UUID, conversation_id: UUID, reason: str, now: datetime) -> bool:
    """Hands over without a reply (a turn that failed for good), with the hand-over's follow-up. False
    when the conversation is resolved or already with a person."""
    conversation = conversations.conversation_by_id(session, conversation_id, for_update=True)
    if conversation is None or conversation.status == "escalated":
        return False
    try:
        conversations.escalate(session, assistant_principal(tenant_id), conversation_id, STAFF_REASONS[reason])
    except Conflict:
        return False
    handover.start(session, tenant_id, conversation_id, reason, now, handover.business_clock(session, now))
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
