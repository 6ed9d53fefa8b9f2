"""A rectification request is carried out: the corrected details reach the contact through the contacts
service's rules, the request closes naming the fields, and nothing of the new values lands in the log."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from engium.access.permissions import Role
from engium.runtime import Runtime
from tests.conftest import TenantHandle, audit_events, bearer, make_api_key

REQUESTS = "/api/v1/privacy/requests"


def _contact(client: TestClient, tenant: TenantHandle, email: str) -> str:
    created = client.post("/api/v1/contacts", json={"name": "Grace Smiht", "email": email}, headers=tenant.headers)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def _rectification(client: TestClient, tenant: TenantHandle, contact: str) -> str:
    filed = client.post(REQUESTS, json={"kind": "rectification", "contact_id": contact}, headers=tenant.headers)
    assert filed.status_code == 201, filed.text
    return str(filed.json()["id"])


def test_the_corrected_details_reach_the_contact_and_the_request_closes(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    contact = _contact(client, tenant, f"grace-{uuid.uuid4().hex[:8]}@example.com")
    request = _rectification(client, tenant, contact)
    nothing = client.post(f"{REQUESTS}/{request}/rectify", json={}, headers=tenant.headers)
    assert nothing.status_code == 422
    new_phone = "+14155550199"
    done = client.post(f"{REQUESTS}/{request}/rectify", json={"name": "Grace Smith", "phone": new_phone},
                       headers=tenant.headers)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "completed"
    fixed = client.get(f"/api/v1/contacts/{contact}", headers=tenant.headers).json()
    assert (fixed["name"], fixed["phone"]) == ("Grace Smith", new_phone)
    # Once: a completed request is not carried out again.
    again = client.post(f"{REQUESTS}/{request}/rectify", json={"name": "Grace X"}, headers=tenant.headers)
    assert again.status_code == 409
    events = audit_events(runtime, tenant)
    completed = [e for e in events if e["action"] == "privacy.request_completed"]
    assert completed[-1]["details"]["outcome"] == {"fields": ["name", "phone"]}
    assert "Grace Smith" not in str(events)
    assert new_phone not in str(events)


def test_the_contacts_rules_still_hold(client: TestClient, runtime: Runtime, tenant: TenantHandle) -> None:
    taken = f"taken-{uuid.uuid4().hex[:8]}@example.com"
    _contact(client, tenant, taken)
    contact = _contact(client, tenant, f"grace-{uuid.uuid4().hex[:8]}@example.com")
    request = _rectification(client, tenant, contact)
    # Another customer's address, or removing the last identifier: refused, and the request stays open.
    for refused in ({"email": taken}, {"email": None}):
        assert client.post(f"{REQUESTS}/{request}/rectify", json=refused, headers=tenant.headers).status_code == 409
    assert client.get(f"{REQUESTS}/{request}", headers=tenant.headers).json()["status"] == "open"
    # Only a rectification request is carried out this way; only staff who manage privacy may.
    erasure = client.post(REQUESTS, json={"kind": "erasure", "contact_id": contact}, headers=tenant.headers).json()
    assert client.post(f"{REQUESTS}/{erasure['id']}/rectify", json={"name": "X"},
                       headers=tenant.headers).status_code == 409
    agent = bearer(make_api_key(runtime, tenant, Role.AGENT))
    assert client.post(f"{REQUESTS}/{request}/rectify", json={"name": "X"}, headers=agent).status_code == 403


def test_another_business_cannot_rectify_our_request(client: TestClient, tenant: TenantHandle,
                                                     other_tenant: TenantHandle) -> None:
    contact = _contact(client, tenant, f"grace-{uuid.uuid4().hex[:8]}@example.com")
    request = _rectification(client, tenant, contact)
    answer = client.post(f"{REQUESTS}/{request}/rectify", json={"name": "Mallory"}, headers=other_tenant.headers)
    assert answer.status_code == 404
    assert client.get(f"/api/v1/contacts/{contact}", headers=tenant.headers).json()["name"] == "Grace Smiht"
