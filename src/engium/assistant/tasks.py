"""The assistant's jobs: answer one customer message (worker.py), retried, and handed to a person at last;
and the one follow-up after a hand-over nobody answered (follow_up.py)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from uuid import UUID

import procrastinate

from engium.assistant.follow_up import follow_up as send_follow_up
from engium.assistant.handover import FOLLOW_UP_JOB
from engium.assistant.turn_queue import ASSISTANT_JOB
from engium.assistant.worker import AssistantWorker
from engium.jobs import queue, runtime_of
from engium.kit.jobs import ScheduledRetry, attempt_number, attempt_or_give_up

if TYPE_CHECKING:
    from engium.runtime import Runtime

log = logging.getLogger(__name__)


def turn_runner(runtime: Runtime) -> AssistantWorker:
    # The embedder loads on the first knowledge question; the gateway is None in the default grounded mode.
    return AssistantWorker(runtime.database, runtime.settings.assistant, lambda: runtime.embedder, runtime.gateway,
                           clock=runtime.clock, vault=runtime.vault, guard=runtime.guard)


@queue.task(name=ASSISTANT_JOB, pass_context=True, retry=ScheduledRetry())
def reply(context: procrastinate.JobContext, tenant_id: str, conversation_id: str, message_id: str) -> None:
    runner = turn_runner(runtime_of(context))
    job = str(context.job.id if context.job is not None else "")
    tenant, conversation, attempt = UUID(tenant_id), UUID(conversation_id), attempt_number(context)
    attempt_or_give_up(
        context, runner.retries,
        lambda: runner.answer(tenant, job, conversation, UUID(message_id)),
        lambda error: runner.give_up(tenant, job, conversation, attempt, type(error).__name__),
    )


@queue.task(name=FOLLOW_UP_JOB, pass_context=True, retry=ScheduledRetry())
def follow_up(context: procrastinate.JobContext, tenant_id: str, conversation_id: str, handover_id: str) -> None:
    runtime = runtime_of(context)
    tenant, conversation, handover = UUID(tenant_id), UUID(conversation_id), UUID(handover_id)
    backoff = turn_runner(runtime).retries

    def attempt() -> None:
        outcome = send_follow_up(runtime.database, tenant, conversation, handover, runtime.clock())
        log.info("follow-up of conversation %s: %s", conversation, outcome)

    def give_up(error: BaseException) -> None:
        # Nothing was sent (the attempt's transaction rolled back); staff still see the escalated
        # conversation in their inbox.
        log.warning("follow-up of conversation %s failed for good: %s", conversation, type(error).__name__)

    attempt_or_give_up(context, backoff, attempt, give_up)
