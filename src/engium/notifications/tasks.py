"""The notifications domain's jobs: e-mailing one notification, and daily digests (checked hourly)."""

from __future__ import annotations

import logging
from uuid import UUID

import procrastinate

from engium.jobs import queue, runtime_of
from engium.notifications.digest import send_digests
from engium.notifications.email import email_notification
from engium.notifications.service import EMAIL_JOB
from engium.privacy.retention import tenant_ids
from engium.tenancy.binding import tenant_transaction

log = logging.getLogger(__name__)

DIGEST_JOB = "notifications.digest"


@queue.task(name=EMAIL_JOB, pass_context=True)
def email(context: procrastinate.JobContext, tenant_id: str, notification_id: str) -> None:
    runtime = runtime_of(context)
    tenant = UUID(tenant_id)
    with tenant_transaction(runtime.database, tenant) as session:
        email_notification(session, tenant, UUID(notification_id), mail=runtime.settings.mail,
                           base_url=runtime.settings.resolved_public_url)


@queue.task(name=DIGEST_JOB, pass_context=True, queue="maintenance", queueing_lock=DIGEST_JOB)
def digest(context: procrastinate.JobContext, timestamp: int) -> None:
    runtime = runtime_of(context)
    settings = runtime.settings
    for tenant_id in tenant_ids(runtime.database):
        with tenant_transaction(runtime.database, tenant_id) as session:
            sent = send_digests(session, tenant_id, runtime.clock(), mail=settings.mail,
                                base_url=settings.resolved_public_url)
        if sent:
            log.info("queued %d daily digest(s) for tenant %s", sent, tenant_id)
