"""The widget as a visitor meets it: headless Chromium on a business's website (its own origin), talking
to a real ``engium serve`` on another, with the salon's staff in a second browser profile. Issue 12's
flows 2, 3 and 5 end to end (the booking in the staff bookings view; the escalation arriving live in an open
inbox and the reply typed there reaching the widget), and what every visit relies on: a reload keeps the
conversation, the keyboard alone is enough, the page's CSS stays out."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, ViewportSize, expect

from engium.runtime import Runtime
from tests.live_server import LiveServer
from tests.mail.conftest import SmtpServer
from tests.widget.conftest import HostSite, StaffTab, Visit, WidgetBusiness, booking_day, open_business
from tests.widget.contact_proofs import arriving_code

pytestmark = pytest.mark.browser

# Followed by when, which depends on the real clock and the salon's hours ("within about 2 hours", "when we
# open on Monday at 09:00": tests/assistant/test_handover.py pins it down).
ESCALATED_REPLY = "Of course. I've asked a member of the team to take over; they'll reply here "
DESKTOP = ViewportSize(width=1280, height=800)
PHONE = ViewportSize(width=390, height=844)

ADDRESS = "ada.haircut@example.com"  # an address no other browser test e-mails


def open_chat(page: Page) -> None:
    page.get_by_role("button", name="Open chat").click()
    expect(page.get_by_role("dialog")).to_be_visible()


def send(page: Page, text: str) -> None:
    box = page.get_by_label("Message", exact=True)
    box.fill(text)
    box.press("Enter")


def replies(page: Page) -> Locator:
    return page.locator("engium-chat-widget .msg.assistant .body")


def messages(page: Page) -> list[str]:
    return page.locator("engium-chat-widget .msg .body").all_inner_texts()


def focused(page: Page) -> str:
    """What has focus inside the widget's shadow root ('' when focus is elsewhere)."""
    return str(page.evaluate(
        "() => { const a = document.activeElement;"
        " if (!a || a.tagName !== 'ENGIUM-CHAT-WIDGET') return '';"
        " const inner = a.shadowRoot.activeElement; return inner ? (inner.id || inner.className) : ''; }"
    ))


def test_a_website_not_on_the_allow_list_gets_a_friendly_refusal_and_the_key_alone_is_not_enough(
    chromium_screens: Path, visit: Visit, business: WidgetBusiness, host_site: HostSite, live: LiveServer,
    live_runtime: Runtime,
) -> None:
    page = visit.page
    # The same page, on an origin the business never listed: someone copied its public widget key.
    page.goto(host_site.origin("localhost") + host_site.publish("/copied", live.url, business.widget_key))
    open_chat(page)
    expect(page.get_by_role("alert")).to_contain_text("Sorry, chat isn't available on this page right now.")
    expect(page.get_by_label("Message", exact=True)).to_be_hidden()  # no composer that could only fail
    page.screenshot(path=chromium_screens / "widget-desktop-refused.png")

    # A script on that page calling the API itself: the browser blocks it, the server stores nothing.
    call = (
        "([api, key]) => fetch(api + '/widget/v1/conversations', {method: 'POST', body: '{}',"
        " headers: {'X-Widget-Key': key, 'Content-Type': 'application/json'}}).then(r => r.status, () => 'blocked')"
    )
    assert page.evaluate(call, [live.url, business.widget_key]) == "blocked"

    # Even where the preflight passes (another business lists this origin), this key is still refused.
    open_business(live, live_runtime, [host_site.origin("localhost")]).api.close()
    assert page.evaluate(call, [live.url, business.widget_key]) == "blocked"
    page.reload()
    open_chat(page)
    expect(page.get_by_role("alert")).to_contain_text("chat isn't available")
    assert business.get("/api/v1/contacts")["items"] == []
    assert business.get("/api/v1/conversations")["items"] == []


