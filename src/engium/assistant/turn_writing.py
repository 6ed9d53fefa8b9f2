"""The write phase of a turn: the action's effect, the reply, the engine's state and the audit events,
all in one transaction (bound to the tenant, with the job's settlement).

The conversation row is locked first and read again: a member of staff who took the conversation over
(or replied to a handed-over one) while the turn was being planned wins, and the assistant stays silent.
Audit events are recorded as the assistant principal (actor ``system``/``assistant``) and hold ids,
intent and tool names, outcomes and source ids: never the customer's words or the reply's. The guard's
events (``guard.*``) are the one exception: they carry a short, masked excerpt (assistant/guard_audit.py).

Every reply passes the output guard here (assistant/reply_screening.py) before it is stored. A turn
whose message was flagged or whose reply was blocked counts one strike; a blocked reply on the strike
that reaches the conversation's limit hands it to a person instead of sending the fallback.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.orm import Session

from engium.ai.gateway import record_receipt
from engium.assistant import booking_changes, booking_tools, escalation, handover, reminder_replies, state
from engium.assistant.guard_audit import record_guard_events
from engium.assistant.handover_policy import policy_of
from engium.assistant.model_reply import ModelAnswer
from engium.assistant.reply_screening import Candidate, ReplyScreen, Screened
from engium.assistant.turn import (
    Book,
    CancelBooking,
    ConfirmAttendance,
    Escalate,
    MoveBooking,
    Plan,
    Reply,
    ToolCall,
    TurnContext,
    assistant_principal,
)
from engium.assistant.turn_inputs import Skip, job_ids
from engium.audit.actions import AuditAction
from engium.audit.recorder import record
from engium.conversations import service as conversations
from engium.conversations.models import Conversation
from engium.errors import NotFound


def record_skip(session: Session, tenant_id: UUID, job_id: str, payload: dict[str, object], skip: Skip) -> None:
    ids = job_ids(payload)
    record(
        session, assistant_principal(tenant_id), AuditAction.ASSISTANT_SKIPPED, resource_type="conversation",
        resource_id=skip.conversation_id or "",
        details={"job_id": job_id, "reason": skip.reason, "message_id": ids[1] if ids else None},
    )


def _carry_out(session: Session, ctx: TurnContext, plan: Plan) -> tuple[Plan, str | None]:
    """The plan after its action took effect, and the escalation reason if it handed over."""
    action = plan.action
    if isinstance(action, Escalate):
        handed, escalated = escalation.escalate(session, ctx, action.reason)
        return handed, action.reason if escalated else None
    if isinstance(action, Book):
        return booking_tools.book(session, ctx, action), None
    if isinstance(action, CancelBooking):
        return booking_changes.cancel(session, ctx, action), None
    if isinstance(action, MoveBooking):
        return booking_changes.move(session, ctx, action), None
    if isinstance(action, ConfirmAttendance):
        return reminder_replies.confirm(session, ctx, action), None
    return plan, None


def _locked_conversation(session: Session, ctx: TurnContext) -> Conversation | None:
    try:
        return conversations.get_conversation(session, assistant_principal(ctx.tenant_id), ctx.conversation_id,
                                              for_update=True)
    except NotFound:
        return None


def _answers_handed_over(session: Session, ctx: TurnContext, conversation: Conversation) -> bool:
    """Checked again under the conversation's lock: a member of staff may have replied meanwhile."""
    policy = policy_of(ctx.business.escalation_rules)
    return ctx.handed_over and handover.may_answer(session, policy, conversation,
                                                   state.load(session, ctx.conversation_id))


def _candidates(done: Plan, plan: Plan, answer: ModelAnswer | None) -> list[Candidate]:
    """The replies this turn could send, best first: the model's answer, then the grounded one."""
    found: list[Candidate] = []
    if answer is not None and answer.outcome == "answered":
        found.append(Candidate(answer.reply, "model", answer.system_prompt))
        if plan.ask_model is not None:
            found.append(Candidate(plan.ask_model.fallback, "grounded"))
        return found
    reply = answer.reply if answer is not None else done.reply
    if reply is None and plan.ask_model is not None:
        reply = plan.ask_model.fallback
    return [Candidate(reply, "grounded")] if reply is not None else []


