"""Tests against a PostgreSQL server Engium did not start, or through PgBouncer. Without Debian's PostgreSQL 15
or PgBouncer the tests needing them are deselected, and the summary says so in red: a gap, never a silent pass."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.external_postgres import debian_cluster as pg15
from tests.external_postgres import pgbouncer
from tests.external_postgres.debian_cluster import Cluster, debian_cluster

_deselected: list[str] = []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    requirements = (({"pg15"}, pg15.missing_reason()), ({"bounced", "own_server"}, pgbouncer.missing_reason()))
    for needs, reason in requirements:
        if reason is None:
            continue
        here = [item for item in items if needs & set(getattr(item, "fixturenames", ()))]
        if here:
            config.hook.pytest_deselected(items=here)
            items[:] = [item for item in items if item not in here]
            _deselected.extend(f"{item.nodeid}: {reason}" for item in here)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _deselected:
        terminalreporter.section("EXTERNAL POSTGRESQL TESTS NOT RUN", sep="!", red=True, bold=True)
        for line in _deselected:
            terminalreporter.line(f"deselected {line}", red=True)


@pytest.fixture(scope="package", name="pg15")
def pg15_cluster() -> Iterator[Cluster]:
    with debian_cluster() as cluster:
        yield cluster
