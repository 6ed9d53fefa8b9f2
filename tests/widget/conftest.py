"""The widget in a real browser: a real ``engium serve``, a business's website on another origin, and
headless Chromium. Browser tests carry the ``browser`` marker; without Chromium they are deselected
and the summary says so in red (tests/headless_chromium.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from engium.config import Settings
from engium.runtime import Runtime
from tests import headless_chromium
from tests.channels.inbound_helpers import add_credential
from tests.conftest import OWNER_PASSWORD, TenantHandle, make_tenant, scratch_dir
from tests.live_server import LiveServer, free_port, live_server
from tests.mail.conftest import SmtpServer, running_smtp_server

HERE = Path(__file__).resolve().parent
WIDGET_SECRET = "widget-identity-secret-for-the-browser-tests"
# What a hostile (or just careless) host page does to every element it can reach.
HOSTILE_CSS = "* { color: red !important; font-size: 40px !important; font-family: 'Comic Sans MS' !important; }"


def pytest_configure(config: pytest.Config) -> None:
    headless_chromium.register_marker(config)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    headless_chromium.deselect_browser_tests(config, items, HERE)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    headless_chromium.report_deselected(terminalreporter)


# ---- the business's website ---------------------------------------------------------------------------


class HostSite:
    """A tiny website (stdlib HTTP server) serving pages that embed the widget with its one line.

    One server answers on 127.0.0.1 and, as a different origin, on ``localhost``."""

    def __init__(self) -> None:
        self.port = free_port()
        self.pages: dict[str, str] = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = pages.get(self.path.split("?")[0])
                if body is None:
                    self.send_error(404)
                    return
                encoded = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(encoded)))
                self.end_headers()
                self.wfile.write(encoded)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def origin(self, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}"

    def publish(
        self, path: str, engium: str, widget_key: str, *, hostile_css: bool = True, attributes: str = ""
    ) -> str:
        """A page with the embed line; returns the path to open on any of the site's origins."""
        style = f"<style>{HOSTILE_CSS}</style>" if hostile_css else ""
        self.pages[path] = (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>Bella Hair Studio</title>{style}</head><body>"
            "<a href='#main'>Skip to content</a><main id='main'><h1>Bella Hair Studio</h1>"
            "<p>Cuts, colour and styling in the heart of town. <a href='#book'>Book online</a></p></main>"
            f'<script src="{engium}/widget/v1/widget.js" data-key="{widget_key}" {attributes} async></script>'
            "</body></html>"
        )
        return path

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="package")
def host_site() -> Iterator[HostSite]:
    site = HostSite()
    yield site
    site.close()


# ---- Engium, for real ----------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def live_smtp() -> Iterator[SmtpServer]:
    """The operator's SMTP relay for the live server: a real one on loopback (tests/mail) that keeps what
    it receives, so a test can read the code a visitor was e-mailed."""
    with running_smtp_server() as server:
        yield server


@pytest.fixture(scope="package")
def live(live_smtp: SmtpServer) -> Iterator[LiveServer]:
    with scratch_dir("engium-widget-live-") as scratch, \
            live_server(scratch / "data", live_smtp.environment()) as server:
        yield server


@pytest.fixture(scope="package")
def live_runtime(live: LiveServer) -> Runtime:
    return Runtime(settings=Settings(data_dir=live.data_dir, secure_cookies=False), database=live.database)


@dataclass
class WidgetBusiness:
    """A salon on the live server: one service, one stylist working every day 09:00-17:00 (UTC), a
    widget credential, and the host site's 127.0.0.1 origin allowed."""

    tenant: TenantHandle
    widget_key: str
    api: httpx.Client
    service_id: str = ""
    staff_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def get(self, path: str, **params: Any) -> Any:
        response = self.api.get(path, headers=self.tenant.headers, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def post(self, path: str, body: dict[str, Any]) -> Any:
        response = self.api.post(path, headers=self.tenant.headers, json=body)
        assert response.status_code in {200, 201}, response.text
        return response.json()


def open_business(live: LiveServer, runtime: Runtime, allowed: list[str]) -> WidgetBusiness:
    tenant = make_tenant(runtime, name="Bella Hair Studio")
    api = live.client()
    business = WidgetBusiness(tenant, "", api)
    patched = api.patch("/api/v1/settings", headers=tenant.headers, json={
        "timezone": "UTC", "widget_allowed_origins": allowed, "address": "12 Market Street",
        "opening_hours": {day: "09:00-17:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
    })
    assert patched.status_code == 200, patched.text
    widget = add_credential(api, tenant, "widget", "website", WIDGET_SECRET)
    business.widget_key = str(widget["metadata"]["public_widget_key"])
    service = business.post("/api/v1/services", {"name": "Haircut", "duration_minutes": 30, "price_cents": 3000,
                                                 "currency": "GBP"})
    staff = business.post("/api/v1/staff", {"name": "Sam Rivera", "service_ids": [service["id"]]})
    rules = [{"weekday": day, "start_time": "09:00", "end_time": "17:00"} for day in range(7)]
    response = api.put(f"/api/v1/staff/{staff['id']}/availability", headers=tenant.headers, json={"rules": rules})
    assert response.status_code == 200, response.text
    business.service_id, business.staff_id = service["id"], staff["id"]
    return business


def booking_day() -> date:
    """Two days ahead: always in the future, whatever the time of day the tests run."""
    return datetime.now(UTC).date() + timedelta(days=2)


@pytest.fixture
def business(live: LiveServer, live_runtime: Runtime, host_site: HostSite) -> Iterator[WidgetBusiness]:
    opened = open_business(live, live_runtime, [host_site.origin()])
    yield opened
    opened.api.close()


# ---- the browser ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    # Module scope: Playwright's sync API keeps an event loop running on this thread while it is open,
    # and later tests that run their own (asyncio.run) must not find it there.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(headless_chromium.CHROMIUM), args=headless_chromium.LAUNCH_ARGS
        )
        yield browser
        browser.close()


@dataclass
class Visit:
    """One browser tab on the host site, and every script error it raised (a test fails on any)."""

    page: Page
    errors: list[str]


@pytest.fixture
def visit(chromium: Browser) -> Iterator[Visit]:
    context = chromium.new_context(viewport=ViewportSize(width=1280, height=800))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_default_timeout(20_000)
    yield Visit(page, errors)
    context.close()
    assert errors == [], errors


class StaffTab:
    """A second browser profile, signed in through the sign-in page as the business's owner: the staff
    side of a flow, watching the same live server the visitor talks to."""

    def __init__(self, chromium: Browser, live: LiveServer) -> None:
        self.context = chromium.new_context(viewport=ViewportSize(width=1280, height=800), base_url=live.url)
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def sign_in(self, tenant: TenantHandle) -> Page:
        page = self.page
        page.goto("/sign-in")
        page.get_by_label("E-mail address").fill(tenant.owner_email)
        page.get_by_label("Password").fill(OWNER_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/inbox**")
        return page


@pytest.fixture
def staff_tab(chromium: Browser, live: LiveServer) -> Iterator[StaffTab]:
    tab = StaffTab(chromium, live)
    yield tab
    tab.context.close()
    assert tab.errors == [], tab.errors
