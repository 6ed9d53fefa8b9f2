"""Specification: creating, listing, cancelling and rescheduling bookings."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from fastapi.testclient import TestClient

from engium.runtime import Runtime
from tests.bookings.conftest import API, Shop, add_contact, create_service, create_staff, set_week, slots
from tests.conftest import make_tenant


def _post(client: TestClient, shop: Shop, body: dict[str, object]) -> tuple[int, dict[str, object]]:
    response = client.post(f"{API}/bookings", json=body, headers=shop.tenant.headers)
    return response.status_code, response.json()


def _message(body: dict[str, object]) -> str:
    error = body["error"]
    assert isinstance(error, dict)
    return str(error["message"])


def test_a_booking_takes_the_service_duration(client: TestClient, shop: Shop) -> None:
    status, body = _post(client, shop, shop.booking("10:00", notes="First visit"))
    assert status == 201, body
    assert body["starts_at"] == shop.at("10:00")
    assert body["ends_at"] == shop.at("10:30")
    assert (body["status"], body["notes"], body["cancelled_at"]) == ("confirmed", "First visit", None)
    fetched = client.get(f"{API}/bookings/{body['id']}", headers=shop.tenant.headers)
    assert fetched.json() == body


def test_any_offset_is_accepted_and_normalised_to_the_tenant_zone(client: TestClient, shop: Shop) -> None:
    status, body = _post(client, shop, {**shop.booking("10:00"), "starts_at": f"{shop.day}T12:00:00+02:00"})
    assert status == 201, body
    assert body["starts_at"] == shop.at("10:00")


def test_overlapping_bookings_are_refused_with_409(client: TestClient, shop: Shop) -> None:
    assert _post(client, shop, shop.booking("10:00"))[0] == 201
    for clock in ("10:00", "09:45", "10:15"):
        status, body = _post(client, shop, shop.booking(clock))
        assert status == 409, (clock, body)
        assert _message(body) == "That time slot is no longer available"
    assert _post(client, shop, shop.booking("10:30"))[0] == 201  # back-to-back is fine
    assert _post(client, shop, shop.booking("09:30"))[0] == 201


def test_booking_validation_errors_are_clear_4xx(client: TestClient, runtime: Runtime, shop: Shop) -> None:
    headers = shop.tenant.headers
    cases: list[tuple[dict[str, object], int, str]] = [
        (shop.booking("08:30"), 422, "outside the staff member's working hours"),
        (shop.booking("16:45"), 422, "outside"),  # would end 17:15
        (shop.booking("10:00", contact_id=str(uuid.uuid4())), 404, "Contact not found"),
        (shop.booking("10:00", service_id=str(uuid.uuid4())), 404, "Service not found"),
        (shop.booking("10:00", staff_id=str(uuid.uuid4())), 404, "Staff member not found"),
        ({**shop.booking("10:00"), "starts_at": f"{shop.day}T10:00:00"}, 422, "validation"),
        ({**shop.booking("10:00"), "starts_at": f"{shop.day}T10:00:30Z"}, 422, "whole minute"),
        ({**shop.booking("10:00"), "starts_at": "9999-12-31T23:30:00Z"}, 422, "years"),
        ({**shop.booking("10:00"), "starts_at": "2020-01-06T10:00:00Z"}, 422, "in the past"),
        ({**shop.booking("10:00"), "surprise": True}, 422, "validation"),
    ]
    for body, expected, fragment in cases:
        response = client.post(f"{API}/bookings", json=body, headers=headers)
        assert response.status_code == expected, (body, response.text)
        assert fragment in response.json()["error"]["message"], response.text

    other_service = create_service(client, shop.tenant)
    response = client.post(
        f"{API}/bookings", json=shop.booking("10:00", service_id=other_service["id"]), headers=headers
    )
    assert response.status_code == 422
    assert "does not offer" in response.json()["error"]["message"]

    client.patch(f"{API}/staff/{shop.staff_id}", json={"active": False}, headers=headers)
    response = client.post(f"{API}/bookings", json=shop.booking("10:00"), headers=headers)
    assert response.status_code == 422
    assert "not active" in response.json()["error"]["message"]
    client.patch(f"{API}/staff/{shop.staff_id}", json={"active": True}, headers=headers)

    client.patch(f"{API}/services/{shop.service_id}", json={"active": False}, headers=headers)
    response = client.post(f"{API}/bookings", json=shop.booking("10:00"), headers=headers)
    assert response.status_code == 422
    assert "not active" in response.json()["error"]["message"]


def test_a_closed_exception_blocks_booking(client: TestClient, shop: Shop) -> None:
    client.post(
        f"{API}/staff/{shop.staff_id}/availability-exceptions",
        json={"on_date": shop.day.isoformat(), "kind": "closed", "start_time": "10:00", "end_time": "11:00"},
        headers=shop.tenant.headers,
    )
    assert _post(client, shop, shop.booking("10:30"))[0] == 422
    assert _post(client, shop, shop.booking("11:00"))[0] == 201


def test_without_staff_id_any_free_staff_member_is_chosen(client: TestClient, shop: Shop) -> None:
    second = create_staff(client, shop.tenant, [shop.service_id], name="Zed")
    set_week(client, shop.tenant, second["id"], [{"weekday": 0, "start_time": "09:00", "end_time": "12:00"}])
    create_staff(client, shop.tenant, [shop.service_id], name="Idle", active=False)
    chosen: list[str] = []
    for _ in range(2):
        status, body = _post(client, shop, {**shop.booking("10:00"), "staff_id": None})
        assert status == 201, body
        chosen.append(str(body["staff_id"]))
    assert sorted(chosen) == sorted([shop.staff_id, second["id"]])
    status, body = _post(client, shop, {**shop.booking("10:00"), "staff_id": None})
    assert status == 409, body
    status, body = _post(client, shop, {**shop.booking("07:00"), "staff_id": None})
    assert status == 422
    assert "available" in _message(body)


def test_cancelling_frees_the_slot(client: TestClient, shop: Shop) -> None:
    _, booking = _post(client, shop, shop.booking("10:00"))
    assert shop.at("10:00") not in {s["starts_at"] for s in slots(client, shop.tenant, shop.service_id, shop.day)}

    cancelled = client.post(f"{API}/bookings/{booking['id']}/cancel", headers=shop.tenant.headers)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancelled_at"] is not None
    again = client.post(f"{API}/bookings/{booking['id']}/cancel", headers=shop.tenant.headers)
    assert again.json()["cancelled_at"] == cancelled.json()["cancelled_at"]

    assert shop.at("10:00") in {s["starts_at"] for s in slots(client, shop.tenant, shop.service_id, shop.day)}
    assert _post(client, shop, shop.booking("10:00"))[0] == 201
    missing = client.post(f"{API}/bookings/{uuid.uuid4()}/cancel", headers=shop.tenant.headers)
    assert missing.status_code == 404


def test_rescheduling_moves_the_booking_with_the_same_rules(client: TestClient, shop: Shop) -> None:
    headers = shop.tenant.headers
    _, booking = _post(client, shop, shop.booking("10:00"))
    _, blocker = _post(client, shop, shop.booking("14:00"))
    url = f"{API}/bookings/{booking['id']}"

    # Overlapping itself is fine: moving by 15 minutes keeps half the old slot.
    moved = client.patch(url, json={"starts_at": shop.at("10:15")}, headers=headers)
    assert moved.status_code == 200, moved.text
    assert (moved.json()["starts_at"], moved.json()["ends_at"]) == (shop.at("10:15"), shop.at("10:45"))

    taken = client.patch(url, json={"starts_at": shop.at("13:45")}, headers=headers)
    assert taken.status_code == 409
    assert client.patch(url, json={"starts_at": shop.at("18:00")}, headers=headers).status_code == 422
    assert client.get(url, headers=headers).json()["starts_at"] == shop.at("10:15")

    other = create_staff(client, shop.tenant, [shop.service_id])
    set_week(client, shop.tenant, other["id"], [{"weekday": 0, "start_time": "13:00", "end_time": "15:00"}])
    switched = client.patch(url, json={"starts_at": shop.at("14:00"), "staff_id": other["id"]}, headers=headers)
    assert switched.status_code == 200, switched.text
    assert switched.json()["staff_id"] == other["id"]

    noted = client.patch(url, json={"notes": "Bring photos"}, headers=headers)
    assert noted.json()["notes"] == "Bring photos"
    assert noted.json()["starts_at"] == shop.at("14:00")

    client.post(f"{API}/bookings/{blocker['id']}/cancel", headers=headers)
    refused = client.patch(f"{API}/bookings/{blocker['id']}", json={"starts_at": shop.at("11:00")}, headers=headers)
    assert refused.status_code == 409
    assert "cancelled" in refused.json()["error"]["message"]


def test_bookings_are_listed_by_start_with_keyset_pages_and_filters(
    client: TestClient, runtime: Runtime, shop: Shop
) -> None:
    headers = shop.tenant.headers
    second_contact = str(add_contact(runtime, shop.tenant, "Grace"))
    made = [_post(client, shop, shop.booking(clock))[1] for clock in ("15:00", "09:00", "12:00", "10:30")]
    _post(client, shop, shop.booking("16:00", contact_id=second_contact))
    client.post(f"{API}/bookings/{made[0]['id']}/cancel", headers=headers)

    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = client.get(f"{API}/bookings", params=params, headers=headers).json()
        seen += [b["starts_at"][11:16] for b in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["09:00", "10:30", "12:00", "15:00", "16:00"]

    def starts(**params: str) -> list[str]:
        response = client.get(f"{API}/bookings", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return [b["starts_at"][11:16] for b in response.json()["items"]]

    assert starts(status="cancelled") == ["15:00"]
    assert starts(contact_id=second_contact) == ["16:00"]
    assert starts(staff_id=shop.staff_id, status="confirmed") == ["09:00", "10:30", "12:00", "16:00"]
    assert starts(**{"from": shop.at("10:30"), "to": shop.at("15:00")}) == ["10:30", "12:00"]
    bad = client.get(f"{API}/bookings", params={"from": f"{shop.day}T10:00:00"}, headers=headers)
    assert bad.status_code == 422  # naive datetimes are ambiguous
    assert client.get(f"{API}/bookings", params={"cursor": "garbage"}, headers=headers).status_code == 400
    assert client.get(f"{API}/bookings", params={"status": "maybe"}, headers=headers).status_code == 422


def test_bookings_in_new_york_respect_local_hours_across_dst(client: TestClient, runtime: Runtime) -> None:
    tenant = make_tenant(runtime, timezone="America/New_York")
    service = create_service(client, tenant, duration_minutes=60)
    staff = create_staff(client, tenant, [service["id"]])
    set_week(client, tenant, staff["id"], [{"weekday": 6, "start_time": "00:00", "end_time": "06:00"}])
    first = date(date.today().year + 1, 3, 1)
    spring = first + timedelta(days=(6 - first.weekday()) % 7 + 7)
    contact = str(add_contact(runtime, tenant))

    def book(starts_at: str) -> int:
        body = {"service_id": service["id"], "staff_id": staff["id"], "contact_id": contact, "starts_at": starts_at}
        return client.post(f"{API}/bookings", json=body, headers=tenant.headers).status_code

    # 01:30 EST + 1 real hour = 03:30 EDT: inside the window, and then it blocks 03:00 EDT.
    assert book(f"{spring}T01:30:00-05:00") == 201
    assert book(f"{spring}T03:00:00-04:00") == 409
    assert book(f"{spring}T05:00:00-04:00") == 201
    assert book(f"{spring}T04:30:00-04:00") == 409
    assert book(f"{spring}T05:30:00-04:00") == 422  # would end 06:30 local
    listed = client.get(f"{API}/bookings", headers=tenant.headers).json()["items"]
    assert [datetime.fromisoformat(b["ends_at"]).utcoffset() for b in listed] == [timedelta(hours=-4)] * 2
