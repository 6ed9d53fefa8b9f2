"""The assistant's job: answer one customer message (worker.py), retried, and handed to a person at last."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

import procrastinate

from engium.assistant.turn_queue import ASSISTANT_JOB
from engium.assistant.worker import AssistantWorker
from engium.jobs import queue, runtime_of
from engium.kit.jobs import ScheduledRetry, attempt_number, attempt_or_give_up

if TYPE_CHECKING:
    from engium.runtime import Runtime


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
