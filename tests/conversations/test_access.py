"""Who may do what: other businesses see nothing, read-only roles cannot change anything."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient

from engium.access.permissions import Role
from engium.runtime import Runtime
from tests.conftest import TenantHandle, bearer, make_api_key

API = "/api/v1"


def seed(client: TestClient, tenant: TenantHandle) -> tuple[dict[str, Any], dict[str, Any]]:
    contact = client.post(
        f"{API}/contacts", json={"email": f"s-{uuid.uuid4().hex[:10]}@example.com"}, headers=tenant.headers
    ).json()
    conversation = client.post(
        f"{API}/conversations",
        json={"contact_id": contact["id"], "channel": "web", "message": "private"},
        headers=tenant.headers,
    ).json()
    return contact, conversation


def test_another_business_gets_404_for_everything_of_ours(
    client: TestClient, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    contact, conversation = seed(client, tenant)
    theirs = other_tenant.headers
    contact_url = f"{API}/contacts/{contact['id']}"
    url = f"{API}/conversations/{conversation['id']}"

    attempts = [
        client.get(contact_url, headers=theirs),
        client.patch(contact_url, json={"name": "hijacked"}, headers=theirs),
        client.delete(contact_url, headers=theirs),
        client.get(url, headers=theirs),
        client.patch(url, json={"subject": "hijacked"}, headers=theirs),
        client.get(f"{url}/messages", headers=theirs),
        client.post(f"{url}/messages", json={"body": "injected"}, headers=theirs),
        client.post(f"{url}/escalate", json={"reason": "hijacked"}, headers=theirs),
        client.post(f"{url}/assign", json={"user_id": str(other_tenant.owner_user_id)}, headers=theirs),
        client.post(f"{url}/resolve", headers=theirs),
        client.post(
            f"{API}/conversations", json={"contact_id": contact["id"], "channel": "web"}, headers=theirs
        ),
    ]
    for response in attempts:
        assert response.status_code == 404, (response.request.method, response.request.url, response.text)
        assert response.json()["error"]["code"] == "not_found"

    assert client.get(f"{API}/contacts", headers=theirs).json()["items"] == []
    assert client.get(f"{API}/conversations", headers=theirs).json()["items"] == []
    assert client.get(
        f"{API}/conversations", params={"contact_id": contact["id"]}, headers=theirs
    ).json()["items"] == []

    # Nothing changed on our side.
    assert client.get(contact_url, headers=tenant.headers).json() == contact
    unchanged = client.get(url, headers=tenant.headers).json()
    assert (unchanged["status"], unchanged["subject"], unchanged["assignee_user_id"]) == ("open", "", None)
    assert [m["body"] for m in client.get(f"{url}/messages", headers=tenant.headers).json()["items"]] == [
        "private"
    ]


def test_an_auditor_reads_but_cannot_change(client: TestClient, runtime: Runtime, tenant: TenantHandle) -> None:
    contact, conversation = seed(client, tenant)
    auditor = bearer(make_api_key(runtime, tenant, Role.AUDITOR))
    contact_url = f"{API}/contacts/{contact['id']}"
    url = f"{API}/conversations/{conversation['id']}"

    for read in (f"{API}/contacts", contact_url, f"{API}/conversations", url, f"{url}/messages"):
        assert client.get(read, headers=auditor).status_code == 200, read

    writes = [
        client.post(f"{API}/contacts", json={"email": "auditor@example.com"}, headers=auditor),
        client.patch(contact_url, json={"name": "x"}, headers=auditor),
        client.delete(contact_url, headers=auditor),
        client.post(f"{API}/conversations", json={"contact_id": contact["id"], "channel": "web"}, headers=auditor),
        client.patch(url, json={"subject": "x"}, headers=auditor),
        client.post(f"{url}/messages", json={"body": "x"}, headers=auditor),
        client.post(f"{url}/escalate", json={"reason": "x"}, headers=auditor),
        client.post(f"{url}/assign", json={"user_id": None}, headers=auditor),
        client.post(f"{url}/resolve", headers=auditor),
    ]
    for response in writes:
        assert response.status_code == 403, (response.request.method, response.request.url, response.text)
        assert response.json()["error"]["code"] == "forbidden"
    assert client.get(url, headers=tenant.headers).json()["status"] == "open"


def test_an_agent_works_the_inbox(client: TestClient, runtime: Runtime, tenant: TenantHandle) -> None:
    agent = bearer(make_api_key(runtime, tenant, Role.AGENT))
    contact = client.post(f"{API}/contacts", json={"phone": "+15555550123"}, headers=agent)
    assert contact.status_code == 201, contact.text
    conversation = client.post(
        f"{API}/conversations", json={"contact_id": contact.json()["id"], "channel": "sms"}, headers=agent
    )
    assert conversation.status_code == 201
    url = f"{API}/conversations/{conversation.json()['id']}"
    assert client.post(f"{url}/messages", json={"body": "Hi!"}, headers=agent).status_code == 201
    assert client.post(f"{url}/escalate", json={"reason": "needs owner"}, headers=agent).status_code == 200
    handoff = client.post(f"{url}/assign", json={"user_id": str(tenant.owner_user_id)}, headers=agent)
    assert handoff.status_code == 200
    assert client.post(f"{url}/resolve", headers=agent).status_code == 200


def test_no_credentials_no_access(client: TestClient) -> None:
    for method, path in (("GET", "/contacts"), ("POST", "/contacts"), ("GET", "/conversations"),
                         ("POST", f"/conversations/{uuid.uuid4()}/messages")):
        response = client.request(method, f"{API}{path}", json={})
        assert response.status_code == 401, (method, path)
        assert response.json()["error"]["code"] == "unauthorized"
