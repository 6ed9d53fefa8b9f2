"""The endpoints API: CRUD, a secret shown once, tenant isolation, permissions and audit."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from engium.access.permissions import Role
from engium.runtime import Runtime
from engium.webhooks.settings import WebhookSettings
from tests.conftest import TenantHandle, audit_events, bearer, make_api_key
from tests.integrations.leaks import assert_absent
from tests.webhooks.conftest import URL, Receiver, book, create_endpoint, deliver_due, deliveries


def test_crud_shows_the_secret_only_at_creation(
    client: TestClient, tenant: TenantHandle, allow_local: WebhookSettings
) -> None:
    created = create_endpoint(client, tenant, "http://127.0.0.1:9/a", ["booking.created", "booking.cancelled"])
    secret = created["secret"]
    assert created["event_types"] == ["booking.cancelled", "booking.created"]
    assert created["active"] is True
    target = f"{URL}/{created['id']}"
    read = client.get(target, headers=tenant.headers)
    assert read.status_code == 200
    assert "secret" not in read.json()
    assert read.json()["signing_public_key"] == created["signing_public_key"]
    patched = client.patch(target, json={"event_types": ["conversation.resolved"], "active": False},
                           headers=tenant.headers)
    assert patched.status_code == 200, patched.text
    assert (patched.json()["event_types"], patched.json()["active"]) == (["conversation.resolved"], False)
    listed = client.get(URL, headers=tenant.headers)
    assert [e["id"] for e in listed.json()] == [created["id"]]
    for response in (read, patched, listed):
        assert_absent(secret, response.text, "an API response")
    assert client.delete(target, headers=tenant.headers).status_code == 204
    assert client.get(target, headers=tenant.headers).status_code == 404
    # The vault keeps only the tenant's signing key; the endpoint's secret went with it.
    names = [c["name"] for c in client.get("/api/v1/integrations", headers=tenant.headers).json()]
    assert names == ["webhook-signing-ed25519"]


def test_endpoint_changes_are_audited_without_secrets_or_paths(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, allow_local: WebhookSettings
) -> None:
    created = create_endpoint(client, tenant, "http://127.0.0.1:9/path-token-LEAK?key=LEAK")
    client.patch(f"{URL}/{created['id']}", json={"description": "x"}, headers=tenant.headers)
    client.post(f"{URL}/{created['id']}/rotate-secret", headers=tenant.headers)
    client.delete(f"{URL}/{created['id']}", headers=tenant.headers)
    events = [e for e in audit_events(runtime, tenant) if e["action"].startswith("webhook_endpoint.")]
    assert [e["action"] for e in events] == [
        "webhook_endpoint.created", "webhook_endpoint.updated", "webhook_endpoint.updated",
        "webhook_endpoint.deleted",
    ]
    assert events[0]["details"]["origin"] == "http://127.0.0.1"
    assert_absent("LEAK", str(events), "the audit log")
    assert_absent(created["secret"], str(audit_events(runtime, tenant)), "the audit log")


@pytest.mark.parametrize(
    "body",
    [
        {"url": "https://hooks.example.test/x", "event_types": []},
        {"url": "https://hooks.example.test/x", "event_types": ["booking.deleted"]},
        {"url": "https://hooks.example.test/x", "event_types": ["booking.created"], "secret": "mine"},
        {"url": "http://93.184.215.14/x", "event_types": ["booking.created"]},
    ],
    ids=["no-events", "unknown-event", "client-secret", "plain-http"],
)
def test_invalid_endpoints_are_refused(client: TestClient, tenant: TenantHandle, body: dict[str, object]) -> None:
    assert client.post(URL, json=body, headers=tenant.headers).status_code == 422


def test_another_tenant_gets_404_everywhere(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, other_tenant: TenantHandle,
    receiver: Receiver, allow_local: WebhookSettings,
) -> None:
    receiver.status = 500
    created = create_endpoint(client, tenant, receiver.url)
    book(client, runtime, tenant)
    deliver_due(runtime, allow_local)
    [delivery] = deliveries(client, tenant, created["id"])
    target = f"{URL}/{created['id']}"
    headers = other_tenant.headers
    assert client.get(target, headers=headers).status_code == 404
    assert client.patch(target, json={"active": False}, headers=headers).status_code == 404
    assert client.delete(target, headers=headers).status_code == 404
    assert client.post(f"{target}/rotate-secret", headers=headers).status_code == 404
    assert client.get(f"{target}/deliveries", headers=headers).status_code == 404
    assert client.post(f"/api/v1/webhook-deliveries/{delivery['id']}/redeliver", headers=headers).status_code == 404
    assert client.get(URL, headers=headers).json() == []
    assert client.get(target, headers=tenant.headers).json()["active"] is True


@pytest.mark.parametrize("role", [Role.AGENT, Role.AUDITOR])
def test_agents_and_auditors_get_403(
    runtime: Runtime, client: TestClient, tenant: TenantHandle, role: Role, allow_local: WebhookSettings
) -> None:
    created = create_endpoint(client, tenant, "http://127.0.0.1:9/a")
    headers = bearer(make_api_key(runtime, tenant, role))
    assert client.get(URL, headers=headers).status_code == 403
    assert client.get(f"{URL}/{created['id']}/deliveries", headers=headers).status_code == 403
    body = {"url": "http://127.0.0.1:9/b", "event_types": ["booking.created"]}
    assert client.post(URL, json=body, headers=headers).status_code == 403
