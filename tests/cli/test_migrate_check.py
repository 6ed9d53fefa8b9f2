"""``engium migrate --check``: a deployment asks, before it sends traffic, whether the schema is exactly
what the running code expects. It changes nothing, and its exit status is the answer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from engium.kit.database import Database
from tests.cli.runner import engium
from tests.conftest import scratch_dir


@pytest.fixture(scope="module")
def data_dir() -> Iterator[Path]:
    with scratch_dir("engium-migrate-check-") as path:
        yield path / "data"


def owner_sql(data_dir: Path, statement: str, **params: str) -> str | None:
    """Runs one statement as the schema owner (in-process: ``engium db url`` would migrate first and undo
    the revisions these tests set)."""
    database = Database.open(app_url=None, owner_url=None, data_dir=data_dir, pool_size=1)
    engine = database.owner_engine()
    try:
        with engine.begin() as conn:
            result = conn.execute(text(statement), params)
            return result.scalar_one() if result.returns_rows else None
    finally:
        engine.dispose()
        database.close()


def head_revision(data_dir: Path) -> str:
    return str(owner_sql(data_dir, "select version_num from alembic_version"))


def set_revision(data_dir: Path, revision: str) -> None:
    owner_sql(data_dir, "update alembic_version set version_num = :revision", revision=revision)


def test_a_fresh_database_has_everything_to_apply_and_the_check_applies_none_of_it(data_dir: Path) -> None:
    check = engium(data_dir, "migrate", "--check")
    assert check.returncode == 1
    assert "the database has no schema yet" in check.stderr
    assert "migration(s) to apply (engium migrate)" in check.stderr
    again = engium(data_dir, "migrate", "--check")  # the first check applied nothing
    assert (again.returncode, again.stderr) == (1, check.stderr)


def test_after_migrating_the_schema_matches(data_dir: Path) -> None:
    assert engium(data_dir, "migrate").returncode == 0
    check = engium(data_dir, "migrate", "--check")
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith("the schema matches the code (revision ")


def test_a_schema_behind_the_code_lists_what_would_be_applied(data_dir: Path) -> None:
    head = head_revision(data_dir)
    set_revision(data_dir, "0012")
    try:
        check = engium(data_dir, "migrate", "--check")
        assert check.returncode == 1
        assert "the schema is behind the code" in check.stderr
        pending = check.stderr.rsplit(": ", 1)[1].strip().split(", ")
        assert pending[0] == "0013"
        assert pending[-1] == head
    finally:
        set_revision(data_dir, head)


def test_a_schema_migrated_by_newer_code_is_named_as_such(data_dir: Path) -> None:
    head = head_revision(data_dir)
    set_revision(data_dir, "9999_from_the_future")
    try:
        check = engium(data_dir, "migrate", "--check")
        assert check.returncode == 1
        assert "revision 9999_from_the_future, which this code does not know" in check.stderr
    finally:
        set_revision(data_dir, head)
    assert engium(data_dir, "migrate", "--check").returncode == 0
