"""The calendars domain's jobs: refreshing one calendar import (after it is created or on request), and the
periodic sweep that refreshes every import not fetched for ``REFRESH_EVERY``."""

from __future__ import annotations

import logging
from uuid import UUID

import procrastinate

from engium.calendars.imports import REFRESH_JOB, ImportRefresher, due_imports
from engium.jobs import queue, runtime_of
from engium.privacy.retention import tenant_ids
from engium.tenancy.binding import tenant_transaction

log = logging.getLogger(__name__)

SWEEP_JOB = "calendars.refresh"


def _refresher(context: procrastinate.JobContext) -> ImportRefresher:
    runtime = runtime_of(context)
    return ImportRefresher(runtime.database, runtime.vault, runtime.settings.webhooks, runtime.clock)


@queue.task(name=REFRESH_JOB, pass_context=True)
def refresh_import(context: procrastinate.JobContext, tenant_id: str, import_id: str) -> None:
    _refresher(context).refresh(UUID(tenant_id), UUID(import_id))


@queue.task(name=SWEEP_JOB, pass_context=True, queue="maintenance", queueing_lock=SWEEP_JOB)
def refresh_due(context: procrastinate.JobContext, timestamp: int) -> None:
    refresher = _refresher(context)
    for tenant_id in tenant_ids(refresher.database):
        with tenant_transaction(refresher.database, tenant_id) as session:
            due = due_imports(session, refresher.clock())
        for import_id in due:
            refresher.refresh(tenant_id, import_id)
        if due:
            log.info("refreshed %d calendar import(s) of tenant %s", len(due), tenant_id)
