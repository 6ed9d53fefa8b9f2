"""The operator console in a real browser: sign in with the token, declare an incident by keyboard, tell
the affected business, and the business's owner reads the notice; each page at desktop and phone width."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import TenantHandle
from tests.web.conftest import OPERATOR_TOKEN, phone_overflow, screenshot, sign_in
from tests.web.members import owner_of

pytestmark = pytest.mark.browser


def test_an_operator_declares_an_incident_and_the_business_reads_its_notice(page: Any,
                                                                            live_tenant: TenantHandle) -> None:
    page.goto("/operator")
    assert page.url.endswith("/operator/sign-in")
    page.get_by_label("Operator token").fill("egop_not-the-token")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_text("That is not the operator token.").is_visible()
    page.get_by_label("Operator token").fill(OPERATOR_TOKEN)
    page.get_by_label("Your name (for the audit log)").fill("Dana")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/operator")
    screenshot(page, "operator-incidents")
    assert phone_overflow(page) <= 0

    page.get_by_label("Affected businesses (tenant ids, one per line)").fill(str(live_tenant.id))
    page.get_by_label("messages").check()
    page.get_by_label("Severity").select_option("high")
    page.get_by_label("Title").fill("Support laptop stolen")
    page.get_by_label("Title").press("Enter")  # submitted from the keyboard
    page.wait_for_url("**/operator/incidents/*")
    assert page.get_by_text("0 of 1 told").is_visible()
    page.get_by_role("button", name="Tell the affected businesses").click()
    page.wait_for_url("**?done=notified")
    assert page.get_by_text("1 of 1 told").is_visible()
    page.get_by_label("Add to the timeline").fill("Laptop disk was encrypted; keys rotated.")
    page.get_by_role("button", name="Add", exact=True).click()
    assert page.get_by_text("Laptop disk was encrypted; keys rotated.").is_visible()
    screenshot(page, "operator-incident")
    assert phone_overflow(page) <= 0

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/operator/sign-in?done=signed-out")
    sign_in(page, owner_of(live_tenant))
    page.goto("/privacy/incidents")
    assert page.get_by_role("heading", name="Support laptop stolen").is_visible()
