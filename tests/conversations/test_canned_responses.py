"""Canned responses: a business's ready-made replies, listed for everyone who answers, managed by owners and
admins, audited, and invisible to every other business."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from engium.access.permissions import Role
from engium.runtime import Runtime
from tests.conftest import TenantHandle, audit_events, bearer, make_api_key

CANNED = "/api/v1/canned-responses"


def create(client: TestClient, tenant: TenantHandle, **fields: Any) -> dict[str, Any]:
    fields.setdefault("title", "Opening hours")
    fields.setdefault("body", "We are open Monday to Friday, 9:00 to 17:00.")
    response = client.post(CANNED, json=fields, headers=tenant.headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_canned_response_is_created_listed_changed_and_deleted(client: TestClient, tenant: TenantHandle) -> None:
    made = create(client, tenant, title="  Parking ", body="Free parking behind the salon.", shortcut="parking")
    assert made["title"] == "Parking"
    assert made["shortcut"] == "parking"
    create(client, tenant, title="Address", body="12 High Street.")

    listed = client.get(CANNED, headers=tenant.headers).json()
    assert [c["title"] for c in listed] == ["Address", "Parking"]

    changed = client.patch(f"{CANNED}/{made['id']}", json={"body": "Parking is free after 18:00.", "shortcut": None},
                           headers=tenant.headers)
    assert changed.status_code == 200, changed.text
    assert changed.json()["body"] == "Parking is free after 18:00."
    assert changed.json()["shortcut"] is None
    assert client.get(f"{CANNED}/{made['id']}", headers=tenant.headers).json()["title"] == "Parking"

    assert client.delete(f"{CANNED}/{made['id']}", headers=tenant.headers).status_code == 204
    assert client.get(f"{CANNED}/{made['id']}", headers=tenant.headers).status_code == 404


def test_every_change_is_audited_without_the_text(client: TestClient, runtime: Runtime, tenant: TenantHandle) -> None:
    made = create(client, tenant, body="Secret-ish wording 12345", shortcut="wording")
    client.patch(f"{CANNED}/{made['id']}", json={"title": "Wording"}, headers=tenant.headers)
    client.delete(f"{CANNED}/{made['id']}", headers=tenant.headers)
    events = [e for e in audit_events(runtime, tenant) if e["resource_type"] == "canned_response"]
    assert [e["action"] for e in events] == [
        "canned_response.created", "canned_response.updated", "canned_response.deleted"]
    assert all(e["resource_id"] == made["id"] for e in events)
    assert events[1]["details"] == {"fields": ["title"]}
    assert "12345" not in str(events)


def test_a_shortcut_is_unique_in_the_business_but_not_across_businesses(
    client: TestClient, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    first = create(client, tenant, shortcut="hours")
    again = client.post(CANNED, json={"title": "Hours", "body": "Nine to five.", "shortcut": "hours"},
                        headers=tenant.headers)
    assert again.status_code == 409
    assert "/hours" in again.json()["error"]["message"]
    other = create(client, tenant, shortcut="prices")
    taken = client.patch(f"{CANNED}/{other['id']}", json={"shortcut": "hours"}, headers=tenant.headers)
    assert taken.status_code == 409
    # Its own shortcut, unchanged, is no conflict.
    unchanged = client.patch(f"{CANNED}/{first['id']}", json={"shortcut": "hours"}, headers=tenant.headers)
    assert unchanged.status_code == 200
    create(client, other_tenant, shortcut="hours")


@pytest.mark.parametrize("payload", [
    {"title": "", "body": "x"},
    {"title": "   ", "body": "x"},
    {"title": "x", "body": " \n "},
    {"title": "x" * 201, "body": "x"},
    {"title": "x", "body": "x" * 10001},
    {"title": "x", "body": "x", "shortcut": "Has Spaces"},
    {"title": "x", "body": "x", "shortcut": "/slash"},
    {"title": "x", "body": "x", "shortcut": "x" * 41},
    {"title": "x\u0000", "body": "x"},
    {"title": "x", "body": "x", "tenant_id": str(uuid.uuid4())},
    {"body": "x"},
    {"title": None, "body": "x"},
])
def test_bad_input_is_refused_with_422(client: TestClient, tenant: TenantHandle, payload: dict[str, Any]) -> None:
    response = client.post(CANNED, json=payload, headers=tenant.headers)
    assert response.status_code == 422, response.text


def test_an_update_cannot_null_the_title_or_body(client: TestClient, tenant: TenantHandle) -> None:
    made = create(client, tenant)
    for payload in ({"title": None}, {"body": None}, {"body": ""}):
        response = client.patch(f"{CANNED}/{made['id']}", json=payload, headers=tenant.headers)
        assert response.status_code == 422, (payload, response.text)


def test_another_business_cannot_see_change_or_delete_them(
    client: TestClient, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    made = create(client, tenant)
    url = f"{CANNED}/{made['id']}"
    assert client.get(CANNED, headers=other_tenant.headers).json() == []
    assert client.get(url, headers=other_tenant.headers).status_code == 404
    assert client.patch(url, json={"title": "Mine"}, headers=other_tenant.headers).status_code == 404
    assert client.delete(url, headers=other_tenant.headers).status_code == 404
    assert client.get(url, headers=tenant.headers).json() == made


@pytest.mark.parametrize(("role", "may_manage"), [
    (Role.ADMIN, True), (Role.AGENT, False), (Role.AUDITOR, False),
])
def test_everyone_may_use_them_only_owners_and_admins_manage_them(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, role: Role, may_manage: bool
) -> None:
    made = create(client, tenant)
    headers = bearer(make_api_key(runtime, tenant, role))
    assert client.get(CANNED, headers=headers).status_code == 200
    assert client.get(f"{CANNED}/{made['id']}", headers=headers).status_code == 200
    expected = {True: (201, 200, 204), False: (403, 403, 403)}[may_manage]
    created = client.post(CANNED, json={"title": "T", "body": "B"}, headers=headers)
    changed = client.patch(f"{CANNED}/{made['id']}", json={"title": "U"}, headers=headers)
    deleted = client.delete(f"{CANNED}/{made['id']}", headers=headers)
    assert (created.status_code, changed.status_code, deleted.status_code) == expected
