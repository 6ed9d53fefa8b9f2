"""Telling the affected businesses: an in-app notice (``incident_notifications``, the tenant's own table)
and a signed ``incident.notified`` webhook event, both in the tenant's transaction.

Each tenant is told in its own transaction, bound to it (RLS, its audit chain, its webhook endpoints)
and in the operator's scope (the incident row is locked and marked there): a tenant is told once, and
one tenant's failure does not undo what the others were told.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from uuid import UUID

from sqlalchemy.orm import Session

from engium.audit import recorder as audit
from engium.audit.actions import AuditAction
from engium.incidents import repository as repo
from engium.incidents.models import Incident, IncidentNotification
from engium.incidents.service import Operator, get
from engium.kit.database import Database
from engium.tenancy.binding import bind_tenant
from engium.webhooks import service as webhooks

CATEGORY_WORDS = {
    "identity": "names", "contact_details": "phone numbers and e-mail addresses",
    "communications": "messages", "appointments": "appointments", "network": "IP addresses and user agents",
    "reference": "internal identifiers", "credentials": "credentials (password and token hashes)",
    "consent": "consent records", "requests": "data-subject requests",
}


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "not yet known"


def _period(incident: Incident) -> str:
    if incident.window_start is None and incident.window_end is None:
        return "not yet known"
    return f"from {_when(incident.window_start)} to {_when(incident.window_end) if incident.window_end else 'now'}"


def draft(incident: Incident) -> str:
    """The notice, drafted from the incident: what, which data, the window, and what comes next."""
    categories = ", ".join(CATEGORY_WORDS.get(c, c) for c in incident.categories) or "under assessment"
    return (
        f"Engium is handling a security incident that may affect your business (severity {incident.severity}). "
        f"We became aware of it at {_when(incident.aware_at)}. "
        f"Data possibly involved: {categories}. "
        f"Period concerned: {_period(incident)}. "
        "As your processor we will keep you informed as the investigation progresses, so that you can assess "
        "your own obligations as controller (GDPR Art. 33 and 34)."
    )


def _notify_one(session: Session, operator: Operator, incident_id: UUID, tenant_id: UUID) -> bool:
    bind_tenant(session, tenant_id)
    repo.enter_operator_scope(session)
    incident = get(session, incident_id, lock=True)
    if tenant_id in incident.notified_tenant_ids or tenant_id not in incident.tenant_ids:
        return False
    notice = IncidentNotification(
        tenant_id=tenant_id, id=uuid.uuid4(), incident_id=incident.id, title=incident.title,
        severity=incident.severity, categories=list(incident.categories), aware_at=incident.aware_at,
        window_start=incident.window_start, window_end=incident.window_end, body=draft(incident),
    )
    session.add(notice)
    session.flush()
    deliveries = webhooks.emit(session, tenant_id, "incident.notified", {
        "incident_id": incident.id, "notification_id": notice.id, "severity": incident.severity,
        "categories": list(incident.categories), "aware_at": incident.aware_at,
        "window_start": incident.window_start, "window_end": incident.window_end,
    })
    incident.notified_tenant_ids = [*incident.notified_tenant_ids, tenant_id]
    repo.append_entry(session, incident.id, "notification", operator.name,
                      f"tenant {tenant_id} notified (in-app; {deliveries} webhook delivery(ies) queued)")
    # In the tenant's own chain: the business's log shows it was told, and what about.
    audit.record(session, None, AuditAction.INCIDENT_TENANT_NOTIFIED, resource_type="incident",
                 resource_id=incident.id, actor=operator.actor,
                 details={"notification_id": notice.id, "severity": incident.severity,
                          "categories": list(incident.categories), "webhook_deliveries": deliveries})
    return True


def notify_tenants(database: Database, operator: Operator, incident_id: UUID) -> list[UUID]:
    """Tells every affected tenant not told yet; returns those told now."""
    with repo.operator_transaction(database) as session:
        incident = get(session, incident_id)
        if incident.status == "closed":
            return []
        pending = [t for t in incident.tenant_ids if t not in incident.notified_tenant_ids]
    told = []
    for tenant_id in pending:
        with database.transaction() as session:
            if _notify_one(session, operator, incident_id, tenant_id):
                told.append(tenant_id)
    return told
