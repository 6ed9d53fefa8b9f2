"""The analytics page without a browser: the business's own numbers as charts and a table, period and channel
chosen in a form, a refused period explained on the page, and the page only for those who read the numbers."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from tests.analytics.fixtures import act, start
from tests.conftest import TenantHandle
from tests.web.forms import sign_in
from tests.web.members import add_member, owner_of

TODAY = datetime.now(UTC).date().isoformat()


def _metric(html: str, name: str) -> str:
    found = re.search(rf'data-metric="{name}"><span class="stat-label">[^<]*</span><span class="stat-value">([^<]*)<',
                      html)
    assert found is not None, name
    return found.group(1)


def test_the_owner_sees_charts_and_the_numbers(client: TestClient, tenant: TenantHandle, other_tenant: TenantHandle
                                               ) -> None:
    escalated = start(client, tenant, channel="sms")
    act(client, tenant, escalated, "escalate", reason="Wants a refund")
    start(client, tenant)
    for _ in range(3):
        start(client, other_tenant)
    sign_in(client, owner_of(tenant))
    page = client.get("/analytics", params={"from": TODAY, "to": TODAY})
    assert page.status_code == 200, page.text
    assert _metric(page.text, "conversations") == "2"
    assert _metric(page.text, "escalation_rate") == "50%"
    assert page.text.count('<svg class="chart"') == 5
    assert '<a href="/analytics" aria-current="page">' in page.text
    sms = client.get("/analytics", params={"from": TODAY, "to": TODAY, "channel": "sms", "bucket": "week"})
    assert _metric(sms.text, "conversations") == "1"
    assert '<option value="sms" selected>' in sms.text


def test_a_refused_period_is_explained_on_the_page(client: TestClient, tenant: TenantHandle) -> None:
    sign_in(client, owner_of(tenant))
    backwards = client.get("/analytics", params={"from": "2026-03-08", "to": "2026-03-01"})
    assert backwards.status_code == 422
    assert "`from` must be on or before `to`" in backwards.text
    too_long = client.get("/analytics", params={"from": "2024-01-01", "to": "2026-01-01"})
    assert "at most 366 days" in too_long.text
    # Unknown values fall back to the defaults rather than failing.
    assert client.get("/analytics", params={"channel": "fax", "bucket": "month", "from": "nope"}).status_code == 200


def test_agents_neither_see_the_link_nor_open_the_page(client: TestClient, tenant: TenantHandle) -> None:
    agent = add_member(client, tenant, "agent")
    auditor = add_member(client, tenant, "auditor")
    sign_in(client, agent)
    assert client.get("/analytics").status_code == 403
    assert 'href="/analytics"' not in client.get("/inbox").text
    client.cookies.clear()
    sign_in(client, auditor)
    assert client.get("/analytics").status_code == 200
