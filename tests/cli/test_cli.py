"""The CLI as an operator uses it: separate processes against one data directory."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.cli.runner import engium
from tests.conftest import scratch_dir


@pytest.fixture(scope="module")
def cli_data_dir() -> Iterator[Path]:
    with scratch_dir("engium-cli-") as data_dir:
        yield data_dir
        # `db url` leaves the server running on purpose; stopping it is the operator's job.
        assert engium(data_dir, "db", "stop").returncode == 0


def test_tenant_and_key_creation_survive_a_restart(cli_data_dir: Path) -> None:
    created = engium(cli_data_dir, "tenant", "create", "Acme Dental", "--owner-email", "o@acme.example", "--json")
    assert created.returncode == 0, created.stderr
    tenant = json.loads(created.stdout)
    assert tenant["name"] == "Acme Dental"
    # The owner is invited: no password is printed, a single-use link is.
    assert "password" not in created.stdout
    assert "/invitations/accept?token=" in tenant["invitation_url"]

    # A new process, so a restarted embedded server: the tenant is still there.
    key = engium(cli_data_dir, "apikey", "create", "--tenant", tenant["id"], "--role", "agent", "--json")
    assert key.returncode == 0, key.stderr
    issued = json.loads(key.stdout)
    assert issued["key"].startswith("egk_")
    assert set(issued) >= {"key", "id"}

    user = engium(cli_data_dir, "user", "create", "--email", "a@acme.example", "--tenant", tenant["id"], "--json")
    assert user.returncode == 0, user.stderr
    assert json.loads(user.stdout)["role"] == "agent"
    assert "invitation_url" in json.loads(user.stdout)


def test_unknown_tenant_is_a_clear_error(cli_data_dir: Path) -> None:
    result = engium(
        cli_data_dir, "apikey", "create", "--tenant", "00000000-0000-0000-0000-000000000000", "--role", "agent"
    )
    assert result.returncode == 2
    assert "not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_db_url_connects_as_the_app_role_which_sees_nothing_unbound(cli_data_dir: Path) -> None:
    engium(cli_data_dir, "tenant", "create", "Seen Nowhere", "--owner-email", "x@seen.example")
    url = engium(cli_data_dir, "db", "url")
    assert url.returncode == 0, url.stderr
    with psycopg.connect(url.stdout.strip()) as conn:
        assert conn.execute("select current_user").fetchone() == ("engium_app",)
        assert conn.execute("select count(*) from tenants").fetchone() == (0,)
    owner = engium(cli_data_dir, "db", "url", "--owner").stdout.strip()
    with psycopg.connect(owner) as conn:
        assert conn.execute("select current_user").fetchone() == ("engium_owner",)
    stopped = engium(cli_data_dir, "db", "stop")
    assert stopped.stdout.strip() == "stopped"
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url.stdout.strip(), connect_timeout=3)


def test_demo_is_idempotent(cli_data_dir: Path) -> None:
    first = json.loads(engium(cli_data_dir, "demo", "--json").stdout)
    second = json.loads(engium(cli_data_dir, "demo", "--json").stdout)
    assert first["created"] is True
    assert second["created"] is False
    assert first["tenant_id"] == second["tenant_id"]
    credentials = Path(first["credentials_file"])
    assert credentials.stat().st_mode & 0o077 == 0


def test_credentials_readable_by_others_are_refused() -> None:
    with scratch_dir("engium-cli-loose-") as scratch:
        _refuses_loose_credentials(scratch / "loose")


def _refuses_loose_credentials(data_dir: Path) -> None:
    assert engium(data_dir, "migrate").returncode == 0
    (data_dir / "db-credentials.json").chmod(0o644)
    result = engium(data_dir, "migrate")
    assert result.returncode != 0
    assert "chmod 600" in result.stderr
