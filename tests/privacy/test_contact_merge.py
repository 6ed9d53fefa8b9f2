"""Contact merge: one person's two records become one. Everything linked to the merged contact moves, the
remaining contact keeps its own details and takes only what it lacked, the merged one is gone, and the
audit log says so in the same transaction. Another business's contact cannot be reached either way."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, text

from engium.access.permissions import Role
from engium.demo.seed import seed_salon
from engium.privacy.contact_merge import moved_columns
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import TenantHandle, audit_events, bearer, make_api_key

CONTACTS = "/api/v1/contacts"


def contact(client: TestClient, tenant: TenantHandle, **fields: Any) -> dict[str, Any]:
    made = client.post(CONTACTS, json=fields, headers=tenant.headers)
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    return body


def merge(client: TestClient, tenant: TenantHandle, merged: str, into: str, headers: dict[str, str] | None = None
          ) -> Any:
    return client.post(f"{CONTACTS}/{merged}/merge", json={"into_contact_id": into}, headers=headers or tenant.headers)


def add_booking_and_consent(runtime: Runtime, tenant: TenantHandle, contact_id: str) -> None:
    with tenant_transaction(runtime.database, tenant.id) as session:
        if session.execute(text("select count(*) from services")).scalar_one() == 0:
            seed_salon(session, tenant.id)
        service, staff = session.execute(text(
            "select s.id, st.id from services s cross join staff st limit 1")).one()
        starts = datetime(2031, 3, 4, 10, tzinfo=UTC)
        session.execute(text(
            "insert into bookings (tenant_id, id, service_id, staff_id, contact_id, starts_at, ends_at) "
            "values (:t, :id, :service, :staff, :c, :s, :e)"),
            {"t": tenant.id, "id": uuid.uuid4(), "service": service, "staff": staff, "c": contact_id, "s": starts,
             "e": starts + timedelta(minutes=30)})
        session.execute(text(
            "insert into consents (tenant_id, id, contact_id, purpose, granted, channel, source, wording_version) "
            "values (:t, :id, :c, 'marketing', false, 'sms', 'keyword', 'v1')"),
            {"t": tenant.id, "id": uuid.uuid4(), "c": contact_id})


def rows_of(runtime: Runtime, tenant: TenantHandle, table: str, contact_id: str) -> int:
    with tenant_transaction(runtime.database, tenant.id) as session:
        return int(session.execute(text(f"select count(*) from {table} where contact_id = :c"),
                                   {"c": contact_id}).scalar_one())


def test_merging_moves_conversations_bookings_and_consents_and_deletes_the_merged_contact(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    survivor = contact(client, tenant, name="Rosa Díaz", email="rosa@example.com")
    duplicate = contact(client, tenant, name="Rosa", email="rosa.d@example.com", phone="+34600111222")
    conversation = client.post("/api/v1/conversations", json={"contact_id": duplicate["id"], "channel": "sms",
                                                               "message": "Can I move my colour?"},
                               headers=tenant.headers).json()
    add_booking_and_consent(runtime, tenant, duplicate["id"])

    merged = merge(client, tenant, duplicate["id"], survivor["id"])
    assert merged.status_code == 200, merged.text
    assert merged.json()["moved"] == {"conversations": 1, "bookings": 1, "consents": 1}
    assert merged.json()["identifiers_taken"] == ["phone"]

    after = client.get(f"{CONTACTS}/{survivor['id']}", headers=tenant.headers).json()
    assert (after["name"], after["email"], after["phone"]) == ("Rosa Díaz", "rosa@example.com", "+34600111222")
    assert client.get(f"{CONTACTS}/{duplicate['id']}", headers=tenant.headers).status_code == 404
    moved = client.get(f"/api/v1/conversations/{conversation['id']}", headers=tenant.headers).json()
    assert moved["contact_id"] == survivor["id"]
    for table in ("conversations", "bookings", "consents"):
        assert rows_of(runtime, tenant, table, survivor["id"]) == 1
    # The next text from the duplicate's number reaches the remaining contact.
    listed = client.get(CONTACTS, params={"q": "+34600111222"}, headers=tenant.headers).json()["items"]
    assert [c["id"] for c in listed] == [survivor["id"]]


def test_the_merge_is_audited_with_what_moved(client: TestClient, runtime: Runtime, tenant: TenantHandle) -> None:
    survivor = contact(client, tenant, email="a@example.com")
    duplicate = contact(client, tenant, widget_id="visitor-1")
    assert merge(client, tenant, duplicate["id"], survivor["id"]).status_code == 200
    [event] = [e for e in audit_events(runtime, tenant) if e["action"] == "contact.merged"]
    assert event["resource_id"] == survivor["id"]
    assert event["details"] == {"merged_contact_id": duplicate["id"], "moved": {},
                                "identifiers_taken": ["widget_id"]}


def test_merging_into_itself_is_409(client: TestClient, tenant: TenantHandle) -> None:
    one = contact(client, tenant, email="self@example.com")
    response = merge(client, tenant, one["id"], one["id"])
    assert response.status_code == 409
    assert "itself" in response.json()["error"]["message"]


def test_another_business_s_contact_cannot_be_merged_either_way(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    mine = contact(client, tenant, email="mine@example.com")
    theirs = contact(client, other_tenant, email="theirs@example.com")
    add_booking_and_consent(runtime, other_tenant, theirs["id"])
    assert merge(client, tenant, mine["id"], theirs["id"]).status_code == 404
    assert merge(client, tenant, theirs["id"], mine["id"]).status_code == 404
    # Both still exist, each with its own rows.
    assert client.get(f"{CONTACTS}/{mine['id']}", headers=tenant.headers).status_code == 200
    assert client.get(f"{CONTACTS}/{theirs['id']}", headers=other_tenant.headers).status_code == 200
    assert rows_of(runtime, other_tenant, "bookings", theirs["id"]) == 1


def test_an_unknown_contact_is_404_and_a_bad_body_422(client: TestClient, tenant: TenantHandle) -> None:
    one = contact(client, tenant, email="one@example.com")
    assert merge(client, tenant, str(uuid.uuid4()), one["id"]).status_code == 404
    assert merge(client, tenant, one["id"], str(uuid.uuid4())).status_code == 404
    for body in ({}, {"into_contact_id": "not-a-uuid"}, {"into_contact_id": None},
                 {"into_contact_id": one["id"], "extra": 1}, [one["id"]]):
        response = client.post(f"{CONTACTS}/{one['id']}/merge", json=body, headers=tenant.headers)
        assert response.status_code == 422, (body, response.text)
    assert client.post(f"{CONTACTS}/not-a-uuid/merge", json={"into_contact_id": one["id"]},
                       headers=tenant.headers).status_code in {404, 422}


@pytest.mark.parametrize(("role", "allowed"), [(Role.ADMIN, True), (Role.AGENT, True), (Role.AUDITOR, False)])
def test_merging_needs_the_contacts_write_permission(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, role: Role, allowed: bool
) -> None:
    survivor = contact(client, tenant, email=f"{uuid.uuid4().hex[:8]}@example.com")
    duplicate = contact(client, tenant, email=f"{uuid.uuid4().hex[:8]}@example.com")
    response = merge(client, tenant, duplicate["id"], survivor["id"], bearer(make_api_key(runtime, tenant, role)))
    assert response.status_code == (200 if allowed else 403)


def test_every_foreign_key_to_contacts_is_a_store_the_merge_moves(owner_conn: Connection) -> None:
    referencing = owner_conn.execute(text("""
        select c.conrelid::regclass::text, a.attname
        from pg_constraint c
        join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any(c.conkey)
        where c.contype = 'f' and c.confrelid = 'contacts'::regclass and a.attname <> 'tenant_id'
    """)).all()
    assert {(table, column) for table, column in referencing} <= set(moved_columns())
    # And the stores without a foreign key that name a contact (subject keys, privacy requests) move too.
    assert {("subject_keys", "contact_id"), ("privacy_requests", "contact_id")} <= set(moved_columns())
