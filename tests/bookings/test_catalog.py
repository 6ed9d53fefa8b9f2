"""Specification: the service catalogue and staff."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from engium.access.permissions import Role
from engium.runtime import Runtime
from tests.bookings.conftest import API, Shop, create_service, create_staff
from tests.conftest import TenantHandle, bearer, make_api_key


def test_a_service_is_created_read_listed_updated_and_deleted(client: TestClient, tenant: TenantHandle) -> None:
    created = create_service(
        client,
        tenant,
        name="Colour",
        description="Full colour",
        duration_minutes=90,
        price_cents=8500,
        currency="EUR",
    )
    assert created["active"] is True
    assert (created["duration_minutes"], created["price_cents"], created["currency"]) == (90, 8500, "EUR")

    fetched = client.get(f"{API}/services/{created['id']}", headers=tenant.headers).json()
    assert fetched == created
    assert [s["name"] for s in client.get(f"{API}/services", headers=tenant.headers).json()] == ["Colour"]

    patched = client.patch(
        f"{API}/services/{created['id']}", json={"active": False, "price_cents": None}, headers=tenant.headers
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["active"] is False
    assert patched.json()["price_cents"] is None
    assert client.get(f"{API}/services?active=true", headers=tenant.headers).json() == []

    assert client.delete(f"{API}/services/{created['id']}", headers=tenant.headers).status_code == 204
    assert client.get(f"{API}/services/{created['id']}", headers=tenant.headers).status_code == 404


def test_service_input_is_validated(client: TestClient, tenant: TenantHandle) -> None:
    for bad in (
        {"name": "Short", "duration_minutes": 4},
        {"name": "Long", "duration_minutes": 1441},
        {"name": "Lower", "duration_minutes": 30, "currency": "usd"},
        {"name": "Negative", "duration_minutes": 30, "price_cents": -1},
        {"name": "", "duration_minutes": 30},
        {"name": "Extra", "duration_minutes": 30, "tenant_id": str(uuid.uuid4())},
    ):
        response = client.post(f"{API}/services", json=bad, headers=tenant.headers)
        assert response.status_code == 422, (bad, response.text)
        assert response.json()["error"]["code"] == "invalid"
    service = create_service(client, tenant)
    response = client.patch(f"{API}/services/{service['id']}", json={"name": None}, headers=tenant.headers)
    assert response.status_code == 422


def test_service_names_are_unique_within_a_tenant(client: TestClient, tenant: TenantHandle) -> None:
    first = create_service(client, tenant, name="Trim")
    response = client.post(f"{API}/services", json={"name": "Trim", "duration_minutes": 15}, headers=tenant.headers)
    assert response.status_code == 409
    assert "Trim" in response.json()["error"]["message"]
    other = create_service(client, tenant, name="Shave")
    renamed = client.patch(f"{API}/services/{other['id']}", json={"name": "Trim"}, headers=tenant.headers)
    assert renamed.status_code == 409
    same = client.patch(f"{API}/services/{first['id']}", json={"name": "Trim"}, headers=tenant.headers)
    assert same.status_code == 200


def test_a_booked_service_cannot_be_deleted_but_can_be_retired(client: TestClient, shop: Shop) -> None:
    booked = client.post(f"{API}/bookings", json=shop.booking("10:00"), headers=shop.tenant.headers)
    assert booked.status_code == 201, booked.text
    response = client.delete(f"{API}/services/{shop.service_id}", headers=shop.tenant.headers)
    assert response.status_code == 409
    assert "active to false" in response.json()["error"]["message"]
    staff_delete = client.delete(f"{API}/staff/{shop.staff_id}", headers=shop.tenant.headers)
    assert staff_delete.status_code == 409
    retired = client.patch(f"{API}/services/{shop.service_id}", json={"active": False}, headers=shop.tenant.headers)
    assert retired.status_code == 200


def test_staff_are_created_with_the_services_they_offer(client: TestClient, tenant: TenantHandle) -> None:
    cut, colour = create_service(client, tenant), create_service(client, tenant)
    staff = create_staff(client, tenant, [cut["id"], cut["id"]], name="Alex", email="alex@example.com")
    assert staff["service_ids"] == [cut["id"]]
    assert (staff["name"], staff["email"], staff["active"]) == ("Alex", "alex@example.com", True)

    patched = client.patch(
        f"{API}/staff/{staff['id']}", json={"service_ids": [colour["id"]], "email": None}, headers=tenant.headers
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["service_ids"] == [colour["id"]]
    assert patched.json()["email"] is None
    assert client.get(f"{API}/staff/{staff['id']}", headers=tenant.headers).json() == patched.json()
    assert [s["id"] for s in client.get(f"{API}/staff", headers=tenant.headers).json()] == [staff["id"]]

    assert client.delete(f"{API}/staff/{staff['id']}", headers=tenant.headers).status_code == 204
    assert client.get(f"{API}/staff/{staff['id']}", headers=tenant.headers).status_code == 404
    # Deleting a service simply removes it from what staff offer.
    other = create_staff(client, tenant, [colour["id"]])
    assert client.delete(f"{API}/services/{colour['id']}", headers=tenant.headers).status_code == 204
    assert client.get(f"{API}/staff/{other['id']}", headers=tenant.headers).json()["service_ids"] == []


def test_staff_input_is_validated(client: TestClient, tenant: TenantHandle) -> None:
    unknown = str(uuid.uuid4())
    response = client.post(f"{API}/staff", json={"name": "Kim", "service_ids": [unknown]}, headers=tenant.headers)
    assert response.status_code == 404
    assert response.json()["error"]["details"] == {"service_ids": [unknown]}
    assert client.post(f"{API}/staff", json={"name": "Kim", "email": "nope"}, headers=tenant.headers).status_code == 422
    assert client.post(f"{API}/staff", json={"name": ""}, headers=tenant.headers).status_code == 422
    assert client.get(f"{API}/staff/not-a-uuid", headers=tenant.headers).status_code == 404  # can name nothing


def test_catalog_changes_need_catalog_write(client: TestClient, runtime: Runtime, tenant: TenantHandle) -> None:
    agent = bearer(make_api_key(runtime, tenant, Role.AGENT))
    assert client.get(f"{API}/services", headers=agent).status_code == 200
    denied = client.post(f"{API}/services", json={"name": "X", "duration_minutes": 30}, headers=agent)
    assert denied.status_code == 403
    assert client.post(f"{API}/staff", json={"name": "X"}, headers=agent).status_code == 403
    assert client.get(f"{API}/services").status_code == 401
