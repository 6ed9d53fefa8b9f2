"""An operator's own PostgreSQL that cannot run Engium is refused at start, with every missing piece named:
never a migration that fails halfway, a traceback, or the database password on the screen."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from engium.kit.server_requirements import ServerFacts, problems
from tests.external_postgres.debian_cluster import Cluster
from tests.live_server import cli_env


def engium(
    data_dir: Path, cluster: Cluster, *args: str, password: str | None = None
) -> subprocess.CompletedProcess[str]:
    url = cluster.url(password=password)
    return subprocess.run(
        [sys.executable, "-m", "engium.cli", *args, "--data-dir", str(data_dir)],
        capture_output=True, text=True, timeout=120,
        env=cli_env({"ENGIUM_DATABASE_URL": url, "ENGIUM_OWNER_DATABASE_URL": url}),
    )


@pytest.mark.parametrize("command", [["migrate"], ["serve", "--port", "1"], ["worker"]])
def test_a_server_without_pgvector_is_refused_naming_the_missing_extension(
    pg15: Cluster, tmp_path: Path, command: list[str]
) -> None:
    result = engium(tmp_path, pg15, *command)
    assert result.returncode == 2, result.stderr
    assert "the pgvector extension is not installed on this server" in result.stderr
    assert "postgresql-15-pgvector" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert pg15.password not in result.stderr + result.stdout


def test_nothing_was_written_to_the_refused_server(pg15: Cluster, tmp_path: Path) -> None:
    engium(tmp_path, pg15, "migrate")
    listing = subprocess.run(
        [sys.executable, "-c", (
            "import sys, sqlalchemy as sa; e = sa.create_engine(sys.argv[1]);"
            "c = e.connect(); print(c.execute(sa.text(\"select count(*) from pg_tables where schemaname = 'public'\"))"
            ".scalar_one())"
        ), pg15.url()],
        capture_output=True, text=True, timeout=60, env=cli_env(),
    )
    assert listing.stdout.strip() == "0", listing.stderr


def test_a_wrong_password_is_a_one_line_error_without_the_password(pg15: Cluster, tmp_path: Path) -> None:
    wrong = "not-the-password-" + "x" * 8
    result = engium(tmp_path, pg15, "migrate", password=wrong)
    assert result.returncode == 2
    assert "cannot connect to PostgreSQL" in result.stderr
    assert "password authentication failed" in result.stderr
    assert wrong not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (ServerFacts(140011, "0.8.0", "0.8.0"), ["PostgreSQL 14.11 is too old: Engium needs PostgreSQL 15 or later"]),
        (ServerFacts(170002, "0.7.4", "0.7.4"), ["pgvector 0.7.4 is too old: Engium needs pgvector 0.8.0 or later"]),
        (ServerFacts(170002, "0.8.1", None), [
            "pgvector 0.8.1 is available but not created in this database: run CREATE EXTENSION vector in it as a "
            "superuser (README: your own PostgreSQL)"]),
        (ServerFacts(180001, "0.8.1", "0.8.1"), []),
        (ServerFacts(150018, "0.10.0", "0.10.0"), []),  # compared as numbers, not as text
    ],
)
def test_each_requirement_is_named_in_words_an_operator_can_act_on(facts: ServerFacts, expected: list[str]) -> None:
    assert problems(facts) == expected


def test_an_old_server_without_pgvector_gets_both_problems() -> None:
    found = problems(ServerFacts(130015, None, None))
    assert found[0].startswith("PostgreSQL 13.15 is too old")
    assert "postgresql-13-pgvector" in found[1]
