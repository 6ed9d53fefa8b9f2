"""Operators and onboarding in a real browser: the operator suspends a business from the Businesses page
and its owner is told why at sign-in; the delete confirmation; the forgotten-password pages. Each page at
desktop and phone width."""

from __future__ import annotations

import email
import re
import time
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from engium.runtime import Runtime
from tests.conftest import TenantHandle
from tests.web.conftest import OPERATOR_TOKEN, phone_overflow, screenshot, sign_in
from tests.web.members import owner_of

pytestmark = pytest.mark.browser


def test_an_operator_suspends_a_business_and_its_owner_is_told_why(page: Any, live_tenant: TenantHandle) -> None:
    page.goto("/operator/sign-in")
    page.get_by_label("Operator token").fill(OPERATOR_TOKEN)
    page.get_by_label("Your name (for the audit log)").fill("Dana")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/operator")
    page.get_by_role("link", name="Businesses").first.click()
    page.wait_for_url("**/operator/tenants")
    row = page.locator(f'tr[data-tenant="{live_tenant.id}"]')
    assert row.get_by_text(live_tenant.name).is_visible()
    screenshot(page, "operator-businesses")
    assert phone_overflow(page) <= 0
    row.get_by_label("Reason").fill("Unpaid since March")
    row.get_by_role("button", name="Suspend").click()
    page.wait_for_url("**/operator/tenants?done=suspended")
    assert page.locator(f'tr[data-tenant="{live_tenant.id}"]').get_by_text("suspended", exact=True).is_visible()
    screenshot(page, "operator-businesses-suspended")

    page.locator(f'tr[data-tenant="{live_tenant.id}"]').get_by_role("link", name="Delete…").click()
    page.wait_for_url("**/delete")
    assert page.get_by_role("heading", name="This cannot be undone").is_visible()
    screenshot(page, "operator-business-delete")
    assert phone_overflow(page) <= 0
    page.get_by_role("link", name="Cancel").click()

    sign_in(page, owner_of(live_tenant))
    assert page.get_by_text("This business is suspended by the operator").is_visible()
    screenshot(page, "sign-in-suspended")

    page.goto("/operator/tenants")
    page.locator(f'tr[data-tenant="{live_tenant.id}"]').get_by_role("button", name="Unsuspend").click()
    page.wait_for_url("**/operator/tenants?done=unsuspended")
    sign_in(page, owner_of(live_tenant))
    page.wait_for_url("**/inbox")


def reset_token_in_outbox(outbox: Path, address: str, seconds: float = 30.0) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for written in sorted(outbox.glob("*.eml")) if outbox.is_dir() else []:
            message = email.message_from_bytes(written.read_bytes(), policy=policy.default)
            if message["To"] == address and isinstance(message, EmailMessage):
                found = re.search(r"/password-reset/confirm\?token=([A-Za-z0-9_-]+)", message.get_content())
                if found:
                    return found.group(1)
        time.sleep(0.3)
    raise AssertionError(f"no reset link for {address} in {outbox} after {seconds} s")


def test_the_forgotten_password_pages(page: Any, live_runtime: Runtime, live_tenant: TenantHandle) -> None:
    page.goto("/sign-in")
    page.get_by_role("link", name="Forgot your password?").click()
    page.wait_for_url("**/password-reset")
    page.get_by_label("E-mail address").fill(live_tenant.owner_email)
    screenshot(page, "password-reset")
    assert phone_overflow(page) <= 0
    # The live server runs the demo without an SMTP server: its e-mails are written to the outbox.
    page.get_by_role("button", name="Send me a link").click()
    assert page.get_by_text("we have sent it a link to choose a new password").is_visible()
    token = reset_token_in_outbox(live_runtime.settings.data_dir / "outbox", live_tenant.owner_email)
    page.goto(f"/password-reset/confirm?token={token}")
    screenshot(page, "password-reset-confirm")
    assert phone_overflow(page) <= 0
    page.get_by_label("New password", exact=True).fill("a brand new passphrase")
    page.get_by_label("Repeat the new password").fill("a brand new passphrase")
    page.get_by_role("button", name="Set the new password").click()
    page.wait_for_url("**/sign-in?done=reset")
    assert page.get_by_text("Your new password is set").is_visible()
