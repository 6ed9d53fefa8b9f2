"""The reminder run and the confirmation of a staff booking (ADR 0042), each in transactions bound to
one tenant.

The periodic ``bookings.send_reminders`` job walks every tenant. For each, batches of due bookings are
taken ``for update skip locked`` (a second worker running at the same moment takes other bookings), each
is claimed in ``booking_messages`` (the unique key: at most one reminder per booking and appointment
time, even if a claim raced past the lock) and sent through the customer's channel, and the batch
commits. A reminder due while the business had reminders off is not sent later when they are turned
back on, unless its window is still open.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from engium.assistant.booking_notices import Describer, send_notice
from engium.bookings import reminder_store
from engium.bookings import service as bookings
from engium.errors import NotFound
from engium.kit.database import Database
from engium.kit.time_zones import zone_or_utc
from engium.mail.settings import MailSettings
from engium.tenancy.binding import tenant_transaction
from engium.tenancy.service import get_settings

log = logging.getLogger(__name__)

BATCH = 200


@dataclass
class RunTally:
    sent: int = 0
    skipped: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    def add(self, status: str, reason: str | None) -> None:
        if status == "sent":
            self.sent += 1
        elif status == "skipped":
            self.skipped += 1
            self.reasons[reason or "unknown"] = self.reasons.get(reason or "unknown", 0) + 1


def remind_tenant(database: Database, tenant_id: UUID, now: datetime, mail: MailSettings, *,
                  batch: int = BATCH, tally: RunTally | None = None) -> RunTally:
    """Sends the tenant's reminders that are due at ``now``; one transaction per batch."""
    tally = tally or RunTally()
    while True:
        with tenant_transaction(database, tenant_id) as session:
            policy = reminder_store.policy(session)
            if not policy.enabled:
                return tally
            due = reminder_store.due_reminders(session, now, policy.hours_before, batch)
            if not due:
                return tally
            settings = get_settings(session)
            describer = Describer(zone_or_utc(settings.timezone), now)
            for booking in due:
                outcome = send_notice(session, tenant_id, booking, "reminder", describer=describer,
                                      business=settings.business_name, policy=policy.no_show_policy, mail=mail)
                tally.add(outcome.status, outcome.reason)
        if len(due) < batch:
            return tally


def remind_all(database: Database, tenant_ids: list[UUID], now: datetime, mail: MailSettings) -> RunTally:
    tally = RunTally()
    for tenant_id in tenant_ids:
        remind_tenant(database, tenant_id, now, mail, tally=tally)
    return tally


def confirm_booking(database: Database, tenant_id: UUID, booking_id: UUID, now: datetime, mail: MailSettings) -> str:
    """The confirmation of a booking staff made; a booking cancelled or moved into the past meanwhile gets
    none. Returns what happened, for the log."""
    with tenant_transaction(database, tenant_id) as session:
        try:
            booking = bookings.get_booking(session, booking_id)
        except NotFound:
            return "not_found"  # another tenant's id, or deleted since: RLS shows nothing
        if booking.status != "confirmed" or booking.starts_at <= now:
            return "not_upcoming"
        settings = get_settings(session)
        policy = reminder_store.policy(session)
        outcome = send_notice(session, tenant_id, booking, "confirmation",
                              describer=Describer(zone_or_utc(settings.timezone), now),
                              business=settings.business_name, policy=policy.no_show_policy, mail=mail)
        return outcome.reason or outcome.status
