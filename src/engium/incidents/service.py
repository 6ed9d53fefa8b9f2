"""Incidents: declare, update, move through detected → contained → notified → closed, add to the timeline.

Operator-level: every function takes a session in the operator's scope (repository.operator_transaction)
and the acting operator's name, and records its audit event in that transaction (the platform chain:
an incident belongs to no one tenant). The GDPR clock starts at awareness: the regulator within
``ENGIUM_INCIDENTS_REGULATOR_HOURS`` (72), the affected businesses within
``ENGIUM_INCIDENTS_TENANT_NOTICE_HOURS`` ("without undue delay").
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.orm import Session

from engium.audit import recorder as audit
from engium.audit.actions import ActorKind, AuditAction
from engium.errors import Conflict, NotFound, Unprocessable
from engium.incidents import repository as repo
from engium.incidents.models import Incident
from engium.incidents.settings import IncidentSettings

STATUSES = ("detected", "contained", "notified", "closed")
SEVERITIES = ("low", "medium", "high", "critical")
# Each status may only be followed by the next one: the order is the procedure (docs/incident-response.md).
NEXT_STATUS = {"detected": "contained", "contained": "notified", "notified": "closed"}


@dataclass(frozen=True)
class Operator:
    """Who acts on incidents: a person at the command line or holding the operator token, or a trigger."""

    name: str
    kind: ActorKind = ActorKind.OPERATOR

    @property
    def actor(self) -> tuple[ActorKind, str]:
        return self.kind, self.name[:200]


@dataclass(frozen=True)
class Clock:
    regulator_due_at: datetime
    tenants_due_at: datetime
    regulator_overdue: bool
    tenants_overdue: bool
    pending_tenants: int


def clock(incident: Incident, now: datetime) -> Clock:
    """The deadlines and whether each is overdue now (an overdue deadline stays so once it is met late:
    the dates say when)."""
    pending = len(set(incident.tenant_ids) - set(incident.notified_tenant_ids))
    open_ = incident.status != "closed"
    return Clock(
        regulator_due_at=incident.regulator_due_at,
        tenants_due_at=incident.tenants_due_at,
        regulator_overdue=open_ and incident.regulator_notified_at is None and now > incident.regulator_due_at,
        tenants_overdue=pending > 0 and now > incident.tenants_due_at,
        pending_tenants=pending,
    )


def _record(session: Session, operator: Operator, action: AuditAction, incident: Incident,
            details: dict[str, Any] | None = None) -> None:
    audit.record(session, None, action, resource_type="incident", resource_id=incident.id,
                 details=details or {}, actor=operator.actor)


def _checked_tenants(session: Session, tenant_ids: Sequence[UUID]) -> list[UUID]:
    """Unknown tenants are refused by name. ``tenants`` shows an unbound transaction nothing (RLS), so
    the one cross-tenant listing function (migration 0017) answers."""
    wanted = sorted(set(tenant_ids), key=str)
    if not wanted:
        return []
    found = {UUID(str(t)) for t in session.execute(text("select privacy_tenant_ids()")).scalars()}
    missing = [str(t) for t in wanted if t not in found]
    if missing:
        raise Unprocessable(f"unknown tenant(s): {', '.join(missing)}")
    return wanted


def get(session: Session, incident_id: UUID, *, lock: bool = False) -> Incident:
    incident = repo.get(session, incident_id, lock=lock)
    if incident is None:
        raise NotFound("incident not found")
    return incident


def declare(
    session: Session,
    operator: Operator,
    settings: IncidentSettings,
    *,
    title: str,
    severity: str,
    tenant_ids: Sequence[UUID] = (),
    categories: Sequence[str] = (),
    aware_at: datetime | None = None,
    window_start: datetime | None = None,
    window_end: datetime | None = None,
    owner: str = "",
    trigger_key: str | None = None,
    description: str = "",
    check_tenants: bool = True,
) -> Incident:
    now = repo.database_now(session)
    aware = aware_at or now
    if aware > now + timedelta(minutes=5):
        raise Unprocessable("aware_at cannot be in the future")
    if window_start and window_end and window_end < window_start:
        raise Unprocessable("window_end must not be before window_start")
    tenants = _checked_tenants(session, tenant_ids) if check_tenants else sorted(set(tenant_ids), key=str)
    incident = Incident(
        id=uuid.uuid4(), title=title, severity=severity, status="detected", owner=owner,
        tenant_ids=tenants, notified_tenant_ids=[], categories=sorted(set(categories)), aware_at=aware,
        window_start=window_start, window_end=window_end,
        regulator_due_at=aware + timedelta(hours=settings.regulator_hours),
        tenants_due_at=aware + timedelta(hours=settings.tenant_notice_hours),
        trigger_key=trigger_key, reminders=[],
    )
    session.add(incident)
    session.flush()
    repo.append_entry(session, incident.id, "declared", operator.name,
                      description or f"declared: {title} (severity {severity})")
    _record(session, operator, AuditAction.INCIDENT_DECLARED, incident, {
        "severity": severity, "tenants": len(tenants), "categories": incident.categories,
        "trigger_key": trigger_key or "",
    })
    return incident


def update(
    session: Session,
    operator: Operator,
    incident_id: UUID,
    *,
    severity: str | None = None,
    owner: str | None = None,
    add_tenants: Sequence[UUID] = (),
    categories: Sequence[str] | None = None,
    window_start: datetime | None = None,
    window_end: datetime | None = None,
) -> Incident:
    incident = get(session, incident_id, lock=True)
    if incident.status == "closed":
        raise Conflict("a closed incident cannot change")
    changed: list[str] = []
    if severity is not None and severity != incident.severity:
        incident.severity, changed = severity, [*changed, "severity"]
    if owner is not None and owner != incident.owner:
        incident.owner, changed = owner, [*changed, "owner"]
    new_tenants = set(_checked_tenants(session, add_tenants)) - set(incident.tenant_ids)
    if new_tenants:
        incident.tenant_ids = sorted({*incident.tenant_ids, *new_tenants}, key=str)
        changed.append("tenants")
    if categories is not None and sorted(set(categories)) != sorted(incident.categories):
        incident.categories, changed = sorted(set(categories)), [*changed, "categories"]
    if window_start is not None:
        incident.window_start, changed = window_start, [*changed, "window_start"]
    if window_end is not None:
        incident.window_end, changed = window_end, [*changed, "window_end"]
    if incident.window_start and incident.window_end and incident.window_end < incident.window_start:
        raise Unprocessable("window_end must not be before window_start")
    if changed:
        incident.updated_at = repo.database_now(session)
        repo.append_entry(session, incident.id, "update", operator.name, "changed: " + ", ".join(changed))
        _record(session, operator, AuditAction.INCIDENT_UPDATED, incident,
                {"fields": changed, "tenants_added": len(new_tenants)})
    session.flush()
    return incident


def add_entry(session: Session, operator: Operator, incident_id: UUID, body: str, kind: str = "note") -> Incident:
    incident = get(session, incident_id, lock=True)
    entry = repo.append_entry(session, incident.id, kind, operator.name, body)
    _record(session, operator, AuditAction.INCIDENT_ENTRY_ADDED, incident, {"seq": entry.seq, "kind": kind})
    return incident


def change_status(
    session: Session, operator: Operator, incident_id: UUID, status: str, *, review: str | None = None
) -> Incident:
    """One step forward only. ``notified`` means the regulator was notified (its time is recorded) and
    needs every affected business told first; ``closed`` needs the post-incident review."""
    incident = get(session, incident_id, lock=True)
    expected = NEXT_STATUS.get(incident.status)
    if status != expected:
        allowed = f"only {expected!r} may follow" if expected else "a closed incident stays closed"
        raise Conflict(f"cannot move an incident from {incident.status!r} to {status!r}: {allowed}")
    now = repo.database_now(session)
    if status == "contained":
        incident.contained_at = now
    elif status == "notified":
        pending = set(incident.tenant_ids) - set(incident.notified_tenant_ids)
        if pending:
            raise Conflict(f"{len(pending)} affected tenant(s) not notified yet: run the tenant notification first")
        incident.regulator_notified_at = now
    elif status == "closed":
        if not review or not review.strip():
            raise Unprocessable("closing an incident needs the post-incident review")
        incident.review, incident.closed_at = review.strip(), now
    previous, incident.status, incident.updated_at = incident.status, status, now
    repo.append_entry(session, incident.id, "status", operator.name, f"status: {previous} → {status}")
    _record(session, operator, AuditAction.INCIDENT_STATUS_CHANGED, incident, {"from": previous, "to": status})
    session.flush()
    return incident
