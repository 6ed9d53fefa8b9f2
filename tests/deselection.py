"""Tests that need what a machine may lack (a Debian package, root) are deselected where it is missing, and
the summary says so in red: a gap, never a silent pass. CI has everything (.ci/run)."""

from __future__ import annotations

from collections.abc import Iterable

import pytest


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
            if here:
                config.hook.pytest_deselected(items=here)
                items[:] = [item for item in items if item not in here]
                self.lines.extend(f"{item.nodeid}: {reason}" for item in here)

    def report(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.lines:
            terminalreporter.section(self.title, sep="!", red=True, bold=True)
            for line in self.lines:
                terminalreporter.line(f"deselected {line}", red=True)
