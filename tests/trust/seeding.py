"""Shared steps of the trust-centre tests."""

from __future__ import annotations

import os
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from engium.webhooks import service as webhooks
from engium.webhooks.schemas import EndpointCreate
from engium.webhooks.settings import WebhookSettings
from tests.conftest import TenantHandle
from tests.tenancy.fixtures import owner_principal

TWILIO = {"kind": "twilio", "name": "default", "metadata": {"account_sid": "AC" + "1" * 32}}


def enable(client: TestClient, tenant: TenantHandle, body: dict[str, Any] = TWILIO) -> str:
    response = client.post("/api/v1/integrations", json={**body, "secret": os.urandom(16).hex()},
                           headers=tenant.headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def public_id(runtime: Runtime, tenant: TenantHandle) -> str:
    with tenant_transaction(runtime.database, tenant.id) as session:
        return str(session.execute(text("select public_id from tenants")).scalar_one())


def subscribe(runtime: Runtime, tenant: TenantHandle) -> None:
    with tenant_transaction(runtime.database, tenant.id) as session:
        guard = webhooks.Guard(WebhookSettings(allowed_cidrs="10.0.0.0/8"))
        webhooks.create_endpoint(session, runtime.vault, owner_principal(tenant),
                                 EndpointCreate(url="https://10.1.2.3/hook", event_types=["subprocessors.changed"]),
                                 guard)
