"""The GDPR clock's reminders: a timeline entry, a warning and an audit event when a deadline comes
within ``ENGIUM_INCIDENTS_REMIND_BEFORE_HOURS`` and again when it passes, once per threshold (the
incident's ``reminders`` remembers which fired, in the same transaction)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from engium.audit import recorder as audit
from engium.audit.actions import ActorKind, AuditAction
from engium.incidents import repository as repo
from engium.incidents.models import Incident
from engium.incidents.service import clock
from engium.incidents.settings import IncidentSettings
from engium.kit.database import Database

log = logging.getLogger(__name__)

COMPONENT = "incidents.clocks"


@dataclass(frozen=True)
class Reminder:
    incident_id: UUID
    threshold: str
    message: str


def due_reminders(incident: Incident, now: datetime, remind_before: timedelta) -> list[Reminder]:
    state = clock(incident, now)
    regulator_open = incident.status != "closed" and incident.regulator_notified_at is None
    candidates = []
    if regulator_open:
        if now > incident.regulator_due_at:
            candidates.append(("regulator_overdue", "the 72-hour regulator deadline has passed "
                               f"({incident.regulator_due_at:%Y-%m-%d %H:%M} UTC)"))
        elif now > incident.regulator_due_at - remind_before:
            candidates.append(("regulator_soon", "the regulator must be notified by "
                               f"{incident.regulator_due_at:%Y-%m-%d %H:%M} UTC"))
    if state.pending_tenants:
        if state.tenants_overdue:
            candidates.append(("tenants_overdue", f"{state.pending_tenants} affected tenant(s) not notified; "
                               f"due {incident.tenants_due_at:%Y-%m-%d %H:%M} UTC"))
        elif now > incident.tenants_due_at - remind_before:
            candidates.append(("tenants_soon", f"{state.pending_tenants} affected tenant(s) to notify by "
                               f"{incident.tenants_due_at:%Y-%m-%d %H:%M} UTC"))
    return [Reminder(incident.id, t, m) for t, m in candidates if t not in incident.reminders]


def remind(database: Database, settings: IncidentSettings) -> list[Reminder]:
    """Every open incident's reminders that are due and not yet given."""
    sent: list[Reminder] = []
    remind_before = timedelta(hours=settings.remind_before_hours)
    with repo.operator_transaction(database) as session:
        now = repo.database_now(session)
        for incident in repo.list_incidents(session, open_only=True, limit=1000):
            due = due_reminders(incident, now, remind_before)
            if not due:
                continue
            session.refresh(incident, with_for_update=True)
            for reminder in due_reminders(incident, now, remind_before):
                incident.reminders = [*incident.reminders, reminder.threshold]
                repo.append_entry(session, incident.id, "reminder", COMPONENT, reminder.message)
                audit.record(session, None, AuditAction.INCIDENT_DEADLINE_REMINDED, resource_type="incident",
                             resource_id=incident.id, actor=(ActorKind.SYSTEM, COMPONENT),
                             details={"threshold": reminder.threshold})
                log.warning("incident %s: %s", incident.id, reminder.message)
                sent.append(reminder)
    return sent
