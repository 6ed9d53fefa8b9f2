"""Faults that need more than a test process has everywhere: mounting a small disk (root) and skewing a
process's clock (Debian's faketime). Without them those tests are deselected and the summary says so in
red: a gap, never a silent pass. CI has both (.ci/run runs as root and installs faketime)."""

from __future__ import annotations

import os
import shutil

import pytest

_deselected: list[str] = []


def _missing(fixture: str) -> str | None:
    if fixture == "small_disk" and os.geteuid() != 0:
        return "mounting the small disk needs root"
    if fixture == "faketime" and shutil.which("faketime") is None:
        return "Debian's faketime is not installed (apt-get install faketime)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for fixture in ("small_disk", "faketime"):
        reason = _missing(fixture)
        here = [item for item in items if reason and fixture in getattr(item, "fixturenames", ())]
        if here:
            config.hook.pytest_deselected(items=here)
            items[:] = [item for item in items if item not in here]
            _deselected.extend(f"{item.nodeid}: {reason}" for item in here)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _deselected:
        terminalreporter.section("FAULT-INJECTION TESTS NOT RUN", sep="!", red=True, bold=True)
        for line in _deselected:
            terminalreporter.line(f"deselected {line}", red=True)


@pytest.fixture
def faketime() -> str:
    """Debian's faketime: runs a command with its clock shifted (libfaketime)."""
    path = shutil.which("faketime")
    assert path is not None
    return path