def test_a_visitor_books_after_proving_their_e_mail_address_with_the_code_in_the_widget(
    visit: Visit, business: WidgetBusiness, host_site: HostSite, live: LiveServer, staff_tab: StaffTab,
    live_smtp: SmtpServer, chromium_screens: Path,
) -> None:
    page = visit.page
    page.goto(host_site.origin() + host_site.publish("/", live.url, business.widget_key))
    open_chat(page)
    expect(page.get_by_role("dialog", name="Bella Hair Studio")).to_be_visible()  # titled from the config

    day = booking_day()
    send(page, f"Can I book a haircut on {day.isoformat()} at 10:00?")
    expect(replies(page).last).to_contain_text("I can book you in: Haircut (30 min, £30.00) with Sam Rivera")
    expect(replies(page).last).to_contain_text("I need your name and a phone number or e-mail address")
    form = page.get_by_role("form", name="Your details for the booking")
    expect(form).to_be_visible()
    assert focused(page) == "engium-name"  # the form is where the visitor goes next

    page.get_by_label("Name").fill("Ada Lovelace")
    page.get_by_label("Phone").fill("+44 7700 900123")
    page.get_by_role("button", name="Save details").click()
    # This business has no SMS channel: the form asks for an e-mail address to send the code to (ADR 0043).
    expect(form.get_by_role("alert")).to_contain_text("please give an e-mail address instead")
    form.get_by_label("Phone").fill("")
    form.get_by_label("E-mail").fill(ADDRESS)
    page.get_by_role("button", name="Save details").click()
    expect(form).to_be_hidden()
    proof = page.get_by_role("form", name="Confirm your details")
    expect(proof).to_contain_text("We e-mailed you a 6-digit code.")
    assert focused(page) == "engium-proof-code"
    send(page, "yes")
    expect(replies(page).last).to_contain_text("Please enter the code we sent you before I book")
    assert business.get("/api/v1/bookings")["items"] == []  # nothing before the proof and the visitor's "yes"
    code = arriving_code(live_smtp, ADDRESS)
    proof.get_by_label("Your code").fill(f"{(int(code) + 1) % 1_000_000:06d}")
    proof.get_by_role("button", name="Confirm").click()
    expect(proof.get_by_role("alert")).to_contain_text("That code doesn't match. 4 tries left.")
    page.screenshot(path=chromium_screens / "widget-booking-code.png")
    proof.get_by_label("Your code").fill(code)
    proof.get_by_role("button", name="Confirm").click()
    expect(proof).to_be_hidden()
    expect(page.locator("engium-chat-widget .note").last).to_contain_text("your details are confirmed")

    send(page, "yes")
    expect(replies(page).last).to_contain_text("You're booked: Haircut (30 min, £30.00) with Sam Rivera on ")
    (booking,) = business.get("/api/v1/bookings")["items"]
    assert booking["status"] == "confirmed"
    assert booking["starts_at"].startswith(f"{day.isoformat()}T10:00:00")
    contact = business.get(f"/api/v1/contacts/{booking['contact_id']}")
    assert (contact["name"], contact["email"], contact["unverified_email"]) == ("Ada Lovelace", ADDRESS, None)

    # The salon sees it in its bookings: the day view, in Sam's column.
    staff = staff_tab.sign_in(business.tenant)
    staff.goto(f"/bookings?view=day&date={day.isoformat()}")
    column = staff.get_by_role("region", name="Sam Rivera")
    entry = column.locator(".booking")
    expect(entry).to_have_count(1)
    expect(entry.locator(".booking-time")).to_have_text("10:00\u201310:30")  # an en dash
    expect(entry.locator(".booking-who")).to_have_text("Ada Lovelace")
    expect(entry.locator(".booking-what")).to_have_text("Haircut")
    entry.click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text("Haircut")
    expect(staff.locator("main")).to_contain_text("Ada Lovelace")


def test_a_visitor_asking_for_a_person_is_escalated_live_in_the_inbox_and_sees_the_reply_typed_there(
    visit: Visit, business: WidgetBusiness, host_site: HostSite, live: LiveServer, staff_tab: StaffTab
) -> None:
    # The salon has its inbox open before the visitor writes.
    inbox = staff_tab.sign_in(business.tenant)
    inbox.wait_for_selector("[data-live-inbox][data-live-state=ready]")
    inbox.evaluate("() => { window.sameDocument = true; }")

    page = visit.page
    page.goto(host_site.origin() + host_site.publish("/", live.url, business.widget_key))
    page.evaluate("() => { window.sameDocument = true; }")
    open_chat(page)
    send(page, "I'd like to talk to a person please")
    expect(replies(page).last).to_contain_text(ESCALATED_REPLY)

    (conversation,) = business.get("/api/v1/conversations", status="escalated")["items"]
    assert conversation["channel"] == "web"
    conversation_id = conversation["id"]
    row = inbox.locator(f'.inbox-row[data-id="{conversation_id}"]')
    expect(row.locator(".badge")).to_have_text("Escalated", timeout=15_000)  # pushed, not reloaded
    expect(row.locator(".inbox-preview")).to_contain_text(ESCALATED_REPLY[:40])
    assert inbox.evaluate("() => window.sameDocument") is True

    row.get_by_role("link").click()
    inbox.get_by_label("Reply").fill("Hi, this is Jo from the salon. How can I help?")
    inbox.get_by_role("button", name="Send").click()
    expect(inbox.get_by_role("region", name="Transcript")).to_contain_text("Hi, this is Jo from the salon.")

    staff = page.locator("engium-chat-widget .msg.agent")
    expect(staff.last.locator(".body")).to_have_text("Hi, this is Jo from the salon. How can I help?", timeout=30_000)
    expect(staff.last.locator(".who")).to_have_text("Team:")
    assert page.evaluate("() => window.sameDocument") is True  # no reload


