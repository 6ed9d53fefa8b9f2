"""Incident rows for the populated tenant of the cross-tenant suites (tests/tenancy/fixtures.py)."""

from __future__ import annotations

import uuid

from engium.incidents import repository as repo
from engium.incidents.notifications import notify_tenants
from engium.incidents.service import Operator, declare
from engium.runtime import Runtime

FIXTURE_OPERATOR = Operator("pytest@fixtures")


def add_incident_notification(runtime: Runtime, tenant_id: uuid.UUID) -> uuid.UUID:
    """An incident affecting the tenant, and the tenant's notification of it; returns the incident id."""
    with repo.operator_transaction(runtime.database) as session:
        incident = declare(session, FIXTURE_OPERATOR, runtime.settings.incidents, title="Fixture incident",
                           severity="low", tenant_ids=[tenant_id], categories=["network"])
        incident_id = incident.id
    notify_tenants(runtime.database, FIXTURE_OPERATOR, incident_id)
    return incident_id
