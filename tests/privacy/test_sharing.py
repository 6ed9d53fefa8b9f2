"""Endpoints marked as sharing personal data receive nothing about customers who opted out of sale or
sharing; other endpoints are unaffected."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from sqlalchemy import text

from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from engium.webhooks import service as webhooks
from engium.webhooks.schemas import EndpointCreate
from engium.webhooks.settings import WebhookSettings
from tests.conftest import TenantHandle
from tests.tenancy.fixtures import owner_principal


def _endpoint(runtime: Runtime, tenant: TenantHandle, host: str, *, sharing: bool) -> uuid.UUID:
    with tenant_transaction(runtime.database, tenant.id) as session:
        created, _secret = webhooks.create_endpoint(
            session, runtime.vault, owner_principal(tenant),
            EndpointCreate(url=f"https://{host}/hook", event_types=["conversation.resolved"],
                           shares_personal_data=sharing),
            webhooks.Guard(WebhookSettings(allowed_cidrs="10.0.0.0/8")),
        )
        return created.id


def _resolved_conversation(client: TestClient, tenant: TenantHandle, opted_out: bool) -> str:
    contact = client.post("/api/v1/contacts", json={"email": f"s-{uuid.uuid4().hex[:8]}@example.com"},
                          headers=tenant.headers).json()["id"]
    if opted_out:
        response = client.post(f"/api/v1/privacy/contacts/{contact}/consents", headers=tenant.headers,
                               json={"purpose": "sale_or_sharing", "granted": False, "wording_version": "dnss-v1"})
        assert response.status_code == 201, response.text
    conversation = client.post("/api/v1/conversations", json={"contact_id": contact, "channel": "web"},
                               headers=tenant.headers).json()["id"]
    assert client.post(f"/api/v1/conversations/{conversation}/resolve", headers=tenant.headers).status_code == 200
    return str(conversation)


def test_opted_out_customers_are_withheld_from_sharing_endpoints_only(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    plain = _endpoint(runtime, tenant, "10.0.0.1", sharing=False)
    sharing = _endpoint(runtime, tenant, "10.0.0.2", sharing=True)
    withheld = _resolved_conversation(client, tenant, opted_out=True)
    shared = _resolved_conversation(client, tenant, opted_out=False)
    with tenant_transaction(runtime.database, tenant.id) as session:
        rows = session.execute(text("select endpoint_id, payload -> 'data' ->> 'conversation_id' "
                                    "from webhook_deliveries")).all()
    received = {(endpoint, conversation) for endpoint, conversation in rows}
    assert received == {(plain, withheld), (plain, shared), (sharing, shared)}


def test_the_flag_is_shown_and_can_be_changed(client: TestClient, runtime: Runtime, tenant: TenantHandle) -> None:
    endpoint = _endpoint(runtime, tenant, "10.0.0.3", sharing=False)
    url = f"/api/v1/webhook-endpoints/{endpoint}"
    assert client.get(url, headers=tenant.headers).json()["shares_personal_data"] is False
    changed = client.patch(url, json={"shares_personal_data": True}, headers=tenant.headers)
    assert changed.status_code == 200, changed.text
    assert changed.json()["shares_personal_data"] is True
    assert client.patch(url, json={"shares_personal_data": "maybe"}, headers=tenant.headers).status_code == 422


def test_an_opt_out_request_is_carried_out_and_withholds_the_customer(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    sharing = _endpoint(runtime, tenant, "10.0.0.4", sharing=True)
    contact = client.post("/api/v1/contacts", json={"email": f"o-{uuid.uuid4().hex[:8]}@example.com"},
                          headers=tenant.headers).json()["id"]
    filed = client.post("/api/v1/privacy/requests", headers=tenant.headers,
                        json={"kind": "opt_out", "contact_id": contact, "regime": "ccpa"})
    assert filed.status_code == 201, filed.text
    request_id = filed.json()["id"]
    # Only an opt-out request is carried out this way, once.
    export = client.post("/api/v1/privacy/requests", headers=tenant.headers,
                         json={"kind": "export", "contact_id": contact}).json()["id"]
    assert client.post(f"/api/v1/privacy/requests/{export}/opt-out", headers=tenant.headers).status_code == 409

    done = client.post(f"/api/v1/privacy/requests/{request_id}/opt-out", headers=tenant.headers)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "completed"
    assert client.post(f"/api/v1/privacy/requests/{request_id}/opt-out", headers=tenant.headers).status_code == 409
    consents = client.get(f"/api/v1/privacy/contacts/{contact}/consents", headers=tenant.headers).json()
    assert consents["in_force"] == {"sale_or_sharing": False}
    assert [(c["source"], c["wording_version"]) for c in consents["history"]] == [("request", f"request:{request_id}")]

    conversation = client.post("/api/v1/conversations", json={"contact_id": contact, "channel": "web"},
                               headers=tenant.headers).json()["id"]
    assert client.post(f"/api/v1/conversations/{conversation}/resolve", headers=tenant.headers).status_code == 200
    with tenant_transaction(runtime.database, tenant.id) as session:
        sent = session.execute(text("select count(*) from webhook_deliveries where endpoint_id = :e"),
                               {"e": sharing}).scalar_one()
    assert sent == 0


def test_an_agent_cannot_carry_out_an_opt_out(client: TestClient, tenant: TenantHandle) -> None:
    contact = client.post("/api/v1/contacts", json={"phone": "+14155550123"}, headers=tenant.headers).json()["id"]
    request_id = client.post("/api/v1/privacy/requests", headers=tenant.headers,
                             json={"kind": "opt_out", "contact_id": contact}).json()["id"]
    agent = client.post("/api/v1/api-keys", headers=tenant.headers, json={"name": "agent", "role": "agent"}).json()
    refused = client.post(f"/api/v1/privacy/requests/{request_id}/opt-out",
                          headers={"Authorization": f"Bearer {agent['key']}"})
    assert refused.status_code == 403
