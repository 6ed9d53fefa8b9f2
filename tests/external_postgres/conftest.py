"""Tests against a PostgreSQL server Engium did not start, or through PgBouncer. Without Debian's PostgreSQL 15
or PgBouncer the tests needing them are deselected, and the summary says so in red: a gap, never a silent pass.
Under ENGIUM_REQUIRE_SYSTEM_PACKAGES (CI) they fail instead, naming the package (tests/deselection.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.deselection import Deselection
from tests.external_postgres import debian_cluster as pg15
from tests.external_postgres import pgbouncer
from tests.external_postgres.debian_cluster import Cluster, debian_cluster

_deselected = Deselection("EXTERNAL POSTGRESQL TESTS NOT RUN")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _deselected.apply(config, items, (({"pg15"}, pg15.missing_reason()),
                                      ({"bounced", "own_server"}, pgbouncer.missing_reason())))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    _deselected.report(terminalreporter)


@pytest.fixture(scope="package", name="pg15")
def pg15_cluster() -> Iterator[Cluster]:
    with debian_cluster() as cluster:
        yield cluster
