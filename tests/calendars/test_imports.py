"""Busy time imported from a staff member's own ICS calendar, through the real app and the job worker: the
address is fetched from a real HTTP server on loopback (which only the SSRF guard's test allowance lets
through), and what it shows busy is no longer offered by the availability API or bookable."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from engium.calendars.imports import ImportRefresher, due_imports
from engium.calendars.tasks import SWEEP_JOB
from engium.jobs import periodic_tasks, worker_app
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from engium.webhooks.settings import WebhookSettings
from tests.bookings.conftest import Shop, slots
from tests.calendars.conftest import SECRET_PATH, IcsServer, vcalendar
from tests.conftest import TenantHandle, audit_events
from tests.job_queue import drain

IMPORTS = "/api/v1/calendar-imports"


def ics_date(day: date) -> str:
    return day.strftime("%Y%m%d")


def add_import(client: TestClient, tenant: TenantHandle, staff_id: str, url: str) -> dict[str, Any]:
    response = client.post(IMPORTS, json={"staff_id": staff_id, "url": url}, headers=tenant.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def starts(client: TestClient, shop: Shop, day: date) -> set[str]:
    return {s["starts_at"][11:16] for s in slots(client, shop.tenant, shop.service_id, day, shop.staff_id)}


def the_import(client: TestClient, tenant: TenantHandle) -> dict[str, Any]:
    [found] = client.get(IMPORTS, headers=tenant.headers).json()
    assert isinstance(found, dict)
    return found


@pytest.mark.usefixtures("allow_local")
def test_busy_time_from_the_imported_calendar_blocks_those_slots(
    client: TestClient, runtime: Runtime, shop: Shop, ics_server: IcsServer
) -> None:
    day = ics_date(shop.day)
    ics_server.body = vcalendar(
        f"UID:dentist\nDTSTART:{day}T100000Z\nDTEND:{day}T110000Z\nSUMMARY:Dentist (private)",
        # Marked free, and cancelled: neither blocks anything.
        f"UID:free\nDTSTART:{day}T140000Z\nDTEND:{day}T150000Z\nTRANSP:TRANSPARENT",
        f"UID:off\nDTSTART:{day}T150000Z\nDTEND:{day}T160000Z\nSTATUS:CANCELLED",
    )
    assert {"10:00", "10:30", "14:00", "15:00"} <= starts(client, shop, shop.day)

    created = add_import(client, shop.tenant, shop.staff_id, ics_server.url)
    drain(runtime)

    offered = starts(client, shop, shop.day)
    assert {"09:30", "11:00", "14:00", "15:00"} <= offered
    assert not {"09:45", "10:00", "10:30", "10:45"} & offered
    refused = client.post("/api/v1/bookings", json=shop.booking("10:00"), headers=shop.tenant.headers)
    assert refused.status_code == 409
    status = the_import(client, shop.tenant)
    assert status["id"] == created["id"]
    assert status["last_error"] is None
    assert status["busy_span_count"] == 1
    assert status["last_success_at"]
    assert ics_server.requests == [SECRET_PATH]
    # Times only: nothing of the staff member's own event is stored.
    with tenant_transaction(runtime.database, shop.tenant.id) as session:
        stored = str(session.execute(text("select * from staff_busy_spans")).all())
    assert "Dentist" not in stored


@pytest.mark.usefixtures("allow_local")
def test_all_day_events_and_weekly_recurrences_block_whole_days_and_each_week(
    client: TestClient, runtime: Runtime, shop: Shop, ics_server: IcsServer
) -> None:
    holiday = shop.day + timedelta(days=1)
    ics_server.body = vcalendar(
        f"UID:holiday\nDTSTART;VALUE=DATE:{ics_date(holiday)}\nDTEND;VALUE=DATE:{ics_date(holiday + timedelta(1))}",
        f"UID:gym\nDTSTART:{ics_date(shop.day)}T160000Z\nDURATION:PT1H\nRRULE:FREQ=WEEKLY;COUNT=3\n"
        f"EXDATE:{ics_date(shop.day + timedelta(days=14))}T160000Z",
    )
    add_import(client, shop.tenant, shop.staff_id, ics_server.url)
    drain(runtime)

    assert starts(client, shop, holiday) == set()
    next_week = shop.day + timedelta(days=7)
    assert "16:00" not in starts(client, shop, shop.day)
    assert "16:00" not in starts(client, shop, next_week)
    assert "15:30" in starts(client, shop, next_week)
    assert "16:00" in starts(client, shop, shop.day + timedelta(days=14))  # the excluded week


@pytest.mark.usefixtures("allow_local")
def test_a_malformed_calendar_is_recorded_on_the_import_and_keeps_the_last_good_busy_time(
    client: TestClient, runtime: Runtime, shop: Shop, ics_server: IcsServer
) -> None:
    day = ics_date(shop.day)
    ics_server.body = vcalendar(f"UID:a\nDTSTART:{day}T100000Z\nDTEND:{day}T110000Z")
    created = add_import(client, shop.tenant, shop.staff_id, ics_server.url)
    drain(runtime)

    ics_server.body = b"<html>Sign in to Google</html>"
    refreshed = client.post(f"{IMPORTS}/{created['id']}/refresh", headers=shop.tenant.headers)
    assert refreshed.status_code == 202, refreshed.text
    drain(runtime)

    status = the_import(client, shop.tenant)
    assert status["last_error"] == "The address did not return an iCalendar (ICS) file that could be read"
    assert status["busy_span_count"] == 1
    assert "10:00" not in starts(client, shop, shop.day)
    ics_server.status, ics_server.body = 404, b"gone"
    client.post(f"{IMPORTS}/{created['id']}/refresh", headers=shop.tenant.headers)
    drain(runtime)
    assert the_import(client, shop.tenant)["last_error"] == "HTTP 404"


@pytest.mark.usefixtures("allow_local")
def test_an_event_with_a_broken_start_is_an_error_on_the_import_not_a_500(
    client: TestClient, runtime: Runtime, shop: Shop, ics_server: IcsServer
) -> None:
    ics_server.body = vcalendar("UID:a\nDTSTART:nonsense\nDTEND:also-nonsense")
    add_import(client, shop.tenant, shop.staff_id, ics_server.url)
    drain(runtime)

    status = the_import(client, shop.tenant)
    assert status["last_error"]
    assert status["busy_span_count"] == 0
    assert len(starts(client, shop, shop.day)) > 0


@pytest.mark.usefixtures("allow_local")
def test_the_address_is_stored_encrypted_and_never_shown_again(
    client: TestClient, runtime: Runtime, shop: Shop, ics_server: IcsServer
) -> None:
    ics_server.body = vcalendar()
    created = add_import(client, shop.tenant, shop.staff_id, ics_server.url)
    drain(runtime)

    secret = "private-5f2b9c0e1d7a4b3c"
    assert created["url_hint"] == "http://127.0.0.1:" + ics_server.url.split(":")[2].split("/")[0] + "/…"
    assert secret not in str(client.get(IMPORTS, headers=shop.tenant.headers).json())
    with tenant_transaction(runtime.database, shop.tenant.id) as session:
        row = session.execute(text("select url_ciphertext, url_hint from calendar_imports")).one()
    assert secret.encode() not in bytes(row[0])
    assert row[0][:4] == b"ENG1"
    assert secret not in str(audit_events(runtime, shop.tenant))
    actions = [e["action"] for e in audit_events(runtime, shop.tenant)]
    assert "calendar_import.created" in actions
    assert "calendar_import.refreshed" in actions


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8080/basic.ics",
    "https://127.0.0.1/basic.ics",
    "https://169.254.169.254/latest/meta-data/",
    "https://[::ffff:169.254.169.254]/basic.ics",
    "https://10.0.0.7/basic.ics",
    "ftp://calendar.example/basic.ics",
])
def test_production_settings_refuse_private_and_non_https_addresses(
    client: TestClient, shop: Shop, url: str
) -> None:
    response = client.post(IMPORTS, json={"staff_id": shop.staff_id, "url": url}, headers=shop.tenant.headers)

    assert response.status_code == 422, response.text
    assert client.get(IMPORTS, headers=shop.tenant.headers).json() == []


def test_an_address_refused_at_fetch_time_is_recorded_and_nothing_is_fetched(
    client: TestClient, runtime: Runtime, shop: Shop, ics_server: IcsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guard runs before every fetch too: an address accepted under a test allowance (think: a host
    name that resolved publicly then and to the metadata service now) is refused when production rules apply."""
    monkeypatch.setattr(runtime.settings, "webhooks", WebhookSettings(allow_private_networks=True, allow_http=True))
    client.post(IMPORTS, json={"staff_id": shop.staff_id, "url": ics_server.url}, headers=shop.tenant.headers)
    monkeypatch.setattr(runtime.settings, "webhooks", WebhookSettings())

    drain(runtime)

    assert ics_server.requests == []
    assert the_import(client, shop.tenant)["last_error"].startswith("refused: The URL must use https")


