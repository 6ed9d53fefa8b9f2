"""The audit log's periodic job: seal new events into signed, anchored checkpoints.

Deferred once per ``ENGIUM_AUDIT_SEAL_INTERVAL_SECONDS`` whatever the number of workers (engium/jobs.py),
and serialised by an advisory lock inside :func:`~engium.audit.checkpoints.seal` as well, so a slow
seal never overlaps the next.
"""

from __future__ import annotations

import logging

import procrastinate

from engium.audit.checkpoints import seal_with_settings
from engium.jobs import queue, runtime_of

log = logging.getLogger(__name__)

SEAL_JOB = "audit.seal"


@queue.task(name=SEAL_JOB, pass_context=True, queue="maintenance", queueing_lock=SEAL_JOB)
def seal(context: procrastinate.JobContext, timestamp: int) -> None:
    runtime = runtime_of(context)
    sealed = seal_with_settings(runtime.database, runtime.settings)
    if sealed:
        log.info("sealed %d audit chain(s)", len(sealed))
