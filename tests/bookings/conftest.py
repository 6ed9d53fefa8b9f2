"""Builders for bookings tests: a service, a staff member who offers it, working hours and a contact."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from engium.conversations.models import Contact
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import TenantHandle

API = "/api/v1"
EVERY_DAY_9_TO_5 = [{"weekday": d, "start_time": "09:00", "end_time": "17:00"} for d in range(7)]


def future_weekday(weekday: int, weeks_ahead: int = 1) -> date:
    """A date with this weekday at least a week from now, so 'not in the past' never flakes."""
    today = date.today()
    return today + timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)


def add_contact(runtime: Runtime, tenant: TenantHandle, name: str = "Ada Customer") -> uuid.UUID:
    # Inserted directly: the contacts API is written separately and is not under test here.
    contact_id = uuid.uuid4()
    with tenant_transaction(runtime.database, tenant.id) as s:
        s.add(Contact(tenant_id=tenant.id, id=contact_id, name=name, phone=f"+1555{uuid.uuid4().int % 10**7:07d}"))
    return contact_id


def create_service(client: TestClient, tenant: TenantHandle, **fields: Any) -> dict[str, Any]:
    body = {"name": f"Haircut {uuid.uuid4().hex[:6]}", "duration_minutes": 30, **fields}
    response = client.post(f"{API}/services", json=body, headers=tenant.headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def create_staff(client: TestClient, tenant: TenantHandle, service_ids: list[str], **fields: Any) -> dict[str, Any]:
    body = {"name": f"Sam {uuid.uuid4().hex[:6]}", "service_ids": service_ids, **fields}
    response = client.post(f"{API}/staff", json=body, headers=tenant.headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def set_week(client: TestClient, tenant: TenantHandle, staff_id: str, rules: list[dict[str, Any]]) -> None:
    response = client.put(f"{API}/staff/{staff_id}/availability", json={"rules": rules}, headers=tenant.headers)
    assert response.status_code == 200, response.text


def slots(
    client: TestClient, tenant: TenantHandle, service_id: str, day: date, staff_id: str | None = None
) -> list[dict[str, Any]]:
    params = {"service_id": service_id, "date": day.isoformat()}
    if staff_id is not None:
        params["staff_id"] = staff_id
    response = client.get(f"{API}/availability", params=params, headers=tenant.headers)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["slots"]
    return found


@dataclass(frozen=True)
class Shop:
    """A tenant with one 30-minute service, one staff member working 09:00-17:00 daily, and a contact."""

    tenant: TenantHandle
    service_id: str
    staff_id: str
    contact_id: str
    day: date

    def at(self, clock: str) -> str:
        """An ISO start time on ``day`` in UTC (the default tenant zone)."""
        return f"{self.day.isoformat()}T{clock}:00Z"

    def booking(self, clock: str, **fields: Any) -> dict[str, Any]:
        return {
            "service_id": self.service_id,
            "staff_id": self.staff_id,
            "contact_id": self.contact_id,
            "starts_at": self.at(clock),
            **fields,
        }


def open_shop(client: TestClient, runtime: Runtime, tenant: TenantHandle) -> Shop:
    service = create_service(client, tenant)
    staff = create_staff(client, tenant, [service["id"]])
    set_week(client, tenant, staff["id"], EVERY_DAY_9_TO_5)
    contact_id = add_contact(runtime, tenant)
    return Shop(tenant, service["id"], staff["id"], str(contact_id), future_weekday(0))


@pytest.fixture
def shop(client: TestClient, runtime: Runtime, tenant: TenantHandle) -> Shop:
    return open_shop(client, runtime, tenant)
