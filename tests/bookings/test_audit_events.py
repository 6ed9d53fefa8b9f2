"""The catalogue, working hours and bookings write their own audit events, without personal data."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from engium.conversations.models import Contact
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.bookings.conftest import API, EVERY_DAY_9_TO_5, Shop, create_service, create_staff, set_week
from tests.conftest import CLIENT_IP, TenantHandle, audit_events
from tests.conftest import acting_key_id as key_id

NOTES = "Allergic to latex, please call her mobile first"
STAFF_NAME = "Morgan Privateperson"
STAFF_EMAIL = "morgan.private@example.com"




def contact_of(runtime: Runtime, shop: Shop) -> Contact:
    with tenant_transaction(runtime.database, shop.tenant.id) as s:
        contact = s.get(Contact, (shop.tenant.id, shop.contact_id))
        assert contact is not None
        s.expunge(contact)
        return contact


def test_a_booking_lifecycle_leaves_specific_events_without_personal_data(
    client: TestClient, runtime: Runtime, shop: Shop
) -> None:
    tenant = shop.tenant
    created = client.post(f"{API}/bookings", json=shop.booking("10:00", notes=NOTES), headers=tenant.headers)
    assert created.status_code == 201, created.text
    booking_id = created.json()["id"]
    url = f"{API}/bookings/{booking_id}"
    moved = client.patch(url, json={"starts_at": shop.at("11:00"), "notes": NOTES + "!"}, headers=tenant.headers)
    assert moved.status_code == 200, moved.text
    assert client.post(f"{url}/cancel", headers=tenant.headers).status_code == 200
    # Cancelling again changes nothing, so records no second cancellation.
    assert client.post(f"{url}/cancel", headers=tenant.headers).status_code == 200

    events = audit_events(runtime, tenant)
    mine = [e for e in events if e["resource_id"] == booking_id]
    assert [e["action"] for e in mine] == ["booking.created", "booking.rescheduled", "booking.cancelled"]
    day = shop.day.isoformat()
    assert mine[0]["resource_type"] == "booking"
    assert mine[0]["details"] == {
        "service_id": shop.service_id,
        "staff_id": shop.staff_id,
        "contact_id": shop.contact_id,
        "starts_at": f"{day}T10:00:00+00:00",
        "ends_at": f"{day}T10:30:00+00:00",
    }
    assert mine[1]["details"]["fields"] == ["ends_at", "notes", "starts_at"]
    assert mine[1]["details"]["from"]["starts_at"] == f"{day}T10:00:00+00:00"
    assert mine[1]["details"]["to"]["starts_at"] == f"{day}T11:00:00+00:00"
    assert mine[2]["details"]["from"] == "confirmed"
    assert mine[2]["details"]["to"] == "cancelled"
    assert events[-1]["action"] == "api.mutation"  # the no-op cancel, covered generically

    actor = key_id(client, tenant)
    for event in mine:
        assert event["actor_kind"] == "api_key"
        assert event["actor_id"] == actor
        assert event["ip"] == CLIENT_IP
        assert event["outcome"] == "success"

    contact = contact_of(runtime, shop)
    everything = json.dumps(events, default=str)
    assert contact.name
    assert contact.phone
    for secret in (NOTES, "latex", contact.name, contact.phone):
        assert secret not in everything


def test_booking_a_taken_slot_leaves_a_failure_and_no_second_booking_event(
    client: TestClient, runtime: Runtime, shop: Shop
) -> None:
    tenant = shop.tenant
    first = client.post(f"{API}/bookings", json=shop.booking("10:00"), headers=tenant.headers)
    assert first.status_code == 201, first.text
    taken = client.post(f"{API}/bookings", json=shop.booking("10:00", notes=NOTES), headers=tenant.headers)
    assert taken.status_code == 409, taken.text

    events = audit_events(runtime, tenant)
    assert [e["resource_id"] for e in events if e["action"] == "booking.created"] == [first.json()["id"]]
    failed = events[-1]
    assert failed["action"] == "request.failed"
    assert failed["outcome"] == "failed"
    assert failed["resource_type"] == "http"
    assert failed["resource_id"].endswith("/bookings")
    assert failed["details"] == {"method": "POST", "status": 409}
    assert failed["actor_kind"] == "api_key"
    assert failed["actor_id"] == key_id(client, tenant)
    assert failed["ip"] == CLIENT_IP
    assert NOTES not in json.dumps(events, default=str)


def test_catalogue_staff_and_working_hours_changes_are_recorded(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    service = create_service(client, tenant)
    other = create_service(client, tenant)
    assert client.patch(
        f"{API}/services/{service['id']}", json={"duration_minutes": 45, "active": True}, headers=tenant.headers
    ).status_code == 200
    staff = create_staff(client, tenant, [service["id"]], name=STAFF_NAME, email=STAFF_EMAIL)
    assert client.patch(
        f"{API}/staff/{staff['id']}",
        json={"name": STAFF_NAME + " II", "service_ids": [service["id"], other["id"]]},
        headers=tenant.headers,
    ).status_code == 200
    set_week(client, tenant, staff["id"], EVERY_DAY_9_TO_5)
    set_week(client, tenant, staff["id"], EVERY_DAY_9_TO_5)  # the same week again: no change to record
    exception = client.post(
        f"{API}/staff/{staff['id']}/availability-exceptions",
        json={"on_date": "2031-01-06", "kind": "closed", "note": NOTES},
        headers=tenant.headers,
    )
    assert exception.status_code == 201, exception.text
    exception_id = exception.json()["id"]
    exception_url = f"{API}/staff/{staff['id']}/availability-exceptions/{exception_id}"
    assert client.delete(exception_url, headers=tenant.headers).status_code == 204
    assert client.delete(f"{API}/staff/{staff['id']}", headers=tenant.headers).status_code == 204
    assert client.delete(f"{API}/services/{other['id']}", headers=tenant.headers).status_code == 204

    events = audit_events(runtime, tenant)
    specific = [
        (e["action"], e["resource_type"], e["resource_id"])
        for e in events
        if e["resource_type"] in {"service", "staff", "availability_exception"}
    ]
    assert specific == [
        ("service.created", "service", service["id"]),
        ("service.created", "service", other["id"]),
        ("service.updated", "service", service["id"]),
        ("staff.created", "staff", staff["id"]),
        ("staff.updated", "staff", staff["id"]),
        ("availability.updated", "staff", staff["id"]),
        ("availability.exception_created", "availability_exception", exception_id),
        ("availability.exception_deleted", "availability_exception", exception_id),
        ("staff.deleted", "staff", staff["id"]),
        ("service.deleted", "service", other["id"]),
    ]
    by_action = {e["action"]: e["details"] for e in events}
    assert by_action["service.updated"] == {"fields": ["duration_minutes"]}
    assert by_action["staff.updated"] == {
        "fields": ["name", "service_ids"], "service_ids": [service["id"], other["id"]]
    }
    assert by_action["availability.updated"] == {"rules": 7, "previous_rules": 0}
    assert by_action["availability.exception_created"] == {
        "staff_id": staff["id"], "on_date": "2031-01-06", "kind": "closed"
    }
    # The unchanged second week was a no-op: only the middleware's generic event covers it.
    assert [e["action"] for e in events].count("availability.updated") == 1

    actor = key_id(client, tenant)
    for action, _, _ in specific:
        event = next(e for e in events if e["action"] == action)
        assert (event["actor_kind"], event["actor_id"], event["ip"], event["outcome"]) == (
            "api_key", actor, CLIENT_IP, "success"
        )
    everything = json.dumps(events, default=str)
    for secret in (STAFF_NAME, STAFF_EMAIL, NOTES, service["name"]):
        assert secret not in everything
