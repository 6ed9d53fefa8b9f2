"""``engium subprocessors``: the operator announces, the notice period is enforced, objections are listed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from tests.cli.runner import engium
from tests.conftest import scratch_dir


@pytest.fixture(scope="module")
def cli_data_dir() -> Iterator[Path]:
    with scratch_dir("engium-trust-cli-") as data_dir:
        yield data_dir
        assert engium(data_dir, "db", "stop").returncode == 0


def _announce(data_dir: Path, days: int) -> tuple[int, str, str]:
    effective = (datetime.now(UTC).date() + timedelta(days=days)).isoformat()
    done = engium(data_dir, "subprocessors", "announce", "--name", "Backups GmbH", "--purpose", "Off-site backups",
                  "--location", "Germany", "--categories", "communications,identity", "--effective", effective)
    return done.returncode, done.stdout, done.stderr


def test_announce_enforces_the_notice_period_and_objections_start_empty(cli_data_dir: Path) -> None:
    code, _, err = _announce(cli_data_dir, 10)
    assert code == 2
    assert "at least 30 days ahead" in err
    code, out, err = _announce(cli_data_dir, 30)
    assert code == 0, err
    assert out.startswith("announced Backups GmbH")
    listed = engium(cli_data_dir, "subprocessors", "objections")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.strip() == "no objections"
    as_json = engium(cli_data_dir, "subprocessors", "objections", "--json")
    assert [json.loads(line) for line in as_json.stdout.splitlines()] == []


def test_the_operator_sees_each_businesss_objection(cli_data_dir: Path) -> None:
    assert _announce(cli_data_dir, 40)[0] == 0
    created = engium(cli_data_dir, "tenant", "create", "Acme Dental", "--owner-email", "o@acme.example", "--json")
    tenant = json.loads(created.stdout)["id"]
    # The objection as the API would record it: as the app role, bound to the tenant.
    with psycopg.connect(engium(cli_data_dir, "db", "url").stdout.strip()) as conn:
        conn.execute("select set_config('engium.tenant_id', %s, false)", (tenant,))
        conn.execute("insert into subprocessor_objections (tenant_id, announcement_id, objected_by, reason) "
                     "select %s, id, gen_random_uuid(), 'EU only' from subprocessor_announcements "
                     "order by effective_on desc limit 1", (tenant,))
    listed = engium(cli_data_dir, "subprocessors", "objections", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(r["tenant_id"], r["subprocessor"], r["reason"]) for r in rows] == [(tenant, "Backups GmbH", "EU only")]
