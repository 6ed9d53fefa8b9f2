"""Contacts: who a business talks to, identified by email, phone or web-widget id."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import TenantHandle

CONTACTS = "/api/v1/contacts"


def create_contact(client: TestClient, tenant: TenantHandle, **fields: Any) -> dict[str, Any]:
    fields.setdefault("email", f"c-{uuid.uuid4().hex[:10]}@example.com")
    response = client.post(CONTACTS, json=fields, headers=tenant.headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_contact_is_created_with_normalised_identifiers(client: TestClient, tenant: TenantHandle) -> None:
    contact = create_contact(
        client, tenant, name="  Ada Lovelace ", email="Ada@Example.COM", phone="+44 (20) 7946-0958"
    )
    assert contact["name"] == "Ada Lovelace"
    assert contact["email"] == "ada@example.com"
    assert contact["phone"] == "+442079460958"
    assert contact["widget_id"] is None

    fetched = client.get(f"{CONTACTS}/{contact['id']}", headers=tenant.headers)
    assert fetched.status_code == 200
    assert fetched.json() == contact


def test_a_contact_needs_at_least_one_identifier(client: TestClient, tenant: TenantHandle) -> None:
    response = client.post(CONTACTS, json={"name": "Nobody"}, headers=tenant.headers)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "at least one of email, phone or widget_id" in str(error["details"])


def test_malformed_identifiers_are_rejected_with_the_field_named(
    client: TestClient, tenant: TenantHandle
) -> None:
    cases = [
        ({"phone": "0207 946 0958"}, "phone"),
        ({"phone": "+1 555"}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"widget_id": "has spaces in it"}, "widget_id"),
        ({"email": "a@example.com", "name": "x" * 201}, "name"),
        ({"email": "a@example.com", "tenant_id": str(uuid.uuid4())}, "tenant_id"),
    ]
    for payload, field in cases:
        response = client.post(CONTACTS, json=payload, headers=tenant.headers)
        assert response.status_code == 422, (payload, response.text)
        locations = [detail["loc"] for detail in response.json()["error"]["details"]]
        assert any(field in loc for loc in locations), (payload, locations)


def test_an_identifier_belongs_to_one_contact(client: TestClient, tenant: TenantHandle) -> None:
    first = create_contact(client, tenant, email="dup@example.com", phone="+14155550100")
    again = client.post(CONTACTS, json={"email": "DUP@example.com"}, headers=tenant.headers)
    assert again.status_code == 409
    assert again.json()["error"]["details"] == {"field": "email", "contact_id": first["id"]}

    other = create_contact(client, tenant, widget_id="widget-visitor-1")
    clash = client.patch(f"{CONTACTS}/{other['id']}", json={"phone": "+1 415 555 0100"}, headers=tenant.headers)
    assert clash.status_code == 409
    assert clash.json()["error"]["details"]["field"] == "phone"


def test_the_same_identifier_may_exist_in_two_businesses(
    client: TestClient, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    create_contact(client, tenant, email="shared@example.com")
    create_contact(client, other_tenant, email="shared@example.com")


def test_updating_a_contact_changes_only_the_fields_sent(client: TestClient, tenant: TenantHandle) -> None:
    contact = create_contact(client, tenant, name="Grace", phone="+14155550101")
    url = f"{CONTACTS}/{contact['id']}"

    renamed = client.patch(url, json={"name": "Grace Hopper"}, headers=tenant.headers)
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == "Grace Hopper"
    assert renamed.json()["email"] == contact["email"]
    assert renamed.json()["updated_at"] > contact["updated_at"]

    without_phone = client.patch(url, json={"phone": None}, headers=tenant.headers)
    assert without_phone.status_code == 200
    assert without_phone.json()["phone"] is None

    without_any = client.patch(url, json={"email": None}, headers=tenant.headers)
    assert without_any.status_code == 409  # its last identifier: the request conflicts with this contact
    assert "its last one" in without_any.json()["error"]["message"]
    assert client.get(url, headers=tenant.headers).json()["email"] == contact["email"]

    assert client.patch(url, json={"name": None}, headers=tenant.headers).status_code == 422
    assert client.patch(url, json={"phone": "12"}, headers=tenant.headers).status_code == 422


def test_a_deleted_contact_is_gone_with_its_conversations(client: TestClient, tenant: TenantHandle) -> None:
    contact = create_contact(client, tenant)
    conversation = client.post(
        "/api/v1/conversations",
        json={"contact_id": contact["id"], "channel": "web", "message": "hello"},
        headers=tenant.headers,
    ).json()

    deleted = client.delete(f"{CONTACTS}/{contact['id']}", headers=tenant.headers)
    assert deleted.status_code == 204
    assert client.get(f"{CONTACTS}/{contact['id']}", headers=tenant.headers).status_code == 404
    assert client.get(f"/api/v1/conversations/{conversation['id']}", headers=tenant.headers).status_code == 404
    assert client.delete(f"{CONTACTS}/{contact['id']}", headers=tenant.headers).status_code == 404


def test_contacts_can_be_searched_by_name_email_or_phone(client: TestClient, tenant: TenantHandle) -> None:
    ada = create_contact(client, tenant, name="Ada Lovelace", email="ada@example.com")
    alan = create_contact(client, tenant, name="Alan Turing", email="alan@example.org", phone="+447700900123")
    create_contact(client, tenant, name="100%_literal", email="pct@example.net")

    def search(q: str) -> list[str]:
        response = client.get(CONTACTS, params={"q": q}, headers=tenant.headers)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert search("lovelace") == [ada["id"]]
    assert search("example.org") == [alan["id"]]
    assert search("7700900") == [alan["id"]]
    assert set(search("a")) >= {ada["id"], alan["id"]}
    # LIKE wildcards in the query are matched literally.
    assert len(search("%")) == 1
    assert len(search("_")) == 1
    assert search("nobody-by-this-name") == []


def test_unknown_and_malformed_contact_ids(client: TestClient, tenant: TenantHandle) -> None:
    missing = client.get(f"{CONTACTS}/{uuid.uuid4()}", headers=tenant.headers)
    assert missing.status_code == 404
    assert missing.json()["error"] == {"code": "not_found", "message": "Contact not found"}
    malformed = client.get(f"{CONTACTS}/not-a-uuid", headers=tenant.headers)
    assert malformed.status_code == 404  # a path that can name no contact
    assert malformed.json()["error"]["code"] == "not_found"
