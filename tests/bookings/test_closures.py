"""Business-wide closures through the API: holidays offer no slot and refuse bookings (409 naming them),
special hours offer only what falls inside them, and every change is audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from engium.access.permissions import Role
from engium.runtime import Runtime
from tests.bookings.conftest import API, Shop, open_shop, slots
from tests.conftest import TenantHandle, audit_events, bearer, make_api_key

CLOSURES = f"{API}/closures"


def add_closure(client: TestClient, tenant: TenantHandle, **fields: Any) -> dict[str, Any]:
    response = client.post(CLOSURES, json=fields, headers=tenant.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def test_a_holiday_offers_no_slot_and_refuses_bookings_naming_it(client: TestClient, shop: Shop) -> None:
    assert slots(client, shop.tenant, shop.service_id, shop.day)
    closure = add_closure(client, shop.tenant, label="Christmas Day", start_date=shop.day.isoformat())
    assert (closure["end_date"], closure["closed_all_day"], closure["opens_at"]) == (shop.day.isoformat(), True, None)

    assert slots(client, shop.tenant, shop.service_id, shop.day) == []
    refused = client.post(f"{API}/bookings", json=shop.booking("10:00"), headers=shop.tenant.headers)
    assert refused.status_code == 409, refused.text
    error = refused.json()["error"]
    assert "Christmas Day" in error["message"]
    assert error["details"] == {"closure_id": closure["id"], "label": "Christmas Day", "date": shop.day.isoformat()}
    # Without a staff member named, the closure is still the reason given (not "slot taken").
    anyone = {k: v for k, v in shop.booking("10:00").items() if k != "staff_id"}
    assert "Christmas Day" in client.post(f"{API}/bookings", json=anyone, headers=shop.tenant.headers).text

    # The next day is untouched; a booking there cannot be moved onto the holiday either.
    next_day = shop.day + timedelta(days=1)
    booked = client.post(f"{API}/bookings", json={**shop.booking("10:00"), "starts_at": f"{next_day}T10:00:00Z"},
                         headers=shop.tenant.headers)
    assert booked.status_code == 201, booked.text
    moved = client.patch(f"{API}/bookings/{booked.json()['id']}", json={"starts_at": shop.at("10:00")},
                         headers=shop.tenant.headers)
    assert moved.status_code == 409
    assert "Christmas Day" in moved.json()["error"]["message"]

    assert client.delete(f"{CLOSURES}/{closure['id']}", headers=shop.tenant.headers).status_code == 204
    assert slots(client, shop.tenant, shop.service_id, shop.day)


def test_special_hours_offer_only_the_slots_inside_them(client: TestClient, shop: Shop) -> None:
    add_closure(client, shop.tenant, label="Christmas Eve", start_date=shop.day.isoformat(),
                opens_at="10:00", closes_at="12:00")
    offered = [s["starts_at"][11:16] for s in slots(client, shop.tenant, shop.service_id, shop.day)]
    assert offered[0] == "10:00"
    assert offered[-1] == "11:30"  # a 30-minute service must end by 12:00
    late = client.post(f"{API}/bookings", json=shop.booking("13:00"), headers=shop.tenant.headers)
    assert late.status_code == 409
    assert late.json()["error"]["message"].endswith("(Christmas Eve) the business is open only 10:00-12:00")
    assert client.post(f"{API}/bookings", json=shop.booking("11:30"), headers=shop.tenant.headers).status_code == 201


def test_a_yearly_closure_and_a_range_close_every_day_they_cover(client: TestClient, shop: Shop) -> None:
    a_year_before = shop.day.replace(year=shop.day.year - 1)
    add_closure(client, shop.tenant, label="Founders' day", start_date=a_year_before.isoformat(),
                repeats_yearly=True)
    assert slots(client, shop.tenant, shop.service_id, shop.day) == []
    later = shop.day + timedelta(days=10)
    add_closure(client, shop.tenant, label="Refit", start_date=later.isoformat(),
                end_date=(later + timedelta(days=2)).isoformat())
    for offset in range(3):
        assert slots(client, shop.tenant, shop.service_id, later + timedelta(days=offset)) == []
    assert slots(client, shop.tenant, shop.service_id, later + timedelta(days=3))
    listed = client.get(CLOSURES, params={"from": later.isoformat()}, headers=shop.tenant.headers).json()
    assert [c["label"] for c in listed] == ["Founders' day", "Refit"]  # the yearly one comes back


def test_closures_are_edited_and_every_change_is_audited(client: TestClient, runtime: Runtime, shop: Shop) -> None:
    closure = add_closure(client, shop.tenant, label="Stocktake", start_date=shop.day.isoformat())
    url = f"{CLOSURES}/{closure['id']}"
    patched = client.patch(url, json={"opens_at": "09:00", "closes_at": "13:00"}, headers=shop.tenant.headers)
    assert patched.status_code == 200, patched.text
    assert (patched.json()["closed_all_day"], patched.json()["closes_at"]) == (False, "13:00:00")
    unchanged = client.patch(url, json={"label": "Stocktake"}, headers=shop.tenant.headers)
    assert unchanged.status_code == 200
    assert client.get(url, headers=shop.tenant.headers).json()["label"] == "Stocktake"
    assert client.delete(url, headers=shop.tenant.headers).status_code == 204
    assert client.get(url, headers=shop.tenant.headers).status_code == 404

    mine = [e for e in audit_events(runtime, shop.tenant) if e["resource_id"] == closure["id"]]
    assert [e["action"] for e in mine] == ["closure.created", "closure.updated", "closure.deleted"]
    assert mine[0]["details"] == {"start_date": shop.day.isoformat(), "end_date": shop.day.isoformat(),
                                  "closed_all_day": True, "repeats_yearly": False}
    assert mine[1]["details"]["fields"] == ["closes_at", "opens_at"]
    assert all(e["resource_type"] == "closure" for e in mine)


@pytest.mark.parametrize(("body", "message"), [
    ({"start_date": "2030-01-02", "end_date": "2030-01-01"}, "end_date 2030-01-01 is before start_date 2030-01-02"),
    ({"start_date": "2030-01-01", "end_date": "2035-01-01"}, "at most 366 days after start_date"),
    ({"start_date": "2030-01-01", "end_date": "2031-01-01", "repeats_yearly": True}, "repeats yearly"),
    ({"start_date": "2030-01-01", "opens_at": "09:00"}, "both opens_at and closes_at"),
    ({"start_date": "2030-01-01", "opens_at": "14:00", "closes_at": "09:00"}, "must be after opens_at"),
    ({"start_date": "10000-01-01"}, "date"),
    ({"start_date": "2030-02-30"}, "date"),
    ({"start_date": "2030-01-01", "label": "   "}, "label"),
    ({"start_date": "2030-01-01", "opens_at": "09:00:30", "closes_at": "10:00"}, "opens_at"),
    ({"start_date": "2030-01-01", "repeats_yearly": "yes"}, "repeats_yearly"),
])
def test_impossible_closures_are_refused_with_a_clear_422(
    client: TestClient, tenant: TenantHandle, body: dict[str, Any], message: str
) -> None:
    response = client.post(CLOSURES, json={"label": "Holiday", **body}, headers=tenant.headers)
    assert response.status_code == 422, response.text
    assert message in response.text
    assert client.get(CLOSURES, headers=tenant.headers).json() == []


def test_an_edit_that_would_make_a_closure_impossible_is_refused(client: TestClient, tenant: TenantHandle) -> None:
    closure = add_closure(client, tenant, label="Refit", start_date="2030-03-10", end_date="2030-03-12")
    url = f"{CLOSURES}/{closure['id']}"
    for body, message in (
        ({"end_date": "2030-03-01"}, "before start_date"),
        ({"start_date": "2029-01-01"}, "at most 366 days"),
        ({"closes_at": "10:00"}, "both opens_at and closes_at"),
        ({"label": None}, "label cannot be null"),
        ({"start_date": "2030-03-10", "colour": "red"}, "colour"),
    ):
        response = client.patch(url, json=body, headers=tenant.headers)
        assert response.status_code == 422, (body, response.text)
        assert message in response.text
    assert client.get(url, headers=tenant.headers).json()["end_date"] == "2030-03-12"


def test_another_tenant_can_neither_see_nor_change_a_closure(
    client: TestClient, runtime: Runtime, shop: Shop, other_tenant: TenantHandle
) -> None:
    closure = add_closure(client, shop.tenant, label="Christmas Day", start_date=shop.day.isoformat())
    url = f"{CLOSURES}/{closure['id']}"
    theirs = other_tenant.headers
    for method, body in (("GET", None), ("PATCH", {"label": "Mallory's"}), ("DELETE", None)):
        assert client.request(method, url, json=body, headers=theirs).status_code == 404, method
    assert client.get(CLOSURES, headers=theirs).json() == []
    day = client.get(f"{API}/opening-hours/day", params={"date": shop.day.isoformat()}, headers=theirs).json()
    assert day["closure"] is None
    # Their own shop is open that day: one tenant's holiday closes nobody else.
    their_shop = open_shop(client, runtime, other_tenant)
    assert slots(client, other_tenant, their_shop.service_id, shop.day)
    assert client.get(url, headers=shop.tenant.headers).json()["label"] == "Christmas Day"


def test_only_members_who_may_change_settings_may_change_closures(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    agent = bearer(make_api_key(runtime, tenant, Role.AGENT))
    refused = client.post(CLOSURES, json={"label": "Holiday", "start_date": "2030-01-01"}, headers=agent)
    assert refused.status_code == 403
    assert client.get(CLOSURES, headers=agent).status_code == 200


def test_opening_hours_nobody_works_are_accepted_with_warnings(
    client: TestClient, runtime: Runtime, shop: Shop
) -> None:
    # The shop's one staff member works 09:00-17:00 every day.
    hours = {"mon": "09:00-17:00", "tue": "09:00-17:00", "wed": "09:00-17:00", "thu": "09:00-20:00",
             "fri": "09:00-17:00", "sat": "10:00-16:00"}
    saved = client.put(f"{API}/opening-hours", json=hours, headers=shop.tenant.headers)
    assert saved.status_code == 200, saved.text
    assert saved.json()["warnings"] == ["Thursday: open 09:00-20:00, but no staff work 17:00-20:00"]
    assert saved.json()["opening_hours"] == {**hours, "sun": "closed"}  # a day left out is closed
    thursday = saved.json()["days"][3]
    assert thursday["open"] == [{"opens": "09:00:00", "closes": "20:00:00"}]
    assert thursday["appointments"] == [{"opens": "09:00:00", "closes": "17:00:00"}]
    check = client.get(f"{API}/opening-hours/check", headers=shop.tenant.headers).json()
    assert check["warnings"] == saved.json()["warnings"]
    settings = client.get(f"{API}/settings", headers=shop.tenant.headers).json()
    assert settings["opening_hours"]["thu"] == "09:00-20:00"
    assert audit_events(runtime, shop.tenant)[-1]["action"] == "setting.updated"

    fixed = client.put(f"{API}/opening-hours", json={**hours, "thu": "09:00-17:00"}, headers=shop.tenant.headers)
    assert fixed.json()["warnings"] == []


@pytest.mark.parametrize(("body", "message"), [
    ({"thu": "20:00-09:00"}, "thu: closing time 09:00 must be after opening time 20:00"),
    ({"thu": "9-5"}, "thu"),
    ({"thursday": "09:00-17:00"}, "thursday"),
    ({"thu": "24:00-25:00"}, "thu"),
])
def test_impossible_opening_hours_are_refused_with_a_clear_422(
    client: TestClient, tenant: TenantHandle, body: dict[str, Any], message: str
) -> None:
    response = client.put(f"{API}/opening-hours", json=body, headers=tenant.headers)
    assert response.status_code == 422, response.text
    assert message in response.text
    assert client.get(f"{API}/settings", headers=tenant.headers).json()["opening_hours"] == {}


def test_a_dates_hours_come_from_its_closure_first(client: TestClient, shop: Shop) -> None:
    add_closure(client, shop.tenant, label="Christmas Eve", start_date=shop.day.isoformat(),
                opens_at="09:00", closes_at="14:00")
    day = client.get(f"{API}/opening-hours/day", params={"date": shop.day.isoformat()}, headers=shop.tenant.headers)
    assert day.status_code == 200, day.text
    body = day.json()
    assert (body["open"], body["closure"]["label"]) == (True, "Christmas Eve")
    assert body["hours"] == body["appointments"] == [{"opens": "09:00:00", "closes": "14:00:00"}]
    bad = client.get(f"{API}/opening-hours/day", params={"date": "2030-13-01"}, headers=shop.tenant.headers)
    assert bad.status_code == 422
