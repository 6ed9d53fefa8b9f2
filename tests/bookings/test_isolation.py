"""Another tenant sees none of this tenant's catalogue, schedule or bookings, and cannot book into it."""

from __future__ import annotations

from fastapi.testclient import TestClient

from engium.runtime import Runtime
from tests.bookings.conftest import API, EVERY_DAY_9_TO_5, Shop, open_shop
from tests.conftest import TenantHandle


def test_other_tenant_gets_404_for_every_resource(client: TestClient, shop: Shop, other_tenant: TenantHandle) -> None:
    booking = client.post(f"{API}/bookings", json=shop.booking("10:00"), headers=shop.tenant.headers).json()
    exception = client.post(
        f"{API}/staff/{shop.staff_id}/availability-exceptions",
        json={"on_date": shop.day.isoformat(), "kind": "closed"},
        headers=shop.tenant.headers,
    ).json()
    headers = other_tenant.headers
    week = {"rules": EVERY_DAY_9_TO_5}
    requests = [
        ("GET", f"/services/{shop.service_id}", None),
        ("PATCH", f"/services/{shop.service_id}", {"active": False}),
        ("DELETE", f"/services/{shop.service_id}", None),
        ("GET", f"/staff/{shop.staff_id}", None),
        ("PATCH", f"/staff/{shop.staff_id}", {"name": "Mallory"}),
        ("DELETE", f"/staff/{shop.staff_id}", None),
        ("GET", f"/staff/{shop.staff_id}/availability", None),
        ("PUT", f"/staff/{shop.staff_id}/availability", week),
        ("GET", f"/staff/{shop.staff_id}/availability-exceptions", None),
        ("POST", f"/staff/{shop.staff_id}/availability-exceptions", {"on_date": "2030-01-01", "kind": "closed"}),
        ("DELETE", f"/staff/{shop.staff_id}/availability-exceptions/{exception['id']}", None),
        ("GET", f"/bookings/{booking['id']}", None),
        ("PATCH", f"/bookings/{booking['id']}", {"notes": "mine now"}),
        ("POST", f"/bookings/{booking['id']}/cancel", None),
    ]
    for method, path, body in requests:
        response = client.request(method, f"{API}{path}", json=body, headers=headers)
        assert response.status_code == 404, (method, path, response.text)
    slots = client.get(
        f"{API}/availability", params={"service_id": shop.service_id, "date": shop.day.isoformat()}, headers=headers
    )
    assert slots.status_code == 404

    for path in ("/services", "/staff", "/bookings"):
        listed = client.get(f"{API}{path}", headers=headers).json()
        assert (listed["items"] if path == "/bookings" else listed) == []

    # Nothing changed for the owner.
    mine = client.get(f"{API}/bookings/{booking['id']}", headers=shop.tenant.headers).json()
    assert (mine["status"], mine["notes"]) == ("confirmed", "")
    week_now = client.get(f"{API}/staff/{shop.staff_id}/availability", headers=shop.tenant.headers).json()
    assert len(week_now["rules"]) == 7


def test_other_tenant_cannot_book_this_tenants_staff_service_or_contact(
    client: TestClient, runtime: Runtime, shop: Shop, other_tenant: TenantHandle
) -> None:
    theirs = open_shop(client, runtime, other_tenant)
    headers = other_tenant.headers
    mixes = [
        theirs.booking("10:00", service_id=shop.service_id),
        theirs.booking("10:00", staff_id=shop.staff_id),
        theirs.booking("10:00", contact_id=shop.contact_id),
        {**shop.booking("10:00")},
    ]
    for body in mixes:
        response = client.post(f"{API}/bookings", json=body, headers=headers)
        assert response.status_code == 404, (body, response.text)
    # Nor attach this tenant's service to their own staff: to them it does not exist.
    attach = client.patch(f"{API}/staff/{theirs.staff_id}", json={"service_ids": [shop.service_id]}, headers=headers)
    assert attach.status_code == 404
    # Their own booking still works, and this tenant does not see it.
    booked = client.post(f"{API}/bookings", json=theirs.booking("10:00"), headers=headers)
    assert booked.status_code == 201, booked.text
    assert client.get(f"{API}/bookings/{booked.json()['id']}", headers=shop.tenant.headers).status_code == 404
    # Same wall-clock slot for a different tenant is not a conflict.
    assert client.post(f"{API}/bookings", json=shop.booking("10:00"), headers=shop.tenant.headers).status_code == 201


def test_reschedule_cannot_move_a_booking_to_another_tenants_staff(
    client: TestClient, runtime: Runtime, shop: Shop, other_tenant: TenantHandle
) -> None:
    theirs = open_shop(client, runtime, other_tenant)
    booking = client.post(f"{API}/bookings", json=shop.booking("10:00"), headers=shop.tenant.headers).json()
    moved = client.patch(
        f"{API}/bookings/{booking['id']}", json={"staff_id": theirs.staff_id}, headers=shop.tenant.headers
    )
    assert moved.status_code == 404
