"""Private ICS feeds, through the real app: what a calendar client reads at the feed's URL, and that deleting
the feed revokes it. The feed is parsed back with the icalendar package, as a calendar app would read it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import icalendar
from fastapi.testclient import TestClient
from sqlalchemy import text

from engium.access.permissions import Role
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.bookings.conftest import Shop, add_contact, create_staff
from tests.conftest import TenantHandle, audit_events, bearer, make_api_key

FEEDS = "/api/v1/calendar-feeds"


def create_feed(client: TestClient, tenant: TenantHandle, **fields: Any) -> dict[str, Any]:
    response = client.post(FEEDS, json={"label": "Front desk", **fields}, headers=tenant.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def book(client: TestClient, shop: Shop, clock: str, **fields: Any) -> dict[str, Any]:
    response = client.post("/api/v1/bookings", json=shop.booking(clock, **fields), headers=shop.tenant.headers)
    assert response.status_code == 201, response.text
    booking: dict[str, Any] = response.json()
    return booking


def fetch(client: TestClient, url: str) -> Any:
    """GET the feed as a calendar app does: no credentials but the URL."""
    return client.get(urlsplit(url).path)


def events_of(client: TestClient, url: str) -> list[icalendar.Event]:
    response = fetch(client, url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    assert "no-store" in response.headers["cache-control"]
    calendar = icalendar.Calendar.from_ical(response.content)
    return [e for e in calendar.walk("VEVENT") if isinstance(e, icalendar.Event)]


def test_the_feed_lists_confirmed_bookings_in_utc_with_stable_uids_and_no_customer_data(
    client: TestClient, shop: Shop
) -> None:
    booking = book(client, shop, "10:00", notes="LEAK-NOTES allergy")
    cancelled = book(client, shop, "12:00")
    client.post(f"/api/v1/bookings/{cancelled['id']}/cancel", headers=shop.tenant.headers)
    feed = create_feed(client, shop.tenant)
    assert feed["url"].endswith(".ics")
    assert "/calendar/cf_" in feed["url"]

    events = events_of(client, feed["url"])

    assert [str(e["uid"]) for e in events] == [f"{booking['id']}@engium"]
    event = events[0]
    assert event.decoded("dtstart") == datetime.fromisoformat(shop.at("10:00"))
    assert event.decoded("dtstart").utcoffset() == timedelta(0)
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=30)
    assert str(event["summary"]).startswith("Haircut ")
    assert " with Sam " in str(event["summary"])
    body = fetch(client, feed["url"]).text
    assert "Ada Customer" not in body
    assert "LEAK-NOTES" not in body
    assert "+1555" not in body
    # The same booking keeps its UID when it moves, so a calendar app moves it instead of adding another.
    moved = client.patch(f"/api/v1/bookings/{booking['id']}", json={"starts_at": shop.at("11:00")},
                         headers=shop.tenant.headers)
    assert moved.status_code == 200, moved.text
    [again] = events_of(client, feed["url"])
    assert str(again["uid"]) == f"{booking['id']}@engium"
    assert again.decoded("dtstart") == datetime.fromisoformat(shop.at("11:00"))


def test_a_feed_created_with_customer_names_shows_them(client: TestClient, shop: Shop) -> None:
    book(client, shop, "10:00")
    feed = create_feed(client, shop.tenant, include_customer_names=True)

    [event] = events_of(client, feed["url"])

    assert str(event["summary"]).endswith(": Ada Customer")


def test_a_staff_members_feed_holds_only_their_bookings(client: TestClient, runtime: Runtime, shop: Shop) -> None:
    other = create_staff(client, shop.tenant, [shop.service_id])
    client.put(f"/api/v1/staff/{other['id']}/availability", headers=shop.tenant.headers,
               json={"rules": [{"weekday": d, "start_time": "09:00", "end_time": "17:00"} for d in range(7)]})
    mine = book(client, shop, "10:00")
    theirs = client.post("/api/v1/bookings", headers=shop.tenant.headers, json={
        **shop.booking("10:00"), "staff_id": other["id"], "contact_id": str(add_contact(runtime, shop.tenant))})
    assert theirs.status_code == 201, theirs.text
    feed = create_feed(client, shop.tenant, staff_id=shop.staff_id)

    assert [str(e["uid"]) for e in events_of(client, feed["url"])] == [f"{mine['id']}@engium"]


def test_only_a_hash_of_the_token_is_stored_and_the_url_is_shown_once(
    client: TestClient, runtime: Runtime, shop: Shop
) -> None:
    feed = create_feed(client, shop.tenant)
    token = urlsplit(feed["url"]).path.removeprefix("/calendar/").removesuffix(".ics")

    listed = client.get(FEEDS, headers=shop.tenant.headers).json()

    assert [f["id"] for f in listed] == [feed["id"]]
    assert token not in str(listed)
    with tenant_transaction(runtime.database, shop.tenant.id) as session:
        row = session.execute(text("select * from calendar_feeds")).one()
    assert token.encode() not in repr(tuple(row)).encode()


def test_deleting_a_feed_revokes_its_url(client: TestClient, runtime: Runtime, shop: Shop) -> None:
    book(client, shop, "10:00")
    feed = create_feed(client, shop.tenant)
    assert fetch(client, feed["url"]).status_code == 200

    deleted = client.delete(f"{FEEDS}/{feed['id']}", headers=shop.tenant.headers)

    assert deleted.status_code == 204
    gone = fetch(client, feed["url"])
    assert gone.status_code == 404
    assert "Ada" not in gone.text
    assert "Haircut" not in gone.text
    actions = [e["action"] for e in audit_events(runtime, shop.tenant)]
    assert "calendar_feed.created" in actions
    assert "calendar_feed.revoked" in actions


def test_unknown_and_malformed_tokens_are_404(client: TestClient) -> None:
    for token in ("cf_" + "A" * 43, "x", "%E2%82%AC" * 10, "a" * 300):
        response = client.get(f"/calendar/{token}.ics")
        assert response.status_code == 404, (token, response.text)


def test_another_tenant_can_neither_list_nor_revoke_a_feed(
    client: TestClient, shop: Shop, other_tenant: TenantHandle
) -> None:
    feed = create_feed(client, shop.tenant)

    assert client.get(FEEDS, headers=other_tenant.headers).json() == []
    assert client.delete(f"{FEEDS}/{feed['id']}", headers=other_tenant.headers).status_code == 404
    assert fetch(client, feed["url"]).status_code == 200


def test_a_feed_for_another_tenants_staff_member_is_refused(
    client: TestClient, shop: Shop, other_tenant: TenantHandle
) -> None:
    response = client.post(FEEDS, json={"label": "Spy", "staff_id": shop.staff_id}, headers=other_tenant.headers)

    assert response.status_code == 404


def test_a_blank_label_is_refused_with_a_clear_message(client: TestClient, tenant: TenantHandle) -> None:
    response = client.post(FEEDS, json={"label": "   "}, headers=tenant.headers)

    assert response.status_code == 422
    assert "label" in response.text


def test_an_agent_cannot_create_a_feed(client: TestClient, runtime: Runtime, tenant: TenantHandle) -> None:
    agent = bearer(make_api_key(runtime, tenant, Role.AGENT))

    assert client.post(FEEDS, json={"label": "Mine"}, headers=agent).status_code == 403


def test_the_feed_spans_the_past_month_and_the_next_year(client: TestClient, shop: Shop) -> None:
    feed = create_feed(client, shop.tenant)
    book(client, shop, "10:00")

    [event] = events_of(client, feed["url"])

    assert datetime.now(UTC) < event.decoded("dtstart") < datetime.now(UTC) + timedelta(days=366)


def test_the_customer_names_choice_must_be_a_json_boolean(client: TestClient, tenant: TenantHandle) -> None:
    for value in (0, 1, "yes", "true"):
        response = client.post(FEEDS, json={"label": "Desk", "include_customer_names": value}, headers=tenant.headers)
        assert response.status_code == 422, value
    assert client.get(FEEDS, headers=tenant.headers).json() == []
