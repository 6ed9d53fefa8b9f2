"""Flow 1: a member turns on two-factor authentication in the browser, then signs in with a code.

And the business-wide rule: when the business requires TOTP, a member without it can only enrol."""

from __future__ import annotations

import re
import time
from typing import Any

import pyotp
import pytest

from tests.conftest import TenantHandle
from tests.live_server import LiveServer
from tests.web.conftest import sign_in
from tests.web.members import add_member, owner_of

pytestmark = pytest.mark.browser


def _secret_shown(page: Any) -> str:
    return str(page.locator("[data-totp-secret]").inner_text()).replace(" ", "")


def _enrol(page: Any) -> str:
    page.goto("/account/two-factor")
    page.get_by_role("button", name="Set up two-factor authentication").click()
    secret = _secret_shown(page)
    assert page.locator(".qr svg").count() == 1, "the QR code is on the page"
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on").click()
    page.wait_for_load_state()
    return secret


def test_a_member_enrols_through_the_page_and_then_signs_in_with_a_code(page: Any, live_tenant: TenantHandle) -> None:
    owner = owner_of(live_tenant)
    sign_in(page, owner)
    assert page.url.endswith("/inbox")

    secret = _enrol(page)
    assert "Two-factor authentication is on" in page.content()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/sign-in"))

    # The password alone is not enough any more: the form asks for the code.
    sign_in(page, owner)
    assert page.url.endswith("/sign-in")
    assert "enter your password and the 6-digit code" in page.content()
    # Each time step is accepted once and enrolment spent the current one: use the next (±1 step allowed).
    next_code = pyotp.TOTP(secret).at(time.time() + 30)
    page.get_by_label("Password").fill(owner.password)
    page.get_by_label("Authentication code").fill(next_code)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/inbox$"))
    assert page.get_by_role("link", name="Inbox").count() == 1


def test_a_business_that_requires_totp_sends_a_member_without_it_to_enrolment(
    page: Any, live: LiveServer, live_tenant: TenantHandle
) -> None:
    with live.client() as api:
        agent = add_member(api, live_tenant, "agent")
        required = api.patch("/api/v1/settings", json={"mfa_required": True}, headers=live_tenant.headers)
        assert required.status_code == 200

    sign_in(page, agent)
    page.wait_for_url(re.compile(r"/account/two-factor$"))
    assert "requires a second step at sign-in" in page.content()
    # Every other page sends the member back here until they have enrolled.
    page.goto("/inbox")
    assert page.url.endswith("/account/two-factor")

    _enrol(page)
    page.goto("/inbox")
    assert page.url.endswith("/inbox")


