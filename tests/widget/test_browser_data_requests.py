"""The widget's "Your data" form in headless Chromium: a visitor asks for a copy of their data, receives a
code by text message (read here from the queued message) or by e-mail (read from the SMTP server the live
server sent it to) and confirms it; staff see the request."""

from __future__ import annotations

import email
import os
import re
import time
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.channels.inbound_helpers import add_credential
from tests.live_server import LiveServer
from tests.mail.conftest import SmtpServer
from tests.widget.conftest import HostSite, Visit, WidgetBusiness

pytestmark = pytest.mark.browser


def queued_code(runtime: Runtime, business: WidgetBusiness) -> str:
    with tenant_transaction(runtime.database, business.tenant.id) as session:
        (body,) = session.execute(text("select body from messages where direction = 'outbound'")).scalars().all()
    (code,) = re.findall(r"\b\d{6}\b", body)
    return str(code)


def emailed_code(smtp: SmtpServer, address: str, wait_seconds: float = 20.0) -> str:
    """The code in the e-mail the live server's worker sent to ``address``, once it arrives."""
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        for received in list(smtp.collector.messages):
            if received.recipients == [address]:
                payload = email.message_from_bytes(received.content).get_payload(decode=True)
                assert isinstance(payload, bytes)
                (code,) = re.findall(r"\b\d{6}\b", payload.decode())
                return str(code)
        time.sleep(0.2)
    raise AssertionError(f"no e-mail reached the SMTP server within {wait_seconds} s")


def test_a_visitor_asks_for_a_copy_of_their_data_and_confirms_with_the_texted_code(
    visit: Visit, business: WidgetBusiness, host_site: HostSite, live: LiveServer, live_runtime: Runtime
) -> None:
    add_credential(business.api, business.tenant, "twilio", "default", "twilio-auth-token-browser-0123",
                   {"account_sid": "AC" + "0" * 32, "phone_number": "+15005550006"})
    contact = business.post("/api/v1/contacts", {"name": "Ada Lovelace", "phone": "+447700900123"})
    screens = Path(os.environ.get("ENGIUM_WIDGET_SCREENSHOTS", "/tmp"))
    page = visit.page
    page.goto(host_site.origin() + host_site.publish("/", live.url, business.widget_key))
    page.get_by_role("button", name="Open chat").click()
    page.screenshot(path=screens / "widget-your-data-link.png")
    page.get_by_role("button", name="Your data").click()
    section = page.get_by_role("region", name="Your data")
    expect(section).to_be_visible()
    expect(page.get_by_label("Message", exact=True)).to_be_hidden()  # the chat steps aside

    page.screenshot(path=screens / "widget-your-data-form.png")
    page.get_by_label("Mobile number").fill("07700 900123")
    page.get_by_role("button", name="Text me a code").click()
    expect(section.get_by_role("alert")).to_contain_text("international form")

    page.get_by_label("A copy of my data").check()
    page.get_by_label("Mobile number").fill("+44 7700 900123")
    page.get_by_role("button", name="Text me a code").click()
    expect(section).to_contain_text("If this number is on file with the business")
    code = queued_code(live_runtime, business)

    page.get_by_label("Code", exact=True).fill(f"{(int(code) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="Confirm").click()
    expect(section.get_by_role("alert")).to_contain_text("That code doesn't match. 2 tries left.")
    page.screenshot(path=screens / "widget-your-data-code.png")

    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_role("button", name="Confirm").click()
    expect(section).to_contain_text("Thank you: your request was received. The business must answer by")
    page.screenshot(path=screens / "widget-your-data.png")

    (request,) = business.get("/api/v1/privacy/requests")["items"]
    assert (request["kind"], request["source"], request["contact_id"]) == ("export", "widget", contact["id"])
    assert request["days_left"] == 29

    page.get_by_role("button", name="Back to chat").click()
    expect(page.get_by_label("Message", exact=True)).to_be_visible()


def test_a_visitor_chooses_email_and_confirms_with_the_emailed_code(
    visit: Visit, business: WidgetBusiness, host_site: HostSite, live: LiveServer, live_smtp: SmtpServer
) -> None:
    address = f"ada-{uuid.uuid4().hex[:8]}@example.com"
    contact = business.post("/api/v1/contacts", {"name": "Ada Lovelace", "email": address})
    page = visit.page
    page.goto(host_site.origin() + host_site.publish("/", live.url, business.widget_key))
    page.get_by_role("button", name="Open chat").click()
    page.get_by_role("button", name="Your data").click()
    section = page.get_by_role("region", name="Your data")
    section.get_by_role("radio", name="E-mail").check()
    expect(section.get_by_label("Mobile number")).to_have_count(0)  # the one field now asks for the address
    section.get_by_label("E-mail address").fill("ada@")
    page.get_by_role("button", name="E-mail me a code").click()
    expect(section.get_by_role("alert")).to_contain_text("Please enter your e-mail address in full")

    page.get_by_label("Delete my data").check()
    section.get_by_label("E-mail address").fill(address.upper())
    page.screenshot(path=Path(os.environ.get("ENGIUM_WIDGET_SCREENSHOTS", "/tmp")) / "widget-your-data-email.png")
    page.get_by_role("button", name="E-mail me a code").click()
    expect(section).to_contain_text("If this e-mail address is on file with the business")
    page.get_by_label("Code", exact=True).fill(emailed_code(live_smtp, address))
    page.get_by_role("button", name="Confirm").click()
    expect(section).to_contain_text("Thank you: your request was received. The business must answer by")

    (request,) = business.get("/api/v1/privacy/requests")["items"]
    assert (request["kind"], request["source"], request["contact_id"]) == ("erasure", "widget", contact["id"])
