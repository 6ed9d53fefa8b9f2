"""HTTP for incidents: the operator's API (operator token) and a business's own notifications."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from engium.access.authentication import Requires
from engium.access.permissions import Permission
from engium.access.principal import Principal
from engium.incidents import repository as repo
from engium.incidents import service
from engium.incidents.notifications import notify_tenants
from engium.incidents.operator_auth import OperatorAuth
from engium.incidents.schemas import (
    EntryCreate,
    IncidentCreate,
    IncidentDetail,
    IncidentList,
    IncidentUpdate,
    NotificationList,
    NotificationOut,
    NotifiedOut,
    StatusChange,
)
from engium.incidents.views import incident_detail, incident_out
from engium.kit.app_state import runtime_of
from engium.kit.request_fields import QueryFlag
from engium.kit.transaction import DbSession

operator_router = APIRouter(prefix="/operator/incidents", tags=["operator: incidents"])
tenant_router = APIRouter(prefix="/incident-notifications", tags=["incidents"])

PrivacyRead = Annotated[Principal, Requires(Permission.PRIVACY_READ)]


def _detail(session: Session, incident_id: UUID) -> IncidentDetail:
    now = repo.database_now(session)
    return incident_detail(session, service.get(session, incident_id), now)


@operator_router.get("", response_model=IncidentList)
def list_incidents(
    operator: OperatorAuth, session: DbSession, open_only: QueryFlag = False
) -> IncidentList:
    """Incidents, newest awareness first, each with its GDPR deadlines and overdue flags."""
    now = repo.database_now(session)
    return IncidentList(incidents=[incident_out(i, now) for i in repo.list_incidents(session, open_only=open_only)])


@operator_router.post("", response_model=IncidentDetail, status_code=201)
def declare_incident(body: IncidentCreate, request: Request, operator: OperatorAuth,
                     session: DbSession) -> IncidentDetail:
    """Declares an incident; its clock starts at ``aware_at`` (default: now). Unknown tenants: 422."""
    incident = service.declare(
        session, operator, runtime_of(request).settings.incidents, title=body.title, severity=body.severity,
        tenant_ids=body.tenant_ids, categories=body.categories, aware_at=body.aware_at,
        window_start=body.window_start, window_end=body.window_end, owner=body.owner,
        description=body.description or "",
    )
    return _detail(session, incident.id)


@operator_router.get("/{incident_id}", response_model=IncidentDetail)
def get_incident(incident_id: UUID, operator: OperatorAuth, session: DbSession) -> IncidentDetail:
    return _detail(session, incident_id)


@operator_router.patch("/{incident_id}", response_model=IncidentDetail)
def update_incident(incident_id: UUID, body: IncidentUpdate, operator: OperatorAuth,
                    session: DbSession) -> IncidentDetail:
    """Severity, owner, categories, the window; affected tenants can be added, never removed."""
    service.update(session, operator, incident_id, severity=body.severity, owner=body.owner,
                   add_tenants=body.add_tenant_ids, categories=body.categories,
                   window_start=body.window_start, window_end=body.window_end)
    return _detail(session, incident_id)


@operator_router.post("/{incident_id}/timeline", response_model=IncidentDetail, status_code=201)
def add_timeline_entry(incident_id: UUID, body: EntryCreate, operator: OperatorAuth,
                       session: DbSession) -> IncidentDetail:
    service.add_entry(session, operator, incident_id, body.body)
    return _detail(session, incident_id)


@operator_router.post("/{incident_id}/status", response_model=IncidentDetail)
def change_status(incident_id: UUID, body: StatusChange, operator: OperatorAuth,
                  session: DbSession) -> IncidentDetail:
    """One step forward: detected → contained → notified → closed; any other move is 409, and closing
    without the post-incident review is 422."""
    service.change_status(session, operator, incident_id, body.status, review=body.review)
    return _detail(session, incident_id)


@operator_router.post("/{incident_id}/notifications", response_model=NotifiedOut)
def notify(incident_id: UUID, request: Request, operator: OperatorAuth, session: DbSession) -> NotifiedOut:
    """Tells every affected business not told yet (in-app notice and signed ``incident.notified`` event)."""
    service.get(session, incident_id)
    return NotifiedOut(notified_tenant_ids=notify_tenants(runtime_of(request).database, operator, incident_id))


@tenant_router.get("", response_model=NotificationList)
def list_notifications(principal: PrivacyRead, session: DbSession) -> NotificationList:
    """The incidents Engium notified this business about, newest first."""
    return NotificationList(
        notifications=[NotificationOut.model_validate(n) for n in repo.tenant_notifications(session)]
    )
