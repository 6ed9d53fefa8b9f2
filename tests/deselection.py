"""Tests that need what a machine may lack (a Debian package, root) are deselected where it is missing, and
the summary says so in red: a gap, never a silent pass.

CI installs everything (.ci/run) and then sets ``ENGIUM_REQUIRE_SYSTEM_PACKAGES=1``: under it nothing is
deselected; a test whose package is missing FAILS at setup with a message naming the package, so a broken
install can never leave CI green with those tests silently dropped. A developer's machine, without the
variable, keeps the red deselection summary."""

from __future__ import annotations

import os
from collections.abc import Iterable

import pytest

REQUIRE_VARIABLE = "ENGIUM_REQUIRE_SYSTEM_PACKAGES"
_MISSING = pytest.StashKey[str]()


def system_packages_required() -> bool:
    """True where the run must have every system package (CI): set, and neither empty nor ``0``."""
    return os.environ.get(REQUIRE_VARIABLE, "").strip() not in ("", "0")


def leave_out(config: pytest.Config, items: list[pytest.Item], chosen: list[pytest.Item], reason: str) -> bool:
    """Deselects ``chosen`` (they need what ``reason`` says is missing) and returns True; under
    :data:`REQUIRE_VARIABLE` keeps them, marked to fail at setup (:func:`fail_where_missing`), and returns False."""
    if not chosen:
        return False
    if system_packages_required():
        for item in chosen:
            item.stash[_MISSING] = reason
        return False
    config.hook.pytest_deselected(items=chosen)
    items[:] = [item for item in items if item not in chosen]
    return True


def fail_where_missing(item: pytest.Item) -> None:
    """Called first in every test's setup (tests/conftest.py): fails a test kept by :func:`leave_out` before
    any of its fixtures tries to start the missing program."""
    reason = item.stash.get(_MISSING, None)
    if reason is not None:
        pytest.fail(f"{REQUIRE_VARIABLE} is set (CI must run this test) but {reason}", pytrace=False)


class Deselection:
    def __init__(self, title: str) -> None:
        self.title = title
        self.lines: list[str] = []

    def apply(self, config: pytest.Config, items: list[pytest.Item],
              requirements: Iterable[tuple[set[str], str | None]]) -> None:
        """``requirements``: the fixtures that need something, and why it is missing (None: present)."""
        for needs, reason in requirements:
            if reason is None:
                continue
            here = [item for item in items if needs & set(getattr(item, "fixturenames", ()))]
            if leave_out(config, items, here, reason):
                self.lines.extend(f"{item.nodeid}: {reason}" for item in here)

    def report(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.lines:
            terminalreporter.section(self.title, sep="!", red=True, bold=True)
            for line in self.lines:
                terminalreporter.line(f"deselected {line}", red=True)
