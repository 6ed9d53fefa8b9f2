"""The outbound webhooks' job: one attempt at delivering one delivery row (delivery.py)."""

from __future__ import annotations

from uuid import UUID

import procrastinate

from engium.jobs import queue, runtime_of
from engium.kit.jobs import ScheduledRetry, attempt_or_give_up
from engium.webhooks.delivery import Dispatcher
from engium.webhooks.service import DELIVER_JOB


@queue.task(name=DELIVER_JOB, pass_context=True, retry=ScheduledRetry())
def deliver(context: procrastinate.JobContext, tenant_id: str, delivery_id: str) -> None:
    runtime = runtime_of(context)
    dispatcher = Dispatcher(runtime.database, runtime.vault, runtime.settings.webhooks, clock=runtime.clock)
    tenant, delivery = UUID(tenant_id), UUID(delivery_id)
    # Delivery rows count their own attempts and dead-letter themselves; an unexpected error (a bug, the
    # database gone) is retried on the same schedule, then dead-letters the row.
    attempt_or_give_up(
        context, dispatcher.retries,
        lambda: dispatcher.deliver(tenant, delivery),
        lambda error: dispatcher.give_up(tenant, delivery, error),
    )
