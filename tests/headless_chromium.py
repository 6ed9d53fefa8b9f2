"""Debian's Chromium, driven by Playwright, for the tests that need a real browser.

Playwright's own browser downloads are not used: the system's ``/usr/bin/chromium`` is. Where it is
missing, the browser tests are deselected and the run says so loudly (:func:`deselect_browser_tests`,
called from a conftest's ``pytest_collection_modifyitems``); every other test still runs. Under
``ENGIUM_REQUIRE_SYSTEM_PACKAGES`` (CI) they fail instead (tests/deselection.py).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.deselection import leave_out

# ENGIUM_TEST_CHROMIUM: another Chromium binary, as for tests/web.
CHROMIUM = Path(os.environ.get("ENGIUM_TEST_CHROMIUM", "/usr/bin/chromium"))
# No sandbox: test containers run as root, where Chromium refuses its sandbox. Nothing in the tests
# loads third-party content. The rest keeps the browser from calling home during a test.
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
MARKER = "browser"
_deselected: list[str] = []


def missing_reason() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    return None


def register_marker(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}: runs in headless Chromium ({CHROMIUM}); deselected without it")


def deselect_browser_tests(config: pytest.Config, items: list[pytest.Item], under: Path) -> None:
    """Deselects the ``browser``-marked tests below ``under`` when Chromium is missing."""
    reason = missing_reason()
    if reason is None:
        return
    chosen = [item for item in items if item.get_closest_marker(MARKER) and under in item.path.parents]
    if leave_out(config, items, chosen, reason):
        _deselected.extend(f"{item.nodeid}: {reason}" for item in chosen)


def report_deselected(terminal: pytest.TerminalReporter) -> None:
    """A red section in the summary: a browser test left out is a gap, not a pass."""
    if not _deselected:
        return
    terminal.section("BROWSER TESTS NOT RUN", sep="!", red=True, bold=True)
    for line in _deselected:
        terminal.line(f"deselected {line}", red=True)
    terminal.line(f"{len(_deselected)} browser test(s) did not run: install Chromium to run them.", red=True,
                  bold=True)
    _deselected.clear()
