"""Webhook rows for the populated tenant of the cross-tenant suites (tests/tenancy/fixtures.py)."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.runtime import Runtime
from engium.webhooks import service
from engium.webhooks.models import WebhookDelivery
from engium.webhooks.schemas import EndpointCreate
from engium.webhooks.settings import WebhookSettings


def add_webhook_rows(session: Session, runtime: Runtime, principal: Principal) -> None:
    """An endpoint (with its vault secret and the tenant's signing key) and a settled delivery: settled,
    so no test's delivery worker ever sends it anywhere."""
    guard = service.Guard(WebhookSettings(allowed_cidrs="10.0.0.0/8"))
    body = EndpointCreate(url="https://10.9.8.7/hooks", event_types=["booking.created"])
    endpoint, _ = service.create_endpoint(session, runtime.vault, principal, body, guard)
    session.add(WebhookDelivery(
        tenant_id=principal.tenant_id, id=uuid.uuid4(), endpoint_id=endpoint.id, event_type="booking.created",
        payload={"type": "booking.created", "timestamp": "2030-01-01T00:00:00Z", "data": {}},
        status="delivered", attempts=1, next_attempt_at=None, last_status_code=204,
    ))
    session.flush()
