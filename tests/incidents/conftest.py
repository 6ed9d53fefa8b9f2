"""Incident fixtures: an operator acting, incidents read in the operator's scope, jobs run by name."""

from __future__ import annotations

import time
import uuid
from typing import Any

from procrastinate.tasks import configure_task
from sqlalchemy import text

from engium import jobs
from engium.access.principal import Principal
from engium.incidents import repository as repo
from engium.incidents.models import Incident
from engium.incidents.service import Operator
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from engium.webhooks import service as webhooks
from engium.webhooks.schemas import EndpointCreate
from engium.webhooks.settings import WebhookSettings

# The audit tests' superuser engine: tamper with raw SQL as the tests in tests/audit do.
from tests.audit.conftest import superuser_engine  # noqa: F401
from tests.conftest import TenantHandle

OPERATOR = Operator("pytest@incident-room")


def run_periodic(runtime: Runtime, task_name: str) -> None:
    """Queues a periodic task as the scheduler does (with its timestamp) and lets the job runtime run it."""
    with runtime.database.transaction() as session:
        connection = session.connection().connection.driver_connection
        configure_task(name=task_name, job_manager=jobs.queue.job_manager, connection=connection).defer(
            timestamp=int(time.time()))
    jobs.drain(runtime)


def incidents_by_key(runtime: Runtime, key: str) -> list[Incident]:
    with repo.operator_transaction(runtime.database) as session:
        found = [i for i in repo.list_incidents(session, limit=1000) if i.trigger_key == key]
        for incident in found:
            session.expunge(incident)
    return found


def add_endpoint(runtime: Runtime, tenant: TenantHandle, event_types: list[str]) -> uuid.UUID:
    """An endpoint on a private address the runtime's guard refuses: queued deliveries never leave."""
    guard = webhooks.Guard(WebhookSettings(allowed_cidrs="10.0.0.0/8"))
    principal = Principal.system(tenant.id, "pytest")
    with tenant_transaction(runtime.database, tenant.id) as session:
        endpoint, _ = webhooks.create_endpoint(
            session, runtime.vault, principal, EndpointCreate(url="https://10.9.8.7/hooks", event_types=event_types),
            guard)
        return endpoint.id


def deliveries_of(runtime: Runtime, tenant: TenantHandle, event_type: str) -> list[dict[str, Any]]:
    with tenant_transaction(runtime.database, tenant.id) as session:
        rows = session.execute(text(
            "select endpoint_id, payload from webhook_deliveries where event_type = :t"), {"t": event_type}).all()
    return [{"endpoint_id": r[0], "payload": r[1]} for r in rows]
