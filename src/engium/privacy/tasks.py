"""The privacy domain's periodic jobs: the retention purge (privacy/retention.py), and the clocks of
data-subject requests (an overdue request is recorded once, when its deadline passes).

Deferred once a day whatever the number of workers (engium/jobs.py); the queueing lock keeps two runs
from overlapping. Each batch commits with its own proof, so a run that dies half-way is simply finished
by the next one.
"""

from __future__ import annotations

import logging

import procrastinate

from engium.access.principal import Principal
from engium.audit.pruning import AuditArchive
from engium.jobs import queue, runtime_of
from engium.privacy.requests import record_overdue
from engium.privacy.retention import RetentionReport, purge_onboarding, run_all, tenant_ids
from engium.tenancy.binding import tenant_transaction

log = logging.getLogger(__name__)

RETENTION_JOB = "privacy.retention"
CLOCKS_JOB = "privacy.request_clocks"


def _log(report: RetentionReport) -> None:
    if report.total:
        log.info("retention removed %d row(s)/key(s) of tenant %s", report.total, report.tenant_id)


@queue.task(name=RETENTION_JOB, pass_context=True, queue="maintenance", queueing_lock=RETENTION_JOB)
def retention(context: procrastinate.JobContext, timestamp: int) -> None:
    runtime = runtime_of(context)
    run_all(runtime.database, on_tenant=_log, audit_archive=AuditArchive.from_settings(runtime.settings))
    purge_onboarding(runtime.database)


@queue.task(name=CLOCKS_JOB, pass_context=True, queue="maintenance", queueing_lock=CLOCKS_JOB)
def request_clocks(context: procrastinate.JobContext, timestamp: int) -> None:
    database = runtime_of(context).database
    for tenant_id in tenant_ids(database):
        with tenant_transaction(database, tenant_id) as session:
            if late := record_overdue(session, Principal.system(tenant_id, CLOCKS_JOB)):
                log.warning("%d data-subject request(s) of tenant %s passed their deadline", late, tenant_id)
