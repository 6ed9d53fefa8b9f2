"""Specification: weekly working hours, date exceptions and free slots (including DST days)."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from engium.runtime import Runtime
from tests.bookings.conftest import (
    API,
    Shop,
    create_service,
    create_staff,
    future_weekday,
    set_week,
    slots,
)
from tests.conftest import TenantHandle, make_tenant

NEW_YORK = ZoneInfo("America/New_York")


def _nth_sunday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))


def test_put_replaces_the_week_and_get_returns_it(client: TestClient, shop: Shop) -> None:
    url = f"{API}/staff/{shop.staff_id}/availability"
    week = [
        {"weekday": 0, "start_time": "13:00", "end_time": "17:00"},
        {"weekday": 0, "start_time": "09:00", "end_time": "12:00"},
        {"weekday": 4, "start_time": "10:00", "end_time": "14:30"},
    ]
    response = client.put(url, json={"rules": week}, headers=shop.tenant.headers)
    assert response.status_code == 200, response.text
    got = client.get(url, headers=shop.tenant.headers).json()
    assert got["staff_id"] == shop.staff_id
    assert got["rules"] == [
        {"weekday": 0, "start_time": "09:00:00", "end_time": "12:00:00"},
        {"weekday": 0, "start_time": "13:00:00", "end_time": "17:00:00"},
        {"weekday": 4, "start_time": "10:00:00", "end_time": "14:30:00"},
    ]
    assert client.put(url, json={"rules": []}, headers=shop.tenant.headers).json()["rules"] == []
    assert slots(client, shop.tenant, shop.service_id, shop.day) == []


def test_overlapping_or_invalid_windows_are_rejected(client: TestClient, shop: Shop) -> None:
    url = f"{API}/staff/{shop.staff_id}/availability"
    for rules in (
        [
            {"weekday": 1, "start_time": "09:00", "end_time": "12:00"},
            {"weekday": 1, "start_time": "11:00", "end_time": "15:00"},
        ],
        [{"weekday": 1, "start_time": "12:00", "end_time": "09:00"}],
        [{"weekday": 1, "start_time": "09:00", "end_time": "09:00"}],
        [{"weekday": 7, "start_time": "09:00", "end_time": "10:00"}],
        [{"weekday": 1, "start_time": "25:00", "end_time": "26:00"}],
        [{"weekday": 1, "start_time": "09:00:30", "end_time": "10:00"}],
        [{"weekday": 1, "start_time": "09:00+02:00", "end_time": "10:00"}],
    ):
        response = client.put(url, json={"rules": rules}, headers=shop.tenant.headers)
        assert response.status_code == 422, (rules, response.text)
    overlap = client.put(
        url,
        json={
            "rules": [
                {"weekday": 1, "start_time": "09:00", "end_time": "12:00"},
                {"weekday": 1, "start_time": "11:00", "end_time": "15:00"},
            ]
        },
        headers=shop.tenant.headers,
    )
    assert "overlaps" in overlap.text
    # The earlier week is untouched by the refused updates.
    assert len(client.get(url, headers=shop.tenant.headers).json()["rules"]) == 7


def test_slots_follow_working_hours_on_a_grid(client: TestClient, shop: Shop) -> None:
    found = slots(client, shop.tenant, shop.service_id, shop.day)
    starts = [s["starts_at"] for s in found]
    assert starts[0] == shop.at("09:00")
    assert starts[1] == shop.at("09:15")
    assert starts[-1] == shop.at("16:30")
    assert len(found) == (8 * 60 - 30) // 15 + 1
    assert {s["staff_id"] for s in found} == {shop.staff_id}
    first = found[0]
    assert datetime.fromisoformat(first["ends_at"]) - datetime.fromisoformat(first["starts_at"]) == timedelta(
        minutes=30
    )


def test_short_services_use_their_own_duration_as_the_grid(client: TestClient, tenant: TenantHandle) -> None:
    service = create_service(client, tenant, duration_minutes=10)
    staff = create_staff(client, tenant, [service["id"]])
    set_week(client, tenant, staff["id"], [{"weekday": 0, "start_time": "09:00", "end_time": "10:00"}])
    found = slots(client, tenant, service["id"], future_weekday(0))
    assert [s["starts_at"][11:16] for s in found] == ["09:00", "09:10", "09:20", "09:30", "09:40", "09:50"]


def test_exceptions_close_block_and_open_hours(client: TestClient, shop: Shop) -> None:
    url = f"{API}/staff/{shop.staff_id}/availability-exceptions"
    headers = shop.tenant.headers
    day_off, blocked, extra = shop.day, shop.day + timedelta(days=1), shop.day + timedelta(days=2)

    closed = client.post(
        url, json={"on_date": day_off.isoformat(), "kind": "closed", "note": "Holiday"}, headers=headers
    )
    assert closed.status_code == 201, closed.text
    assert slots(client, shop.tenant, shop.service_id, day_off) == []

    lunch = {"on_date": blocked.isoformat(), "kind": "closed", "start_time": "12:00", "end_time": "13:00"}
    assert client.post(url, json=lunch, headers=headers).status_code == 201
    starts = [s["starts_at"][11:16] for s in slots(client, shop.tenant, shop.service_id, blocked)]
    assert "11:30" in starts
    assert "13:00" in starts
    assert not {"11:45", "12:00", "12:30"} & set(starts)

    evening = {"on_date": extra.isoformat(), "kind": "open", "start_time": "17:00", "end_time": "19:00"}
    assert client.post(url, json=evening, headers=headers).status_code == 201
    starts = [s["starts_at"][11:16] for s in slots(client, shop.tenant, shop.service_id, extra)]
    assert "16:45" in starts
    assert starts[-1] == "18:30"

    listed = client.get(url, headers=headers).json()
    assert [e["on_date"] for e in listed] == [day_off.isoformat(), blocked.isoformat(), extra.isoformat()]
    assert listed[0]["start_time"] is None
    assert listed[0]["note"] == "Holiday"
    only = client.get(url, params={"from": blocked.isoformat(), "to": blocked.isoformat()}, headers=headers)
    assert [e["kind"] for e in only.json()] == ["closed"]

    assert client.delete(f"{url}/{closed.json()['id']}", headers=headers).status_code == 204
    assert len(slots(client, shop.tenant, shop.service_id, day_off)) == 31
    assert client.delete(f"{url}/{closed.json()['id']}", headers=headers).status_code == 404


def test_invalid_exceptions_are_rejected(client: TestClient, shop: Shop) -> None:
    url = f"{API}/staff/{shop.staff_id}/availability-exceptions"
    day = shop.day.isoformat()
    for bad in (
        {"on_date": day, "kind": "open"},
        {"on_date": day, "kind": "closed", "start_time": "10:00"},
        {"on_date": day, "kind": "open", "start_time": "10:00", "end_time": "09:00"},
        {"on_date": day, "kind": "sometimes"},
        {"on_date": "not-a-date", "kind": "closed"},
    ):
        response = client.post(url, json=bad, headers=shop.tenant.headers)
        assert response.status_code == 422, (bad, response.text)


def test_slots_skip_booked_and_past_times(client: TestClient, shop: Shop) -> None:
    booked = client.post(f"{API}/bookings", json=shop.booking("10:00"), headers=shop.tenant.headers)
    assert booked.status_code == 201, booked.text
    starts = {s["starts_at"][11:16] for s in slots(client, shop.tenant, shop.service_id, shop.day)}
    assert not {"09:45", "10:00", "10:15"} & starts
    assert {"09:30", "10:30"} <= starts
    yesterday = date.today() - timedelta(days=1)
    assert slots(client, shop.tenant, shop.service_id, yesterday) == []


def test_slot_queries_are_validated(client: TestClient, shop: Shop, tenant: TenantHandle) -> None:
    headers = shop.tenant.headers
    params = {"service_id": shop.service_id, "date": shop.day.isoformat()}
    impossible = client.get(f"{API}/availability", params={**params, "date": "2030-02-30"}, headers=headers)
    assert impossible.status_code == 422
    assert client.get(f"{API}/availability", params={"date": shop.day.isoformat()}, headers=headers).status_code == 422
    missing = client.get(f"{API}/availability", params={**params, "service_id": shop.staff_id}, headers=headers)
    assert missing.status_code == 404
    far = client.get(f"{API}/availability", params={**params, "date": "9999-12-31"}, headers=headers)
    assert far.status_code == 422
    not_offered = create_staff(client, tenant, [])
    response = client.get(f"{API}/availability", params={**params, "staff_id": not_offered["id"]}, headers=headers)
    assert response.status_code == 422
    assert "does not offer" in response.json()["error"]["message"]


def test_slots_are_in_the_tenant_zone_across_spring_forward(client: TestClient, runtime: Runtime) -> None:
    tenant = make_tenant(runtime, timezone="America/New_York")
    service = create_service(client, tenant, duration_minutes=60)
    staff = create_staff(client, tenant, [service["id"]])
    set_week(client, tenant, staff["id"], [{"weekday": 6, "start_time": "00:00", "end_time": "06:00"}])
    spring = _nth_sunday(date.today().year + 1, 3, 2)  # US DST starts: 02:00 EST -> 03:00 EDT

    found = slots(client, tenant, service["id"], spring)
    starts = [datetime.fromisoformat(s["starts_at"]) for s in found]
    local = [f"{s:%H:%M%z}" for s in starts]
    # Only five real hours exist between local midnight and 06:00, and 02:xx never happens.
    assert len(found) == (5 * 60 - 60) // 15 + 1
    assert local[:2] == ["00:00-0500", "00:15-0500"]
    assert "01:45-0500" in local
    assert "03:00-0400" in local
    assert not [s for s in local if s.startswith("02:")]
    assert local[-1] == "05:00-0400"
    # Evenly spaced in real time, and each slot is exactly one real hour.
    assert all(b - a == timedelta(minutes=15) for a, b in itertools.pairwise(starts))
    straddling = next(s for s in found if s["starts_at"].startswith(f"{spring.isoformat()}T01:30"))
    assert straddling["ends_at"] == f"{spring.isoformat()}T03:30:00-04:00"


def test_slots_are_in_the_tenant_zone_across_fall_back(client: TestClient, runtime: Runtime) -> None:
    tenant = make_tenant(runtime, timezone="America/New_York")
    service = create_service(client, tenant, duration_minutes=60)
    staff = create_staff(client, tenant, [service["id"]])
    set_week(client, tenant, staff["id"], [{"weekday": 6, "start_time": "00:00", "end_time": "06:00"}])
    autumn = _nth_sunday(date.today().year + 1, 11, 1)  # US DST ends: 02:00 EDT -> 01:00 EST

    found = slots(client, tenant, service["id"], autumn)
    local = [f"{datetime.fromisoformat(s['starts_at']):%H:%M%z}" for s in found]
    assert len(found) == (7 * 60 - 60) // 15 + 1  # the 01:00 hour happens twice
    assert "01:15-0400" in local
    assert "01:15-0500" in local
    assert local[0] == "00:00-0400"
    assert local[-1] == "05:00-0500"


def test_a_summer_day_in_new_york_is_reported_with_its_offset(client: TestClient, runtime: Runtime) -> None:
    tenant = make_tenant(runtime, timezone="America/New_York")
    service = create_service(client, tenant, duration_minutes=30)
    staff = create_staff(client, tenant, [service["id"]])
    set_week(client, tenant, staff["id"], [{"weekday": 2, "start_time": "09:00", "end_time": "10:00"}])
    july = date(date.today().year + 1, 7, 1)
    july += timedelta(days=(2 - july.weekday()) % 7)
    found = slots(client, tenant, service["id"], july)
    assert found[0]["starts_at"] == f"{july.isoformat()}T09:00:00-04:00"
    assert datetime.fromisoformat(found[0]["starts_at"]).astimezone(NEW_YORK).hour == 9
