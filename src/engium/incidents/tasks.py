"""Incident response's periodic jobs: the audit log's verification (a broken chain or signature opens
an incident), the burst watch over the audit log, the GDPR clock's reminders; and the report of a stored
credential that failed to decrypt (queued by the vault's listener, incidents/decryption.py).

Deferred once per period whatever the number of workers (engium/jobs.py); the queueing locks keep two
runs of one job from overlapping. Each is idempotent: a trigger appends to its open incident, a reminder
fires once per threshold.
"""

from __future__ import annotations

import logging
from uuid import UUID

import procrastinate

from engium.incidents import detectors
from engium.incidents.clocks import remind
from engium.incidents.decryption import DECRYPTION_JOB
from engium.incidents.detectors import verify_audit_log, watch_bursts
from engium.jobs import queue, runtime_of

log = logging.getLogger(__name__)

VERIFY_JOB = "incidents.verify_audit"
BURSTS_JOB = "incidents.watch_bursts"
CLOCKS_JOB = "incidents.clocks"


@queue.task(name=VERIFY_JOB, pass_context=True, queue="maintenance", queueing_lock=VERIFY_JOB)
def verify_audit(context: procrastinate.JobContext, timestamp: int) -> None:
    runtime = runtime_of(context)
    report, fired = verify_audit_log(runtime.database, runtime.settings)
    if not report.ok:
        log.error("audit verification found %d broken chain(s); incident(s) %s", len(report.broken),
                  ", ".join(str(f.incident_id) for f in fired))


@queue.task(name=BURSTS_JOB, pass_context=True, queue="maintenance", queueing_lock=BURSTS_JOB)
def bursts(context: procrastinate.JobContext, timestamp: int) -> None:
    runtime = runtime_of(context)
    for fired in watch_bursts(runtime.database, runtime.settings):
        log.warning("burst recorded on incident %s", fired.incident_id)


@queue.task(name=CLOCKS_JOB, pass_context=True, queue="maintenance", queueing_lock=CLOCKS_JOB)
def clocks(context: procrastinate.JobContext, timestamp: int) -> None:
    runtime = runtime_of(context)
    remind(runtime.database, runtime.settings.incidents)


@queue.task(name=DECRYPTION_JOB, pass_context=True, queue="maintenance")
def decryption_failed(context: procrastinate.JobContext, tenant_id: str, table: str) -> None:
    runtime = runtime_of(context)
    fired = detectors.decryption_failed(runtime.database, runtime.settings, UUID(tenant_id), table)
    log.error("a stored credential of tenant %s (%s) failed to decrypt; incident %s", tenant_id, table,
              fired.incident_id)
