"""Engium on a PostgreSQL it did not start: a second cluster set up only with the README's role
statements, reached over TCP with SCRAM passwords and TLS (own_cluster.py). The commands migrate and
check it, and a part of the test suite runs against it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import make_url

from tests.external_postgres import own_cluster
from tests.external_postgres.own_cluster import OwnServer
from tests.live_server import cli_env

ROOT = Path(__file__).resolve().parents[2]
# The isolation proofs (catalog rules, every API operation from another tenant, raw SQL as the app role,
# Citus readiness) and the audit chain, its refusals and its API. (The tamper tests are left out: they need
# the embedded server's superuser to tamper with.) Any other part runs the same way, with the variables
# that test_the_isolation_and_audit_suites_pass_against_it sets.
SUITE_PART = ["tests/tenancy", "tests/audit/test_chain.py", "tests/audit/test_refusals.py",
              "tests/audit/test_audit_api.py"]


@pytest.fixture(scope="module", name="own_server")
def started_own_server() -> Iterator[OwnServer]:
    with own_cluster.own_server() as started:
        yield started


def libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def engium(server: OwnServer, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"ENGIUM_DATABASE_URL": server.app_url, "ENGIUM_OWNER_DATABASE_URL": server.owner_url}
    return subprocess.run([sys.executable, "-m", "engium.cli", *args, "--data-dir", str(data_dir)],
                          capture_output=True, text=True, timeout=180, env=cli_env(env))


def test_the_connection_is_tls_with_scram_and_plain_text_is_refused(own_server: OwnServer) -> None:
    with psycopg.connect(libpq(own_server.app_url)) as conn:
        assert conn.pgconn.ssl_in_use
        assert conn.execute("select current_user").fetchone() == ("engium_app",)
        assert conn.execute("show plan_cache_mode").fetchone() == ("force_custom_plan",)  # the role default
    plain = libpq(own_server.app_url).split("?")[0] + "?sslmode=disable"
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(plain, connect_timeout=5)
    wrong = make_url(libpq(own_server.app_url)).set(password="not-the-password").render_as_string(hide_password=False)
    with pytest.raises(psycopg.OperationalError, match="authentication failed"):
        psycopg.connect(wrong, connect_timeout=5)


def test_the_commands_check_migrate_and_verify_the_server(own_server: OwnServer, tmp_path: Path) -> None:
    before = engium(own_server, tmp_path, "migrate", "--check")
    assert before.returncode == 1
    assert "the database has no schema yet" in before.stderr
    migrated = engium(own_server, tmp_path, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    after = engium(own_server, tmp_path, "migrate", "--check")
    assert after.returncode == 0, after.stderr
    created = engium(own_server, tmp_path, "tenant", "create", "Own Server Salon", "--owner-email", "o@own.example")
    assert created.returncode == 0, created.stderr
    verified = engium(own_server, tmp_path, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    password = str(make_url(own_server.app_url).password)
    for output in (before, migrated, after, created, verified):
        assert password not in output.stdout + output.stderr


def test_the_isolation_and_audit_suites_pass_against_it(own_server: OwnServer) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENGIUM_")}
    env.update({"ENGIUM_TEST_DATABASE_URL": own_server.app_url, "ENGIUM_TEST_OWNER_DATABASE_URL": own_server.owner_url})
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *SUITE_PART],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-2000:]
    assert " passed" in run.stdout
