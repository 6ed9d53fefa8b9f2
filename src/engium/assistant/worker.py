"""The assistant worker: answers queued ``assistant.reply`` jobs, in the shape of the channel sender.

Inbound channels and the widget enqueue one job per customer message (ids only) in the transaction
that stores the message. Answering one job is one attempt in three phases:

1. ``channel_due_jobs`` (SECURITY DEFINER) names due (tenant, job) pairs; nothing else crosses tenants.
   A short transaction bound to that tenant locks the job (SKIP LOCKED), counts the attempt, moves
   ``run_after`` one lease ahead, loads the conversation under the tenant's RLS, passes the message
   through the guard (sanitised, scored), detects the intent, runs the read-only tools and retrieval
   (retrieved chunks sanitised and screened), and commits. A job for an escalated conversation is settled
   here without a reply (the message stays for staff).
2. A knowledge question goes to the model, if one is configured, with no transaction open.
3. A second transaction, if the claim still holds, carries out the action (booking, cancellation,
   move, hand-over) through the domain services, passes the reply through the output guard, stores it
   (author_kind "assistant"; on SMS and WhatsApp its send job is queued with it), the engine's state,
   the model receipt and the audit events, and settles the job.

A turn that raises is retried with backoff; after the last attempt the conversation is handed to a
person instead, so a customer's message is never left unanswered and never dropped.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Collection
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
from engium.assistant.reply_screening import ReplyScreen
from engium.assistant.settings import AssistantSettings
from engium.assistant.turn import Escalate, GuardEvent, Plan, TurnContext, assistant_principal
from engium.assistant.turn_inputs import Skip, job_ids, load_turn_context
from engium.assistant.turn_writing import record_skip, write_turn
from engium.audit.actions import AuditAction, Outcome
from engium.audit.recorder import record
from engium.channels import store
from engium.channels.inbound import ASSISTANT_JOB
from engium.crypto.keyring import DataKeyRing
from engium.kit.background import BackgroundLoop
from engium.kit.database import Database
from engium.knowledge.retrieval import Citation, retrieve

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Claimed:
    tenant_id: UUID
    job_id: UUID
    attempts: int
    conversation_id: UUID | None
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

    def run_once(self, tenants: Collection[UUID] | None = None) -> int:
        """Attempts every due turn (up to one batch); returns how many were attempted. ``tenants``
        limits the run to those tenants (tests, benchmarks, operations)."""
        due = store.due_jobs_for(self.database, ASSISTANT_JOB, self.clock(), self.settings.batch_size, tenants)
        attempted = 0
        for tenant_id, job_id in due:
            try:
                attempted += self.process_job(tenant_id, job_id)
            except Exception:
                # One tenant's broken row must not stop the others; the log names ids, never content.
                log.exception("assistant job %s of tenant %s failed", job_id, tenant_id)
        return attempted

    def process_due(self, tenants: Collection[UUID] | None = None, *, max_rounds: int = 20) -> int:
        """Runs rounds until nothing is due (a reply can make more work due); returns the turns attempted."""
        total = 0
        for _ in range(max_rounds):
            attempted = self.run_once(tenants)
            total += attempted
            if attempted == 0:
                break
        return total

    def process_job(self, tenant_id: UUID, job_id: UUID) -> bool:
        claimed = self._claim(tenant_id, job_id)
        if not isinstance(claimed, Claimed):
            return claimed  # True: settled while claiming (skipped, or planning failed); False: not ours
        try:
            answer = None
            question = claimed.plan.ask_model
            if question is not None and self.gateway is not None and claimed.policy is not None:
                ctx = claimed.ctx
                answer = model_reply.answer(self.gateway, claimed.policy, question, ctx.business.name,
                                            ctx.business.persona, guard=self.guard,
                                            canary=self.guard.canary(ctx.tenant_id, ctx.conversation_id))
            with self.database.tenant_transaction(tenant_id) as session:
                if not store.settle_job(session, job_id, claimed.attempts, {"status": "done", "last_error": None}):
                    return True  # the lease ran out and another attempt took over; its outcome counts
                write_turn(session, claimed.ctx, claimed.plan, answer, self.screen,
                           guard_flagged=claimed.guard_flagged)
        except Exception as exc:
            log.exception("assistant turn for job %s of tenant %s failed", job_id, tenant_id)
            self._retry_later(tenant_id, job_id, claimed.attempts, claimed.conversation_id, type(exc).__name__)
        return True

    def _claim(self, tenant_id: UUID, job_id: UUID) -> Claimed | bool:
        now = self.clock()
        with self.database.tenant_transaction(tenant_id) as session:
            job = store.lock_due_job(session, job_id, ASSISTANT_JOB, now)
            if job is None:
                return False  # taken by another worker, or no longer due
            job.attempts += 1
            job.run_after = now + timedelta(seconds=self.settings.lease_seconds)
            job.updated_at = now
            session.flush()
            ids = job_ids(job.payload)
            conversation_id = ids[0] if ids else None
            try:
                with session.begin_nested():
                    loaded = self._plan(session, tenant_id, job.id, job.payload, now)
            except Exception as exc:
                log.exception("planning assistant job %s of tenant %s failed", job_id, tenant_id)
                self._schedule_retry(session, tenant_id, job.id, job.attempts, conversation_id, type(exc).__name__)
                return True
            if isinstance(loaded, Skip):
                job.status, job.last_error = "done", f"skipped: {loaded.reason}"
                record_skip(session, tenant_id, job.id, job.payload, loaded)
                return True
            ctx, plan, flagged = loaded
            policy = load_policy(session) if plan.ask_model is not None and self.gateway is not None else None
            return Claimed(tenant_id, job.id, job.attempts, conversation_id, ctx, plan, flagged, policy)

    def _plan(self, session: Session, tenant_id: UUID, job_id: UUID, payload: dict[str, object],
              now: datetime) -> tuple[TurnContext, Plan, bool] | Skip:
        ttl = timedelta(minutes=self.settings.pending_ttl_minutes)
        ctx = load_turn_context(session, tenant_id, job_id, payload, now, ttl)
        if isinstance(ctx, Skip):
            return ctx
        # The customer's text is sanitised and scored before any intent is detected.
        inspected = self.guard.inspect_customer_text(ctx.text, ctx.guard_threshold)
        ctx = replace(ctx, text=inspected.text)
        events: list[GuardEvent] = []
        if inspected.flagged:
            events.append(GuardEvent("flagged", inspected.reasons, excerpt(inspected.text), inspected.score,
                                     {"source": "customer", "strike": str(ctx.guard_strikes + 1)}))
            if ctx.guard_strikes + 1 >= self.settings.guard_strikes_to_escalate:
                # Repeated attempts: a person takes over (the reply tells the customer so).
                return ctx, Plan(IntentKind.KNOWLEDGE, action=Escalate("guard"), guard_events=events), True
        intent = detect(inspected.text, ctx.today, ctx.services)

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

    def backoff(self, attempts: int) -> timedelta | None:
        delays = self.settings.retry_delays_seconds
        if attempts > len(delays):
            return None
        jitter = self.settings.retry_jitter
        return timedelta(seconds=delays[attempts - 1] * self.rng.uniform(1 - jitter, 1 + jitter))

    def _retry_later(self, tenant_id: UUID, job_id: UUID, attempts: int, conversation_id: UUID | None,
                     error: str) -> None:
        with self.database.tenant_transaction(tenant_id) as session:
            self._schedule_retry(session, tenant_id, job_id, attempts, conversation_id, error)

    def _schedule_retry(self, session: Session, tenant_id: UUID, job_id: UUID, attempts: int,
                        conversation_id: UUID | None, error: str) -> None:
        delay = self.backoff(attempts)
        if delay is not None:
            store.settle_job(session, job_id, attempts, {"run_after": self.clock() + delay, "last_error": error})
            return
        if not store.settle_job(session, job_id, attempts, {"status": "failed", "last_error": error}):
            return
        # Out of attempts: a person takes over, so the customer's message is still answered.
        handed_over = conversation_id is not None and escalation.escalate_silently(
            session, tenant_id, conversation_id, "error"
        )
        record(
            session, assistant_principal(tenant_id), AuditAction.ASSISTANT_FAILED, resource_type="conversation",
            resource_id=conversation_id or "", outcome=Outcome.FAILED,
            details={"job_id": job_id, "attempts": attempts, "error": error, "escalated": handed_over},
        )


class AssistantLoop(BackgroundLoop):
    """A background thread: :meth:`AssistantWorker.run_once` every ``poll_interval_seconds``."""

    def __init__(self, worker: AssistantWorker) -> None:
        self.worker = worker
        super().__init__("assistant")

    def _run(self) -> None:
        settings = self.worker.settings
        while not self._stop.is_set():
            try:
                busy = self.worker.run_once() >= settings.batch_size
            except Exception:
                log.exception("assistant round failed")
                busy = False
            if not busy:
                self._stop.wait(settings.poll_interval_seconds)
