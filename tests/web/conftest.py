"""Fixtures for the staff web app: a real ``engium serve`` and a headless Chromium driven by Playwright.

The browser is Debian's ``chromium`` (``/usr/bin/chromium``; ``.ci/run`` installs it). Without it the
browser tests are deselected, and the summary says so in capitals: they are never skipped silently (under
``ENGIUM_REQUIRE_SYSTEM_PACKAGES``, set by CI, they fail instead: tests/deselection.py).
Every screenshot a test takes goes to one folder per run, printed at the end of the run.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engium.config import Settings
from engium.incidents.operator_auth import new_token
from engium.runtime import Runtime
from tests.conftest import TenantHandle, make_tenant, scratch_dir
from tests.deselection import leave_out
from tests.live_server import LiveServer, live_server
from tests.web.members import Credentials

CHROMIUM = Path(os.environ.get("ENGIUM_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
BROWSER_MARK = "browser"
# The operator console's token (tests/web/test_operator_console_browser.py); the server gets its hash.
OPERATOR_TOKEN, OPERATOR_TOKEN_SHA256 = new_token()
SCREENSHOTS = Path(tempfile.gettempdir()) / f"engium-screenshots-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"

_deselected: list[str] = []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    browser_items = [item for item in items if item.get_closest_marker(BROWSER_MARK)]
    if leave_out(config, items, browser_items, f"{CHROMIUM} is missing (apt-get install chromium)"):
        _deselected.extend(item.nodeid for item in browser_items)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _deselected:
        terminalreporter.write_sep("!", f"BROWSER TESTS NOT RUN: {CHROMIUM} IS MISSING", red=True, bold=True)
        terminalreporter.write_line(
            f"{len(_deselected)} staff web app test(s) were deselected. Install Debian's chromium "
            "(apt-get install -y chromium) to run them; .ci/run does.", red=True)
    if SCREENSHOTS.exists():
        terminalreporter.write_sep("-", f"staff web app screenshots: {SCREENSHOTS}")


@pytest.fixture(scope="package")
def live() -> Iterator[LiveServer]:
    # Secure cookies as `make run` sets them: Chromium keeps them on http://127.0.0.1 (a secure context).
    env = {"ENGIUM_LOGIN_ATTEMPTS_PER_MINUTE": "100000", "ENGIUM_SECURE_COOKIES": "true",
           "ENGIUM_OPERATOR_TOKEN_SHA256": OPERATOR_TOKEN_SHA256}
    # --demo: the salon the screenshots show (test_screenshots.py); every other test makes its own business.
    with scratch_dir("engium-web-") as scratch, live_server(scratch / "data", env, "--demo") as server:
        yield server


@pytest.fixture(scope="package")
def live_runtime(live: LiveServer) -> Runtime:
    return Runtime(settings=Settings(data_dir=live.data_dir, secure_cookies=False), database=live.database)


@pytest.fixture
def live_tenant(live_runtime: Runtime) -> TenantHandle:
    return make_tenant(live_runtime, timezone="Europe/London")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # Module scope: Playwright's sync API keeps an event loop running on this thread while it is open, and
    # a later module's test that runs its own (asyncio.run, tests/web/test_inbox_feed.py) must not find it.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, live: LiveServer) -> Iterator[Any]:
    """A fresh browser profile (no cookies) on the live server; fails the test on any script error or
    Content-Security-Policy violation the page reports."""
    context = browser.new_context(viewport=DESKTOP, base_url=live.url)
    context.set_default_timeout(15_000)
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    opened.on("console", lambda message: problems.append(f"console: {message.text}")
              if message.type == "error" and "Content Security Policy" in message.text else None)
    yield opened
    context.close()
    assert not problems, problems


def sign_in(page: Any, who: Credentials, *, code: str | None = None) -> None:
    """Signs in through the form, as a person would; ``code``: the TOTP code, when the form asks."""
    page.goto("/sign-in")
    page.get_by_label("E-mail address").fill(who.email)
    page.get_by_label("Password").fill(who.password)
    if code is not None and page.get_by_label("Authentication code").count():
        page.get_by_label("Authentication code").fill(code)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def phone_overflow(page: Any) -> int:
    """How many CSS pixels the current page is wider than a phone's screen (0: it fits, nothing scrolls
    sideways)."""
    page.set_viewport_size(PHONE)
    try:
        return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))
    finally:
        page.set_viewport_size(DESKTOP)


def screenshot(page: Any, name: str) -> tuple[Path, Path]:
    """The page at desktop and at phone width, into this run's screenshot folder."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    paths = (SCREENSHOTS / f"{name}-desktop.png", SCREENSHOTS / f"{name}-phone.png")
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(paths[0]), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(paths[1]), full_page=True)
    page.set_viewport_size(DESKTOP)
    return paths
