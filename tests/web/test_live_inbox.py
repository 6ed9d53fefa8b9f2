"""The inbox updates itself: a customer's message through the chat widget shows up in an open inbox
without a reload. Prints how long that took (commit → NOTIFY → SSE → row on screen)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.conftest import TenantHandle
from tests.live_server import LiveServer
from tests.web.conftest import sign_in
from tests.web.members import owner_of

pytestmark = pytest.mark.browser


def test_a_widget_message_appears_in_an_open_inbox_without_a_reload(
    page: Any, live: LiveServer, live_tenant: TenantHandle
) -> None:
    with live.client() as api:
        widget = api.post("/api/v1/integrations", headers=live_tenant.headers, json={
            "kind": "widget", "name": "site", "secret": "a widget secret for tests"})
        assert widget.status_code == 201, widget.text
        widget_key = widget.json()["metadata"]["public_widget_key"]

        sign_in(page, owner_of(live_tenant))
        page.goto("/inbox")
        page.wait_for_selector("[data-live-inbox][data-live-state=ready]")
        load_marker = page.evaluate("performance.timeOrigin")

        sent = time.perf_counter()
        started = api.post("/widget/v1/conversations", headers={"X-Widget-Key": widget_key},
                           json={"message": "Are you open on Sunday?"})
        assert started.status_code in (200, 201), started.text
        conversation_id = started.json()["conversation_id"]
        row = page.locator(f'.inbox-row[data-id="{conversation_id}"]')
        row.wait_for(timeout=10_000)
        latency_ms = (time.perf_counter() - sent) * 1000

    assert "Website visitor" in row.inner_text()
    assert page.evaluate("performance.timeOrigin") == load_marker, "the page was not reloaded"
    print(f"\nlive inbox latency: {latency_ms:.0f} ms from the widget request to the row on screen")
