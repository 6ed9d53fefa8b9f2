"""The jobs that tell customers about their bookings (ADR 0042): the confirmation of a booking staff made,
and the periodic reminder run (every ``ENGIUM_REMINDER_INTERVAL_SECONDS``, default 5 minutes)."""

from __future__ import annotations

import logging
from uuid import UUID

import procrastinate

from engium.assistant.reminders import confirm_booking, remind_all
from engium.bookings.reminder_store import CONFIRMATION_JOB, REMINDERS_JOB
from engium.jobs import queue, runtime_of
from engium.privacy.retention import tenant_ids

log = logging.getLogger(__name__)


@queue.task(name=CONFIRMATION_JOB, pass_context=True)
def send_confirmation(context: procrastinate.JobContext, tenant_id: str, booking_id: str) -> None:
    runtime = runtime_of(context)
    outcome = confirm_booking(runtime.database, UUID(tenant_id), UUID(booking_id), runtime.clock(),
                              runtime.settings.mail)
    log.info("booking %s confirmation: %s", booking_id, outcome)


@queue.task(name=REMINDERS_JOB, pass_context=True, queue="maintenance", queueing_lock=REMINDERS_JOB)
def send_reminders(context: procrastinate.JobContext, timestamp: int) -> None:
    runtime = runtime_of(context)
    tally = remind_all(runtime.database, tenant_ids(runtime.database), runtime.clock(), runtime.settings.mail)
    if tally.sent or tally.skipped:
        log.info("booking reminders: %d sent, %d skipped %s", tally.sent, tally.skipped, tally.reasons)
