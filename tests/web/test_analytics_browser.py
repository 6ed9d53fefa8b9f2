"""The analytics page in a real browser, at desktop and phone width: charts drawn, nothing scrolls sideways."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.conftest import TenantHandle
from tests.live_server import LiveServer
from tests.web.conftest import phone_overflow, screenshot, sign_in
from tests.web.members import owner_of

pytestmark = pytest.mark.browser


def _conversations(live: LiveServer, tenant: TenantHandle) -> None:
    with live.client() as api:
        api.patch("/api/v1/settings", json={"csat_enabled": True}, headers=tenant.headers)
        for n, channel in enumerate(("web", "sms", "web", "whatsapp", "web")):
            contact = api.post("/api/v1/contacts", json={"email": f"a{n}-{tenant.id.hex[:6]}@example.com"},
                               headers=tenant.headers).json()
            made = api.post("/api/v1/conversations", headers=tenant.headers, json={
                "contact_id": contact["id"], "channel": channel, "message": "Can I book a cut?"}).json()
            url = f"/api/v1/conversations/{made['id']}"
            if n % 2:
                api.post(f"{url}/escalate", json={"reason": "Asked for a person"}, headers=tenant.headers)
                api.post(f"{url}/messages", json={"body": "Hi, this is Sam."}, headers=tenant.headers)
            api.post(f"{url}/resolve", headers=tenant.headers)


def test_the_analytics_page_at_desktop_and_phone_width(page: Any, live: LiveServer, live_tenant: TenantHandle) -> None:
    _conversations(live, live_tenant)
    sign_in(page, owner_of(live_tenant))
    page.get_by_role("link", name="Analytics").first.click()
    page.wait_for_url("**/analytics")
    assert page.locator("svg.chart").count() == 5
    assert page.locator('[data-metric="conversations"] .stat-value').inner_text() == "5"
    assert page.locator('[data-metric="escalation_rate"] .stat-value').inner_text() == "40%"
    today = datetime.now(UTC).date().isoformat()
    page.fill("#an-from", today)
    page.select_option("#an-channel", "sms")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**channel=sms**")
    assert page.locator('[data-metric="conversations"] .stat-value').inner_text() == "1"
    page.goto("/analytics")
    screenshot(page, "analytics")
    assert phone_overflow(page) == 0
