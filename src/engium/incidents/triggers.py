"""Automatic triggers: a detector opens an incident, or appends to the open one of its trigger key.

The key names what went wrong and where (``audit-chain:<tenant>``, ``auth-burst:<tenant>``), so a fault
seen by every periodic run stays one incident with a growing timeline, until an operator closes it;
after that a new occurrence opens a new incident. Tenant-scoped triggers tell the tenant at once
(``ENGIUM_INCIDENTS_AUTO_NOTIFY``): "without undue delay" does not wait for a person to wake up.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy.exc import IntegrityError

from engium.audit import recorder as audit
from engium.audit.actions import ActorKind, AuditAction
from engium.incidents import repository as repo
from engium.incidents.notifications import notify_tenants
from engium.incidents.service import Operator, declare
from engium.incidents.settings import IncidentSettings
from engium.kit.database import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Trigger:
    key: str
    title: str
    severity: str
    detail: str
    tenant_ids: Sequence[UUID] = ()
    categories: Sequence[str] = ()
    window_start: datetime | None = None


@dataclass(frozen=True)
class Fired:
    incident_id: UUID
    opened: bool
    notified: list[UUID]


def _fire_once(database: Database, trigger: Trigger, settings: IncidentSettings, detector: Operator) -> Fired:
    with repo.operator_transaction(database) as session:
        incident = repo.open_by_trigger(session, trigger.key)
        opened = incident is None
        if incident is None:
            incident = declare(
                session, detector, settings, title=trigger.title, severity=trigger.severity,
                tenant_ids=trigger.tenant_ids, categories=trigger.categories, window_start=trigger.window_start,
                trigger_key=trigger.key, description=trigger.detail, check_tenants=False,
            )
        else:
            added = [t for t in trigger.tenant_ids if t not in incident.tenant_ids]
            if added:
                incident.tenant_ids = [*incident.tenant_ids, *added]
            repo.append_entry(session, incident.id, "trigger", detector.name, trigger.detail)
        audit.record(session, None, AuditAction.INCIDENT_TRIGGERED, resource_type="incident",
                     resource_id=incident.id, actor=detector.actor,
                     details={"trigger_key": trigger.key, "opened": opened})
        incident_id = incident.id
    return Fired(incident_id, opened, [])


def fire(database: Database, trigger: Trigger, settings: IncidentSettings, *, component: str) -> Fired:
    """Opens or appends, then (if configured) tells the affected tenants not yet told."""
    detector = Operator(component, ActorKind.SYSTEM)
    try:
        fired = _fire_once(database, trigger, settings, detector)
    except IntegrityError:
        # Two detectors opened the same key at once: the unique index kept one; append to it.
        fired = _fire_once(database, trigger, settings, detector)
    if fired.opened:
        log.warning("incident %s opened by %s: %s", fired.incident_id, trigger.key, trigger.title)
    if settings.auto_notify and trigger.tenant_ids:
        fired = Fired(fired.incident_id, fired.opened, notify_tenants(database, detector, fired.incident_id))
    return fired
