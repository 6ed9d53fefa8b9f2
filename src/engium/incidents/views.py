"""An incident as the API and the command line show it: its row, its clock, its timeline."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from engium.incidents import repository as repo
from engium.incidents.models import Incident
from engium.incidents.schemas import EntryOut, IncidentDetail, IncidentOut
from engium.incidents.service import clock


def incident_out(incident: Incident, now: datetime) -> IncidentOut:
    state = clock(incident, now)
    return IncidentOut(
        id=incident.id, title=incident.title, severity=incident.severity, status=incident.status,
        owner=incident.owner, tenant_ids=list(incident.tenant_ids),
        notified_tenant_ids=list(incident.notified_tenant_ids), categories=list(incident.categories),
        aware_at=incident.aware_at, window_start=incident.window_start, window_end=incident.window_end,
        regulator_due_at=incident.regulator_due_at, tenants_due_at=incident.tenants_due_at,
        regulator_overdue=state.regulator_overdue, tenants_overdue=state.tenants_overdue,
        contained_at=incident.contained_at, regulator_notified_at=incident.regulator_notified_at,
        closed_at=incident.closed_at, review=incident.review, trigger_key=incident.trigger_key,
    )


def incident_detail(session: Session, incident: Incident, now: datetime) -> IncidentDetail:
    return IncidentDetail(
        **incident_out(incident, now).model_dump(),
        timeline=[EntryOut.model_validate(e) for e in repo.timeline(session, incident.id)],
    )
