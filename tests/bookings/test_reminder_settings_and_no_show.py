"""Reminder timing and the no-show policy per business, and marking a no-show (ADR 0042), through the API.

Timing is read and changed by the business (audited); nonsense is refused with a message. A no-show can be
marked only on the business's own confirmed booking once its start has passed; it is audited and emitted
as ``booking.no_show``. Another business's booking is not found.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from engium.bookings.models import Booking
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.bookings.conftest import API, Shop
from tests.conftest import TenantHandle, audit_events
from tests.web.forms import page_token, sign_in
from tests.web.members import owner_of

SETTINGS = f"{API}/booking-reminders/settings"


def past_booking(runtime: Runtime, shop: Shop, *, status: str = "confirmed") -> str:
    """A booking that started an hour ago (the API refuses to create one in the past)."""
    starts = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=1)
    booking_id = uuid.uuid4()
    with tenant_transaction(runtime.database, shop.tenant.id) as session:
        session.add(Booking(tenant_id=shop.tenant.id, id=booking_id, service_id=uuid.UUID(shop.service_id),
                            staff_id=uuid.UUID(shop.staff_id), contact_id=uuid.UUID(shop.contact_id),
                            starts_at=starts, ends_at=starts + timedelta(minutes=30), status=status,
                            cancelled_at=starts if status == "cancelled" else None))
    return str(booking_id)


def test_reminders_default_to_24_hours_before_and_can_be_changed(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    assert client.get(SETTINGS, headers=tenant.headers).json() == {
        "reminders_enabled": True, "hours_before": 24, "no_show_policy": ""}

    changed = client.patch(SETTINGS, headers=tenant.headers,
                           json={"hours_before": 2.0, "no_show_policy": "  A missed visit costs half.  "})

    assert changed.status_code == 200, changed.text
    assert changed.json() == {"reminders_enabled": True, "hours_before": 2,
                              "no_show_policy": "A missed visit costs half."}
    assert client.get(SETTINGS, headers=tenant.headers).json()["hours_before"] == 2
    [event] = [e for e in audit_events(runtime, tenant) if e["action"] == "booking.reminder_settings_updated"]
    assert event["details"] == {"fields": ["hours_before", "no_show_policy"], "hours_before": 2,
                                "reminders_enabled": True}
    # The same values again change nothing and record nothing.
    client.patch(SETTINGS, headers=tenant.headers, json={"hours_before": 2})
    assert len([e for e in audit_events(runtime, tenant) if e["action"] == "booking.reminder_settings_updated"]) == 1


@pytest.mark.parametrize(("body", "words"), [
    ({"hours_before": 0}, "greater than or equal to 1"),
    ({"hours_before": 337}, "less than or equal to 336"),
    ({"hours_before": -5}, "greater than or equal to 1"),
    ({"hours_before": "24"}, "give a number"),
    ({"hours_before": True}, "give a number"),
    ({"hours_before": 2.5}, "valid integer"),
    ({"reminders_enabled": "yes"}, "valid boolean"),
    ({"no_show_policy": "x" * 1001}, "at most 1000 characters"),
    ({"minutes_before": 30}, "Extra inputs are not permitted"),
])
def test_bad_reminder_settings_are_refused_with_a_message(
    client: TestClient, tenant: TenantHandle, body: dict[str, Any], words: str
) -> None:
    response = client.patch(SETTINGS, headers=tenant.headers, json=body)
    assert response.status_code == 422
    assert words in response.text
    assert client.get(SETTINGS, headers=tenant.headers).json()["hours_before"] == 24


def test_a_past_booking_is_marked_a_no_show_once(client: TestClient, runtime: Runtime, shop: Shop) -> None:
    booking_id = past_booking(runtime, shop)

    marked = client.post(f"{API}/bookings/{booking_id}/no-show", headers=shop.tenant.headers)
    again = client.post(f"{API}/bookings/{booking_id}/no-show", headers=shop.tenant.headers)

    assert marked.status_code == 200, marked.text
    assert marked.json()["status"] == "no_show"
    assert marked.json()["no_show_at"] is not None
    assert again.json() == marked.json()
    [event] = [e for e in audit_events(runtime, shop.tenant) if e["action"] == "booking.no_show"]
    assert event["details"]["booking_id"] == booking_id
    assert event["details"]["to"] == "no_show"
    listed = client.get(f"{API}/bookings", params={"status": "no_show"}, headers=shop.tenant.headers).json()
    assert [b["id"] for b in listed["items"]] == [booking_id]


def test_a_booking_that_has_not_started_or_was_cancelled_is_not_a_no_show(
    client: TestClient, runtime: Runtime, shop: Shop
) -> None:
    future = client.post(f"{API}/bookings", json=shop.booking("10:00"), headers=shop.tenant.headers).json()
    refused = client.post(f"{API}/bookings/{future['id']}/no-show", headers=shop.tenant.headers)
    assert refused.status_code == 409
    assert "has not started yet" in refused.json()["error"]["message"]

    cancelled = past_booking(runtime, shop, status="cancelled")
    refused = client.post(f"{API}/bookings/{cancelled}/no-show", headers=shop.tenant.headers)
    assert refused.status_code == 409
    assert "cancelled booking" in refused.json()["error"]["message"]


def test_another_businesss_booking_cannot_be_marked(
    client: TestClient, runtime: Runtime, shop: Shop, other_tenant: TenantHandle
) -> None:
    booking_id = past_booking(runtime, shop)
    response = client.post(f"{API}/bookings/{booking_id}/no-show", headers=other_tenant.headers)
    assert response.status_code == 404
    shown = client.get(f"{API}/bookings/{booking_id}", headers=shop.tenant.headers).json()
    assert shown["status"] == "confirmed"


def test_reminder_settings_are_the_businesss_own(
    client: TestClient, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    client.patch(SETTINGS, headers=tenant.headers, json={"hours_before": 72})
    assert client.get(SETTINGS, headers=other_tenant.headers).json()["hours_before"] == 24


def test_the_staff_app_marks_a_started_booking_as_a_no_show(client: TestClient, runtime: Runtime, shop: Shop) -> None:
    booking_id = past_booking(runtime, shop)
    sign_in(client, owner_of(shop.tenant))
    page = client.get(f"/bookings/{booking_id}")
    assert f'action="/bookings/{booking_id}/no-show"' in page.text
    token = page_token(client, f"/bookings/{booking_id}")

    marked = client.post(f"/bookings/{booking_id}/no-show", data={"csrf_token": token}, follow_redirects=True)

    assert marked.status_code == 200
    assert "Marked as a no-show." in marked.text
    assert "No-show" in marked.text
    assert client.get(f"{API}/bookings/{booking_id}", headers=shop.tenant.headers).json()["status"] == "no_show"


def test_the_staff_app_offers_no_no_show_before_the_start(client: TestClient, shop: Shop) -> None:
    future = client.post(f"{API}/bookings", json=shop.booking("10:00"), headers=shop.tenant.headers).json()
    sign_in(client, owner_of(shop.tenant))
    page = client.get(f"/bookings/{future['id']}")
    assert page.status_code == 200
    assert "/no-show" not in page.text
