"""The navigation's bell follows the member's notifications live: an escalation made elsewhere (here through
the API) shows on an open page without a reload, and opening the notification goes to the conversation."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.conftest import TenantHandle
from tests.live_server import LiveServer
from tests.web.conftest import screenshot, sign_in
from tests.web.members import owner_of

pytestmark = pytest.mark.browser


def test_an_escalation_lights_the_bell_of_an_open_page_and_the_notification_opens_the_conversation(
    page: Any, live: LiveServer, live_tenant: TenantHandle
) -> None:
    with live.client() as api:
        sign_in(page, owner_of(live_tenant))
        page.goto("/inbox")
        bell = page.locator(".sidebar [data-unread-count]")
        assert bell.is_hidden()
        page.wait_for_selector("[data-live-inbox][data-live-state=ready]")
        load_marker = page.evaluate("performance.timeOrigin")

        contact = api.post("/api/v1/contacts", headers=live_tenant.headers,
                           json={"name": "Ada", "phone": "+15005550199"})
        conversation = api.post("/api/v1/conversations", headers=live_tenant.headers,
                                json={"contact_id": contact.json()["id"], "channel": "sms"})
        conversation_id = conversation.json()["id"]
        time.sleep(0.5)  # the bell's stream opens just after the inbox's
        escalated = api.post(f"/api/v1/conversations/{conversation_id}/escalate", headers=live_tenant.headers,
                             json={"reason": "needs a person"})
        assert escalated.status_code == 200, escalated.text
        bell.filter(has_text="1").wait_for(state="visible", timeout=10_000)
        assert page.evaluate("performance.timeOrigin") == load_marker, "the page was not reloaded"

    page.goto("/notifications")
    screenshot(page, "notifications")
    page.get_by_role("button", name="A conversation was handed to a person").click()
    page.wait_for_url(f"**/conversations/{conversation_id}")
    page.goto("/notifications")
    assert page.locator(".sidebar [data-unread-count]").is_hidden()
