"""The Calendars settings tab in the staff web app, without a browser: a feed's address shown once, revoking it,
and importing a staff member's calendar, whose address is not shown back."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from engium.runtime import Runtime
from tests.bookings.conftest import Shop
from tests.calendars.conftest import IcsServer, vcalendar
from tests.job_queue import drain
from tests.web.forms import page_token, sign_in
from tests.web.members import add_member, owner_of

PAGE = "/settings/calendars"


def test_an_owner_creates_a_feed_sees_its_address_once_and_deletes_it(client: TestClient, shop: Shop) -> None:
    sign_in(client, owner_of(shop.tenant))
    token = page_token(client, PAGE)

    created = client.post(f"{PAGE}/feeds", data={"csrf_token": token, "label": "My phone", "staff_id": shop.staff_id})

    assert created.status_code == 200, created.text
    url = re.search(r'value="(http[^"]+\.ics)"', created.text)
    assert url is not None
    assert client.get(urlsplit(url.group(1)).path).status_code == 200
    again = client.get(PAGE).text
    assert "My phone" in again
    assert url.group(1) not in again
    [feed] = client.get("/api/v1/calendar-feeds", headers=shop.tenant.headers).json()
    deleted = client.post(f"{PAGE}/feeds/{feed['id']}/delete", data={"csrf_token": token}, follow_redirects=False)
    assert deleted.status_code == 303
    assert client.get(urlsplit(url.group(1)).path).status_code == 404


@pytest.mark.usefixtures("allow_local")
def test_an_owner_imports_a_calendar_and_its_address_is_not_shown_back(
    client: TestClient, runtime: Runtime, shop: Shop, ics_server: IcsServer
) -> None:
    ics_server.body = vcalendar()
    sign_in(client, owner_of(shop.tenant))
    token = page_token(client, PAGE)

    added = client.post(f"{PAGE}/imports", data={"csrf_token": token, "staff_id": shop.staff_id,
                                                 "url": ics_server.url}, follow_redirects=False)
    assert added.status_code == 303
    drain(runtime)

    page = client.get(PAGE).text
    assert "0 busy times" in page
    assert "private-5f2b9c0e1d7a4b3c" not in page


def test_a_refused_address_is_shown_with_the_reason(client: TestClient, shop: Shop) -> None:
    sign_in(client, owner_of(shop.tenant))
    token = page_token(client, PAGE)

    refused = client.post(f"{PAGE}/imports", data={"csrf_token": token, "staff_id": shop.staff_id,
                                                   "url": "https://169.254.169.254/latest/meta-data/"})

    assert refused.status_code == 422
    assert "link-local" in refused.text


def test_an_agent_cannot_open_the_calendars_settings(client: TestClient, shop: Shop) -> None:
    sign_in(client, add_member(client, shop.tenant, "agent"))

    assert client.get(PAGE).status_code == 403
