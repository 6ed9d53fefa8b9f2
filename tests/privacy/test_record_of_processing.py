"""The record of processing (GDPR Art. 30) is generated from the live configuration of the business."""

from __future__ import annotations

import os

from fastapi.testclient import TestClient

from engium.access.permissions import Role
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from engium.webhooks import service as webhooks
from engium.webhooks.schemas import EndpointCreate
from engium.webhooks.settings import WebhookSettings
from tests.conftest import TenantHandle, bearer, make_api_key
from tests.tenancy.fixtures import owner_principal

URL = "/api/v1/privacy/record-of-processing"


def test_it_names_the_controller_the_activities_and_every_store_of_personal_data(
    client: TestClient, tenant: TenantHandle
) -> None:
    client.patch("/api/v1/settings", json={"email": "dpo@salon.example"}, headers=tenant.headers)
    response = client.get(URL, headers=tenant.headers)
    assert response.status_code == 200, response.text
    record = response.json()
    assert record["format"] == "engium-record-of-processing-v1"
    assert record["controller"]["tenant_id"] == str(tenant.id)
    assert record["controller"]["email"] == "dpo@salon.example"
    activities = {a["activity"]: a for a in record["activities"]}
    assert {"conversations", "appointments", "security", "privacy"} <= set(activities)
    assert "contacts" in activities["conversations"]["stores"]
    assert all(a["legal_basis"] for a in activities.values())
    stores = {s["table"]: s for s in record["stores"]}
    assert {c["column"] for c in stores["contacts"]["personal_columns"]} >= {"name", "phone", "email"}
    assert stores["audit_events"]["erasure"] == "crypto_shredded"
    assert stores["knowledge_chunks"]["erasure"] == "redacted"
    assert record["retention"]["audit_months"] == 24


def test_recipients_follow_the_configured_integrations(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    assert client.get(URL, headers=tenant.headers).json()["recipients"] == []
    client.post("/api/v1/integrations", json={"kind": "twilio", "name": "default", "secret": os.urandom(16).hex(),
                                              "metadata": {"account_sid": "AC" + "1" * 32}}, headers=tenant.headers)
    with tenant_transaction(runtime.database, tenant.id) as session:
        guard = webhooks.Guard(WebhookSettings(allowed_cidrs="10.0.0.0/8"))
        webhooks.create_endpoint(session, runtime.vault, owner_principal(tenant),
                                 EndpointCreate(url="https://10.1.2.3/crm", event_types=["booking.created"]), guard)
    recipients = client.get(URL, headers=tenant.headers).json()["recipients"]
    assert [r["kind"] for r in recipients] == ["twilio", "webhook_endpoint"]
    assert recipients[1]["host"] == "10.1.2.3"
    assert recipients[1]["events"] == ["booking.created"]
    assert recipients[1]["shares_personal_data"] is False


def test_auditors_read_it_and_agents_do_not(client: TestClient, runtime: Runtime, tenant: TenantHandle) -> None:
    assert client.get(URL, headers=bearer(make_api_key(runtime, tenant, Role.AUDITOR))).status_code == 200
    assert client.get(URL, headers=bearer(make_api_key(runtime, tenant, Role.AGENT))).status_code == 403
