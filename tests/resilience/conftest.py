"""Faults that need more than a test process has everywhere: mounting a small disk (root) and skewing a
process's clock (Debian's faketime). Without them those tests are deselected and the summary says so in
red: a gap, never a silent pass. CI has both (.ci/run runs as root and installs faketime) and sets
ENGIUM_REQUIRE_SYSTEM_PACKAGES, under which they fail instead, naming what is missing (tests/deselection.py)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from tests.deselection import Deselection
from tests.resilience.fake_twilio import FakeTwilio

_deselected = Deselection("FAULT-INJECTION TESTS NOT RUN")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    small_disk = None if os.geteuid() == 0 else "mounting the small disk needs root"
    faketime = None if shutil.which("faketime") else "Debian's faketime is not installed (apt-get install faketime)"
    _deselected.apply(config, items, (({"small_disk"}, small_disk), ({"faketime"}, faketime)))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    _deselected.report(terminalreporter)


@pytest.fixture
def faketime() -> str:
    """Debian's faketime: runs a command with its clock shifted (libfaketime)."""
    path = shutil.which("faketime")
    assert path is not None
    return path


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    """Twilio's send endpoint on loopback, accepting every reply (tests stage outages on it)."""
    provider = FakeTwilio()
    yield provider
    provider.close()
