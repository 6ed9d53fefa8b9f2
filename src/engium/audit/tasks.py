"""The audit log's periodic jobs: seal new events into signed, anchored checkpoints; keep the monthly
partitions of the coming year created (migration 0017).

Deferred once per ``ENGIUM_AUDIT_SEAL_INTERVAL_SECONDS`` whatever the number of workers (engium/jobs.py),
and serialised by an advisory lock inside :func:`~engium.audit.checkpoints.seal` as well, so a slow
seal never overlaps the next.
"""

from __future__ import annotations

import logging

import procrastinate
from sqlalchemy import text

from engium.audit.checkpoints import seal_with_settings
from engium.jobs import queue, runtime_of

log = logging.getLogger(__name__)

SEAL_JOB = "audit.seal"
PREPARE_MONTHS_JOB = "audit.prepare_months"
# Months created ahead of the current one: a year, so a stopped scheduler has a year to be noticed.
MONTHS_AHEAD = 12


@queue.task(name=SEAL_JOB, pass_context=True, queue="maintenance", queueing_lock=SEAL_JOB)
def seal(context: procrastinate.JobContext, timestamp: int) -> None:
    runtime = runtime_of(context)
    sealed = seal_with_settings(runtime.database, runtime.settings)
    if sealed:
        log.info("sealed %d audit chain(s)", len(sealed))


@queue.task(name=PREPARE_MONTHS_JOB, pass_context=True, queue="maintenance", queueing_lock=PREPARE_MONTHS_JOB)
def prepare_months(context: procrastinate.JobContext, timestamp: int) -> None:
    """Without this, events after the 13 months migration 0002 prepared land in the default partition,
    where a month can no longer be removed by dropping its partition (audit retention)."""
    with runtime_of(context).database.transaction() as session:
        skipped = [m for m in session.execute(text("select audit_prepare_months(:n)"), {"n": MONTHS_AHEAD}).scalars()
                   if m is None]
    if skipped:
        log.warning("%d audit month(s) already have events in the default partition", len(skipped))