def test_the_conversation_survives_a_reload(
    visit: Visit, business: WidgetBusiness, host_site: HostSite, live: LiveServer
) -> None:
    page = visit.page
    page.goto(host_site.origin() + host_site.publish("/", live.url, business.widget_key))
    open_chat(page)
    send(page, "When are you open?")
    expect(replies(page).last).to_contain_text("Our opening hours:")
    before = messages(page)

    page.reload()
    open_chat(page)
    expect(replies(page).last).to_contain_text("Our opening hours:")
    assert messages(page) == before
    assert page.evaluate("() => Object.keys(localStorage)") == [f"engium-widget:{business.widget_key}:anon"]
    assert len(business.get("/api/v1/conversations")["items"]) == 1


def test_the_widget_works_with_the_keyboard_alone_and_names_its_controls(
    visit: Visit, business: WidgetBusiness, host_site: HostSite, live: LiveServer
) -> None:
    page = visit.page
    page.goto(host_site.origin() + host_site.publish("/", live.url, business.widget_key))
    launcher = page.get_by_role("button", name="Open chat")
    expect(launcher).to_have_attribute("aria-expanded", "false")
    for _ in range(10):  # past the page's own links to the chat bubble
        page.keyboard.press("Tab")
        if focused(page) == "launcher":
            break
    assert focused(page) == "launcher"

    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name="Bella Hair Studio")).to_be_visible()
    expect(page.get_by_role("button", name="Close chat").first).to_be_visible()
    expect(page.get_by_role("log")).to_have_attribute("aria-live", "polite")
    expect(page.get_by_role("button", name="Send message")).to_be_visible()
    page.wait_for_function(
        "() => document.activeElement?.shadowRoot?.activeElement?.id === 'engium-input'"
    )
    page.keyboard.type("When are you open?")
    page.keyboard.press("Enter")
    expect(replies(page).last).to_contain_text("Our opening hours:")

    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    assert focused(page) == "launcher"
    expect(page.get_by_role("button", name="Open chat")).to_have_attribute("aria-expanded", "false")


def test_the_host_pages_css_does_not_reach_into_the_widget(
    visit: Visit, business: WidgetBusiness, host_site: HostSite, live: LiveServer
) -> None:
    page = visit.page
    page.goto(host_site.origin() + host_site.publish("/", live.url, business.widget_key))
    # The page's own text takes the hostile rule...
    assert page.locator("main p").evaluate("e => getComputedStyle(e).color") == "rgb(255, 0, 0)"
    open_chat(page)
    send(page, "When are you open?")
    reply = replies(page).last
    expect(reply).to_contain_text("Our opening hours:")
    # ...the widget's does not.
    style = reply.evaluate("e => { const s = getComputedStyle(e); return [s.color, s.fontSize, s.fontFamily]; }")
    assert style[0] != "rgb(255, 0, 0)"
    assert style[1] == "14px"
    assert "Comic Sans" not in style[2]
    launcher = page.locator("engium-chat-widget .launcher").bounding_box()
    assert launcher is not None
    assert (launcher["width"], launcher["height"]) == (56, 56)


def test_the_widget_looks_right_closed_open_and_with_the_details_form_on_desktop_and_phone(
    chromium_screens: Path, visit: Visit, business: WidgetBusiness, host_site: HostSite, live: LiveServer
) -> None:
    page = visit.page
    path = host_site.publish("/screens", live.url, business.widget_key, hostile_css=False)
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.goto(host_site.origin() + path)
        page.evaluate("() => localStorage.clear()")
        page.reload()
        launcher = page.get_by_role("button", name="Open chat")
        expect(launcher).to_be_visible()
        page.screenshot(path=chromium_screens / f"widget-{label}-closed.png")

        open_chat(page)
        send(page, "When are you open?")
        expect(replies(page).last).to_contain_text("Our opening hours:")
        page.screenshot(path=chromium_screens / f"widget-{label}-open.png")

        send(page, f"Can I book a haircut on {booking_day().isoformat()} at 11:00?")
        form = page.get_by_role("form", name="Your details for the booking")
        expect(form).to_be_visible()
        page.screenshot(path=chromium_screens / f"widget-{label}-details-form.png")

        panel = page.get_by_role("dialog").bounding_box()
        assert panel is not None
        # Never off screen.
        assert 0 <= panel["x"] <= panel["x"] + panel["width"] <= viewport["width"]
        assert 0 <= panel["y"] <= panel["y"] + panel["height"] <= viewport["height"]
        if label == "phone":
            assert panel["width"] == viewport["width"]  # the whole screen on a phone


@pytest.fixture
def chromium_screens(tmp_path: Path) -> Path:
    """Where the screenshots go: ``ENGIUM_WIDGET_SCREENSHOTS`` if set (to keep them), else a temp dir."""
    chosen = os.environ.get("ENGIUM_WIDGET_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder
