"""The inbox tools in a real browser: the canned-response picker inserts at the cursor and a /shortcut expands
with Tab (app.js, under the Content-Security-Policy), and the search and merge pages fit a phone."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.conftest import TenantHandle
from tests.live_server import LiveServer
from tests.web.conftest import phone_overflow, screenshot, sign_in
from tests.web.members import owner_of

pytestmark = pytest.mark.browser


def _setup(live: LiveServer, tenant: TenantHandle) -> dict[str, str]:
    with live.client() as api:
        for title, body, shortcut in (
            ("Opening hours", "We're open Tuesday to Saturday, 9:00 to 17:00.", "hours"),
            ("Kids' prices", "Under-12s get 20% off every cut.", "kids"),
        ):
            made = api.post("/api/v1/canned-responses", json={"title": title, "body": body, "shortcut": shortcut},
                            headers=tenant.headers)
            assert made.status_code == 201, made.text
        keep = api.post("/api/v1/contacts", json={"name": "Marta Gómez", "phone": "+34600123456"},
                        headers=tenant.headers).json()
        email = f"m{uuid.uuid4().hex[:6]}@example.com"
        duplicate = api.post("/api/v1/contacts", json={"name": "Marta", "email": email}, headers=tenant.headers).json()
        conversation = api.post("/api/v1/conversations", headers=tenant.headers, json={
            "contact_id": duplicate["id"], "channel": "web",
            "message": "Do you do kids haircuts cheaper? My son is 8."}).json()
        api.post(f"/api/v1/conversations/{conversation['id']}/messages", headers=tenant.headers,
                 json={"body": "Yes, kids haircuts are 20% off for under-12s."})
    return {"conversation": conversation["id"], "keep": keep["id"], "duplicate": duplicate["id"]}


def test_the_reply_box_inserts_canned_responses_and_expands_shortcuts(
    page: Any, live: LiveServer, live_tenant: TenantHandle
) -> None:
    ids = _setup(live, live_tenant)
    sign_in(page, owner_of(live_tenant))
    page.goto(f"/conversations/{ids['conversation']}")
    box = page.locator("#reply-body")
    box.fill("Hi Marta! ")
    page.select_option("#canned-choice", label="Kids' prices (/kids)")
    page.get_by_role("button", name="Insert").click()
    assert box.input_value() == "Hi Marta! Under-12s get 20% off every cut."
    assert "canned=" not in page.url  # inserted in place, not by reloading the page
    box.fill("Thanks. /hours")
    box.press("Tab")
    assert box.input_value() == "Thanks. We're open Tuesday to Saturday, 9:00 to 17:00."
    screenshot(page, "inbox-tools-conversation")
    assert phone_overflow(page) == 0


def test_search_and_merge_pages_at_desktop_and_phone_width(
    page: Any, live: LiveServer, live_tenant: TenantHandle
) -> None:
    ids = _setup(live, live_tenant)
    sign_in(page, owner_of(live_tenant))
    page.goto("/search?q=kids+haircuts")
    assert page.locator("mark").count() >= 2
    screenshot(page, "inbox-tools-search")
    assert phone_overflow(page) == 0

    page.goto(f"/contacts/{ids['duplicate']}/merge?q=Marta&into={ids['keep']}")
    screenshot(page, "inbox-tools-merge")
    assert phone_overflow(page) == 0
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Merge and delete Marta").click()
    page.wait_for_url(f"**/contacts/{ids['keep']}?done=merged")
    assert page.get_by_text("Contacts merged").is_visible()
    screenshot(page, "inbox-tools-contact-merged")

    page.goto("/settings/canned-responses")
    screenshot(page, "inbox-tools-canned-settings")
    assert phone_overflow(page) == 0
