"""The analytics API: per period, channel and bucket, in the business's time zone, for its own data only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from engium.access.permissions import Role
from engium.access.principal import Principal
from engium.bookings import attendance
from engium.bookings import service as bookings
from engium.bookings.schemas import BookingCreate
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.analytics.fixtures import API, act, assistant_reply, place, staff_reply, start
from tests.bookings.conftest import open_shop
from tests.conftest import TenantHandle, bearer, make_api_key, make_tenant

DAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday


def report(client: TestClient, tenant: TenantHandle, **params: str) -> dict[str, Any]:
    params.setdefault("from", "2026-03-02")
    params.setdefault("to", "2026-03-08")
    answer = client.get(f"{API}/analytics", params=params, headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_each_metric_counts_what_it_names(client: TestClient, runtime: Runtime, tenant: TenantHandle) -> None:
    # Answered by the assistant in 4 s and resolved without anyone: the assistant's alone.
    alone = start(client, tenant)
    assistant_reply(runtime, tenant, alone)
    act(client, tenant, alone, "resolve")
    place(runtime, tenant, alone, DAY, {"assistant": 4})
    # Assistant in 10 s, then escalated; a person answered 60 s after the escalation, then resolved.
    escalated = start(client, tenant, channel="sms")
    assistant_reply(runtime, tenant, escalated)
    act(client, tenant, escalated, "escalate", reason="Wants a refund")
    staff_reply(client, tenant, escalated)
    act(client, tenant, escalated, "resolve")
    place(runtime, tenant, escalated, DAY + timedelta(days=1), {"assistant": 10, "agent": 61})
    # Staff answered without an escalation (20 s) and resolved: resolved, but by a person.
    staffed = start(client, tenant)
    staff_reply(client, tenant, staffed)
    act(client, tenant, staffed, "resolve")
    place(runtime, tenant, staffed, DAY + timedelta(days=1), {"agent": 20})
    # Still open, never answered.
    waiting = start(client, tenant)
    place(runtime, tenant, waiting, DAY + timedelta(days=2), {})

    found = report(client, tenant)
    totals = found["totals"]
    assert totals["conversations"] == 4
    assert totals["resolved_without_person"] == 1
    assert totals["resolved_without_person_share"] == 0.25
    assert totals["escalated"] == 1
    assert totals["escalation_rate"] == 0.25
    assert totals["assistant_first_response"] == {"median_seconds": 7.0, "p90_seconds": 9.4, "count": 2}
    assert totals["staff_first_response"] == {"median_seconds": 40.0, "p90_seconds": 56.0, "count": 2}
    assert [b["start"] for b in found["series"]] == [str(date(2026, 3, 2) + timedelta(days=n)) for n in range(7)]
    assert [b["conversations"] for b in found["series"]] == [1, 2, 1, 0, 0, 0, 0]
    assert found["series"][1]["staff_first_response"]["count"] == 2
    assert found["series"][4]["assistant_first_response"] == {"median_seconds": None, "p90_seconds": None,
                                                              "count": 0}
    assert found["series"][0]["resolved_without_person_share"] == 1.0
    assert found["series"][4]["escalation_rate"] is None

    sms = report(client, tenant, channel="sms")["totals"]
    assert (sms["conversations"], sms["escalated"], sms["resolved_without_person"]) == (1, 1, 0)
    assert report(client, tenant, channel="whatsapp")["totals"]["conversations"] == 0

    weekly = report(client, tenant, bucket="week", to="2026-03-15")
    assert [(b["start"], b["conversations"]) for b in weekly["series"]] == [("2026-03-02", 4), ("2026-03-09", 0)]


def test_buckets_are_the_business_local_days(client: TestClient, runtime: Runtime) -> None:
    tokyo = make_tenant(runtime, timezone="Asia/Tokyo")
    # 20:00 UTC on 2 March is 05:00 on 3 March in Tokyo.
    late = start(client, tokyo)
    place(runtime, tokyo, late, datetime(2026, 3, 2, 20, 0, tzinfo=UTC), {})
    found = report(client, tokyo, to="2026-03-03")
    assert found["timezone"] == "Asia/Tokyo"
    assert [(b["start"], b["conversations"]) for b in found["series"]] == [("2026-03-02", 0), ("2026-03-03", 1)]
    # 14:59 UTC on 8 March is still the 8th in Tokyo (23:59), 15:00 UTC is the 9th: outside the period.
    inside, outside = start(client, tokyo), start(client, tokyo)
    place(runtime, tokyo, inside, datetime(2026, 3, 8, 14, 59, tzinfo=UTC), {})
    place(runtime, tokyo, outside, datetime(2026, 3, 8, 15, 0, tzinfo=UTC), {})
    assert report(client, tokyo)["totals"]["conversations"] == 2


def test_bookings_made_by_the_assistant_are_counted_by_channel_and_no_shows_by_status(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    shop = open_shop(client, runtime, tenant)
    by_staff = client.post(f"{API}/bookings", json=shop.booking("09:00"), headers=tenant.headers)
    assert by_staff.status_code == 201, by_staff.text
    with tenant_transaction(runtime.database, tenant.id) as session:
        for clock in ("10:00", "11:00"):
            body = BookingCreate.model_validate(shop.booking(clock))
            bookings.create_booking(session, Principal.system(tenant.id, "assistant"), body, channel="sms")
        counted = session.execute(text("select booked_by, count(*) from bookings group by 1"))
        stored = {row[0]: row[1] for row in counted}
    assert stored == {"staff": 1, "assistant": 2}
    today = datetime.now(UTC).date().isoformat()
    period = {"from": today, "to": today}
    assert report(client, tenant, **period)["totals"]["bookings_by_assistant"] == 2
    assert report(client, tenant, **period, channel="sms")["totals"]["bookings_by_assistant"] == 2
    assert report(client, tenant, **period, channel="web")["totals"]["bookings_by_assistant"] == 0
    # Staff mark the 09:00 booking a no-show once it has started (bookings/attendance.py): counted on its day.
    week = {"from": shop.day.isoformat(), "to": shop.day.isoformat()}
    assert report(client, tenant, **week)["totals"]["no_shows"] == 0
    with tenant_transaction(runtime.database, tenant.id) as session:
        attendance.mark_no_show(session, Principal.system(tenant.id, "pytest"), UUID(by_staff.json()["id"]),
                                now=datetime.fromisoformat(by_staff.json()["starts_at"]) + timedelta(minutes=20))
    assert report(client, tenant, **week)["totals"]["no_shows"] == 1


def test_another_business_is_never_counted(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    mine = start(client, tenant)
    place(runtime, tenant, mine, DAY, {})
    for _ in range(3):
        theirs = start(client, other_tenant)
        act(client, other_tenant, theirs, "escalate", reason="x")
        place(runtime, other_tenant, theirs, DAY, {})
    totals = report(client, tenant)["totals"]
    assert (totals["conversations"], totals["escalated"]) == (1, 0)
    assert report(client, other_tenant)["totals"]["conversations"] == 3


@pytest.mark.parametrize(("params", "message"), [
    ({"from": "2026-03-08", "to": "2026-03-02"}, "`from` must be on or before `to`"),
    ({"from": "2025-01-01", "to": "2026-01-02"}, "at most 366 days"),
    ({"channel": "fax"}, "channel"),
    ({"bucket": "month"}, "bucket"),
    ({"from": "yesterday"}, "from"),
    ({"from": "0001-01-01", "to": "0001-01-02"}, "between the years"),
])
def test_bad_parameters_are_refused_with_a_clear_message(
    client: TestClient, tenant: TenantHandle, params: dict[str, str], message: str
) -> None:
    query = {"from": "2026-03-02", "to": "2026-03-08", **params}
    answer = client.get(f"{API}/analytics", params=query, headers=tenant.headers)
    assert answer.status_code == 422, answer.text
    assert message in answer.text


def test_a_full_leap_year_is_allowed(client: TestClient, tenant: TenantHandle) -> None:
    found = report(client, tenant, **{"from": "2028-01-01", "to": "2028-12-31"}, bucket="week")
    assert found["totals"]["conversations"] == 0
    assert len(found["series"]) == 53


@pytest.mark.parametrize(("role", "allowed"), [(Role.ADMIN, True), (Role.AUDITOR, True), (Role.AGENT, False)])
def test_who_may_read_the_numbers(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, role: Role, allowed: bool
) -> None:
    key = make_api_key(runtime, tenant, role)
    answer = client.get(f"{API}/analytics", params={"from": "2026-03-02", "to": "2026-03-02"}, headers=bearer(key))
    assert answer.status_code == (200 if allowed else 403), answer.text
    assert client.get(f"{API}/analytics", params={"from": "2026-03-02", "to": "2026-03-02"}).status_code == 401
