"""Flow 4: each role sees what it may do, and no more; typing the address of a hidden page is refused."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import TenantHandle
from tests.live_server import LiveServer
from tests.web.conftest import sign_in
from tests.web.members import add_member

pytestmark = pytest.mark.browser

ADMIN_PAGES = ("/settings", "/integrations", "/team")


def _navigation(page: Any) -> list[str]:
    return [str(text).strip() for text in page.locator("nav#sidebar .nav a").all_inner_texts()]


def _conversation(live: LiveServer, tenant: TenantHandle) -> str:
    with live.client() as api:
        contact = api.post("/api/v1/contacts", json={"name": "Robin", "phone": "+447700900555"}, headers=tenant.headers)
        conversation = api.post("/api/v1/conversations", headers=tenant.headers, json={
            "contact_id": contact.json()["id"], "channel": "sms", "message": "Do you do colour?"})
        assert conversation.status_code == 201, conversation.text
        return str(conversation.json()["id"])


def test_an_agent_sees_no_settings_integrations_or_team_and_is_refused_them(
    page: Any, live: LiveServer, live_tenant: TenantHandle
) -> None:
    with live.client() as api:
        agent = add_member(api, live_tenant, "agent")
    sign_in(page, agent)

    assert _navigation(page) == ["Inbox", "Notifications", "Search", "Bookings", "Contacts", "Knowledge"]
    for path in (*ADMIN_PAGES, "/analytics"):
        response = page.goto(path)
        assert response.status == 403, path
        assert "You don't have access to this" in page.content()
    # What an agent may do is there: replying to a customer.
    page.goto(f"/conversations/{_conversation(live, live_tenant)}")
    assert page.get_by_label("Reply by SMS").count() == 1


def test_an_auditor_sees_the_audit_log_and_nothing_that_changes_anything(
    page: Any, live: LiveServer, live_tenant: TenantHandle
) -> None:
    conversation_id = _conversation(live, live_tenant)
    with live.client() as api:
        auditor = add_member(api, live_tenant, "auditor")
    sign_in(page, auditor)

    assert _navigation(page) == [
        "Inbox", "Notifications", "Search", "Bookings", "Contacts", "Analytics", "Knowledge", "Audit log", "Privacy",
        "Trust"]
    page.goto("/privacy")  # requests and their clocks, retention: read, never changed, by an auditor
    assert page.get_by_role("heading", name="Privacy", exact=True).count() == 1
    assert page.locator("main form, main button").count() == 0
    page.goto("/audit")
    assert page.get_by_role("heading", name="Audit log").count() == 1
    assert page.locator("[data-chain-state]").count() == 1
    assert page.get_by_role("link", name="Export (JSON Lines)").count() == 1

    page.goto(f"/conversations/{conversation_id}")
    assert "Do you do colour?" in page.content()
    for control in ("Send", "Assign", "Resolve", "Escalate to staff"):
        assert page.get_by_role("button", name=control).count() == 0, control
    page.goto("/bookings")
    assert page.get_by_role("link", name="New booking").count() == 0
    page.goto("/contacts")
    page.get_by_role("link", name="Robin").click()
    assert page.get_by_role("link", name="Delete contact").count() == 0
    page.goto("/knowledge")
    assert page.get_by_role("button", name="Add document").count() == 0
    assert page.get_by_role("button", name="Upload").count() == 0
    for path in (*ADMIN_PAGES, "/bookings/new", "/settings/services"):
        assert page.goto(path).status == 403, path
