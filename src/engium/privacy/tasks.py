"""The privacy domain's periodic job: the retention purge (privacy/retention.py).

Deferred once a day whatever the number of workers (engium/jobs.py); the queueing lock keeps two runs
from overlapping. Each batch commits with its own proof, so a run that dies half-way is simply finished
by the next one.
"""

from __future__ import annotations

import logging

import procrastinate

from engium.jobs import queue, runtime_of
from engium.privacy.retention import RetentionReport, run_all

log = logging.getLogger(__name__)

RETENTION_JOB = "privacy.retention"


def _log(report: RetentionReport) -> None:
    if report.total:
        log.info("retention removed %d row(s)/key(s) of tenant %s", report.total, report.tenant_id)


@queue.task(name=RETENTION_JOB, pass_context=True, queue="maintenance", queueing_lock=RETENTION_JOB)
def retention(context: procrastinate.JobContext, timestamp: int) -> None:
    run_all(runtime_of(context).database, on_tenant=_log)