def write_turn(session: Session, ctx: TurnContext, plan: Plan, answer: ModelAnswer | None, screen: ReplyScreen, *,
               guard_flagged: bool) -> None:
    principal = assistant_principal(ctx.tenant_id)
    # What the guard saw while planning is recorded whatever happens next.
    record_guard_events(session, ctx, plan.guard_events)
    conversation = _locked_conversation(session, ctx)
    # Checked again under the conversation's lock: a retried run of this turn may have replied meanwhile.
    answered = conversation is not None and conversations.is_answered(session, ctx.message_id)
    silenced = conversation is not None and conversation.status == "escalated"
    silenced = silenced and conversation is not None and not _answers_handed_over(session, ctx, conversation)
    if conversation is None or answered or silenced:
        reason = "not_found" if conversation is None else "answered" if answered else "escalated"
        record_skip(session, ctx.tenant_id, ctx.job_id, {"conversation_id": ctx.conversation_id,
                                                         "message_id": ctx.message_id},
                    Skip(reason, ctx.conversation_id))
        return
    done, escalated = _carry_out(session, ctx, plan)
    calls: list[ToolCall] = list(plan.tool_calls) + (list(done.tool_calls) if done is not plan else [])
    candidates = _candidates(done, plan, answer)
    if not candidates:
        # Nothing to say (a plan without a reply): a person answers rather than silence.
        handed, did_escalate = escalation.escalate(session, ctx, "error")
        calls += handed.tool_calls
        escalated = "error" if did_escalate else escalated
        candidates = [Candidate(handed.reply or Reply(""), "grounded")]
    screened = screen.screen(session, ctx, candidates)
    record_guard_events(session, ctx, screened.events)
    reply = screened.reply
    if screened.blocked and escalated is None and ctx.guard_strikes + 1 >= screen.strikes_to_escalate:
        handed, did_escalate = escalation.escalate(session, ctx, "guard")
        calls += handed.tool_calls
        escalated = "guard" if did_escalate else escalated
        reply = handed.reply or reply
    message = conversations.post_assistant_message(session, principal, conversation, reply.text,
                                                  in_reply_to=ctx.message_id)

    failed = 0 if escalated else (ctx.failed_turns + 1 if (plan.failed or done.failed) else 0)
    state.save(session, ctx.tenant_id, ctx.conversation_id, pending=None if escalated else done.pending,
               failed_turns=failed, new_guard_strike=guard_flagged or screened.blocked,
               language=ctx.language)
    _audit(session, ctx, message.id, plan, calls, reply, answer, escalated, screened)


def _audit(session: Session, ctx: TurnContext, reply_id: UUID, plan: Plan, calls: list[ToolCall], reply: Reply,
           answer: ModelAnswer | None, escalated: str | None, screened: Screened) -> None:
    principal = assistant_principal(ctx.tenant_id)
    turn = {"conversation_id": ctx.conversation_id, "message_id": ctx.message_id}
    for call in calls:
        record(session, principal, AuditAction.ASSISTANT_TOOL_CALLED, resource_type="conversation",
               resource_id=ctx.conversation_id, details={**turn, "tool": call.tool, "outcome": call.outcome,
                                                         **call.ids})
    if escalated is not None:
        record(session, principal, AuditAction.ASSISTANT_ESCALATED, resource_type="conversation",
               resource_id=ctx.conversation_id, details={**turn, "reason": escalated})
    if answer is not None and answer.receipt is not None:
        record_receipt(session, answer.receipt, principal=principal, subject=ctx.contact_id)
    model_sent = screened.responder == "model" and escalated is None
    details: dict[str, object] = {
        "conversation_id": ctx.conversation_id, "in_reply_to": ctx.message_id, "intent": plan.intent.value,
        "responder": "model" if model_sent else "grounded",
        "sources": list(reply.sources), "escalated": escalated is not None,
    }
    if answer is not None:
        details["model_outcome"] = "withheld" if answer.outcome == "answered" and not model_sent else answer.outcome
    record(session, principal, AuditAction.ASSISTANT_REPLIED, resource_type="message", resource_id=reply_id,
           details=details)
