"""Answering one customer message: one run of an ``assistant.reply`` job (assistant/tasks.py).

Inbound channels and the widget queue one job per customer message (ids only) in the transaction
that stores the message, locked per conversation so its turns run one at a time, in order. A turn:

1. A transaction bound to the tenant loads the conversation under its RLS, passes the message through
   the guard (sanitised, scored), detects the intent, runs the read-only tools and retrieval (retrieved
   chunks sanitised and screened), and commits. A message of an escalated conversation is settled here
   without a reply (it stays for staff), unless the tenant's policy lets the assistant go on answering
   until a person replies (handover_policy.py).
2. A knowledge question goes to the model, if one is configured, with no transaction open.
3. A second transaction carries out the action (booking, cancellation, move, hand-over) through the
   domain services, passes the reply through the output guard, and stores it (author_kind
   "assistant"; on SMS and WhatsApp its send job is queued with it), the engine's state, the model
   receipt and the audit events.

A turn that raises is retried by the job runtime with backoff; after the last attempt
:meth:`AssistantWorker.give_up` hands the conversation to a person, so a customer's message is never
left unanswered and never dropped.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy.orm import Session

from engium.ai.embeddings import EmbeddingProvider
from engium.ai.gateway import ModelGateway, TenantModelPolicy, load_policy
from engium.assistant import escalation, model_reply
from engium.assistant.engine import plan_flagged_turn, plan_turn
from engium.assistant.guard_audit import excerpt
from engium.assistant.guarding import ConversationGuard
from engium.assistant.intents import IntentKind, detect
from engium.assistant.language import conversation_language
from engium.assistant.reply_screening import ReplyScreen
from engium.assistant.settings import AssistantSettings
from engium.assistant.turn import Escalate, GuardEvent, Plan, TurnContext, assistant_principal
from engium.assistant.turn_inputs import Skip, load_turn_context
from engium.assistant.turn_writing import record_skip, write_turn
from engium.audit.actions import AuditAction, Outcome
from engium.audit.recorder import record
from engium.crypto.keyring import DataKeyRing
from engium.kit.database import Database
from engium.kit.jobs import Backoff
from engium.knowledge.retrieval import Citation, retrieve
from engium.tenancy.binding import tenant_transaction

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Planned:
    ctx: TurnContext
    plan: Plan
    guard_flagged: bool
    policy: TenantModelPolicy | None


@dataclass
class AssistantWorker:
    database: Database
    settings: AssistantSettings
    # Called only when a knowledge question needs retrieval: the local model loads on first use.
    embedder: Callable[[], EmbeddingProvider]
    gateway: ModelGateway | None = None
    clock: Clock = utc_now
    rng: random.Random = field(default_factory=random.SystemRandom)
    # For the output guard's comparison with the tenant's stored secrets (reply_context.py); None: the
    # vendor key patterns only.
    vault: DataKeyRing | None = None
    guard: ConversationGuard = field(default_factory=ConversationGuard)

    @property
    def screen(self) -> ReplyScreen:
        return ReplyScreen(self.guard, self.vault, self.settings.guard_strikes_to_escalate)

    @property
    def retries(self) -> Backoff:
        return Backoff(self.settings.retry_delays_seconds, self.settings.retry_jitter, self.rng)

    def answer(self, tenant_id: UUID, job_id: str, conversation_id: UUID, message_id: UUID) -> None:
        """One turn for the customer's message; raises when it failed and should be tried again."""
        payload: dict[str, object] = {"conversation_id": str(conversation_id), "message_id": str(message_id)}
        planned = self._planned(tenant_id, job_id, payload)
        if planned is None:
            return
        answer = None
        question = planned.plan.ask_model
        if question is not None and self.gateway is not None and planned.policy is not None:
            ctx = planned.ctx
            answer = model_reply.answer(self.gateway, planned.policy, question, ctx.business.name,
                                        ctx.business.persona, guard=self.guard,
                                        canary=self.guard.canary(ctx.tenant_id, ctx.conversation_id),
                                        language=ctx.language)
        with tenant_transaction(self.database, tenant_id) as session:
            write_turn(session, planned.ctx, planned.plan, answer, self.screen, guard_flagged=planned.guard_flagged)

    def _planned(self, tenant_id: UUID, job_id: str, payload: dict[str, object]) -> Planned | None:
        now = self.clock()
        with tenant_transaction(self.database, tenant_id) as session:
            loaded = self._plan(session, tenant_id, job_id, payload, now)
            if isinstance(loaded, Skip):
                record_skip(session, tenant_id, job_id, payload, loaded)
                return None
            ctx, plan, flagged = loaded
            policy = load_policy(session) if plan.ask_model is not None and self.gateway is not None else None
            return Planned(ctx, plan, flagged, policy)

    def give_up(self, tenant_id: UUID, job_id: str, conversation_id: UUID, attempts: int, error: str) -> None:
        """Out of attempts: a person takes over, so the customer's message is still answered."""
        with tenant_transaction(self.database, tenant_id) as session:
            handed_over = escalation.escalate_silently(session, tenant_id, conversation_id, "error", self.clock())
            record(
                session, assistant_principal(tenant_id), AuditAction.ASSISTANT_FAILED, resource_type="conversation",
                resource_id=conversation_id, outcome=Outcome.FAILED,
                details={"job_id": job_id, "attempts": attempts, "error": error, "escalated": handed_over},
            )

    def _plan(self, session: Session, tenant_id: UUID, job_id: str, payload: dict[str, object],
              now: datetime) -> tuple[TurnContext, Plan, bool] | Skip:
        ttl = timedelta(minutes=self.settings.pending_ttl_minutes)
        ctx = load_turn_context(session, tenant_id, job_id, payload, now, ttl)
        if isinstance(ctx, Skip):
            return ctx
        # The customer's text is sanitised and scored before any intent is detected.
        inspected = self.guard.inspect_customer_text(ctx.text, ctx.guard_threshold)
        # This message's language when it says, else the conversation's: every reply is written in it.
        ctx = replace(ctx, text=inspected.text, language=conversation_language(inspected.text, ctx.language))
        events: list[GuardEvent] = []
        if inspected.flagged:
            events.append(GuardEvent("flagged", inspected.reasons, excerpt(inspected.text), inspected.score,
                                     {"source": "customer", "strike": str(ctx.guard_strikes + 1)}))
            if ctx.guard_strikes + 1 >= self.settings.guard_strikes_to_escalate:
                # Repeated attempts: a person takes over (the reply tells the customer so).
                return ctx, Plan(IntentKind.KNOWLEDGE, action=Escalate("guard"), guard_events=events), True
        intent = detect(inspected.text, ctx.today, ctx.services, ctx.language)

        def search(query: str) -> list[Citation]:
            found = retrieve(session, tenant_id, query, self.embedder(), k=self.settings.retrieval_k)
            kept, withheld = self.guard.screen_passages(found, ctx.guard_threshold)
            events.extend(withheld)
            return kept

        if inspected.flagged:
            plan = plan_flagged_turn(session, ctx, intent, search)
        else:
            plan = plan_turn(session, ctx, intent, search, use_model=self.gateway is not None,
                             threshold=self.settings.failed_turns_threshold)
        plan.guard_events[:0] = events
        return ctx, plan, inspected.flagged