@pytest.mark.usefixtures("allow_local")
def test_another_tenant_cannot_see_refresh_or_delete_an_import_nor_use_its_staff(
    client: TestClient, runtime: Runtime, shop: Shop, other_tenant: TenantHandle, ics_server: IcsServer
) -> None:
    ics_server.body = vcalendar()
    created = add_import(client, shop.tenant, shop.staff_id, ics_server.url)

    assert client.get(IMPORTS, headers=other_tenant.headers).json() == []
    assert client.post(f"{IMPORTS}/{created['id']}/refresh", headers=other_tenant.headers).status_code == 404
    assert client.delete(f"{IMPORTS}/{created['id']}", headers=other_tenant.headers).status_code == 404
    spy = client.post(IMPORTS, json={"staff_id": shop.staff_id, "url": ics_server.url}, headers=other_tenant.headers)
    assert spy.status_code == 404
    assert the_import(client, shop.tenant)["id"] == created["id"]


@pytest.mark.usefixtures("allow_local")
def test_deleting_the_import_frees_the_time_it_blocked(
    client: TestClient, runtime: Runtime, shop: Shop, ics_server: IcsServer
) -> None:
    day = ics_date(shop.day)
    ics_server.body = vcalendar(f"UID:a\nDTSTART:{day}T100000Z\nDTEND:{day}T110000Z")
    created = add_import(client, shop.tenant, shop.staff_id, ics_server.url)
    drain(runtime)
    assert "10:00" not in starts(client, shop, shop.day)

    assert client.delete(f"{IMPORTS}/{created['id']}", headers=shop.tenant.headers).status_code == 204

    assert "10:00" in starts(client, shop, shop.day)


@pytest.mark.usefixtures("allow_local")
def test_the_periodic_sweep_fetches_an_import_again_once_it_is_fifteen_minutes_old(
    client: TestClient, runtime: Runtime, shop: Shop, ics_server: IcsServer
) -> None:
    ics_server.body = vcalendar()
    add_import(client, shop.tenant, shop.staff_id, ics_server.url)
    drain(runtime)
    now = datetime.now(UTC)
    with tenant_transaction(runtime.database, shop.tenant.id) as session:
        assert due_imports(session, now) == []
        [due] = due_imports(session, now + timedelta(minutes=16))
    day = ics_date(shop.day)
    ics_server.body = vcalendar(f"UID:a\nDTSTART:{day}T100000Z\nDTEND:{day}T110000Z")

    ImportRefresher(runtime.database, runtime.vault, runtime.settings.webhooks).refresh(shop.tenant.id, due)

    assert len(ics_server.requests) == 2
    assert "10:00" not in starts(client, shop, shop.day)
    registry = periodic_tasks(runtime, worker_app(runtime, periodic=False))
    assert {task.task.name: task.cron for task in registry.periodic_tasks.values()}[SWEEP_JOB] == "*/15 * * * *"
