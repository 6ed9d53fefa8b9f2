"""`engium tenant list|suspend|unsuspend` as an operator runs them: usage counts, the suspension that the
console shows too, and clear errors for what the operator can fix."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.runner import engium


@pytest.fixture(scope="module")
def tenants_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    data_dir = tmp_path_factory.mktemp("tenant-cli")
    yield data_dir
    engium(data_dir, "db", "stop")


def test_list_suspend_and_unsuspend(tenants_data_dir: Path) -> None:
    assert engium(tenants_data_dir, "tenant", "list").stdout.strip() == "no businesses"
    created = engium(tenants_data_dir, "tenant", "create", "Corner Shop", "--owner-email", "o@corner.example",
                     "--json")
    assert created.returncode == 0, created.stderr
    tenant = json.loads(created.stdout)["id"]

    [row] = json.loads(engium(tenants_data_dir, "tenant", "list", "--json").stdout)
    assert (row["tenant_id"], row["name"], row["suspended"]) == (tenant, "Corner Shop", False)
    assert {k: row[k] for k in ("members", "contacts", "conversations", "messages_30_days", "bookings")} == {
        "members": 0, "contacts": 0, "conversations": 0, "messages_30_days": 0, "bookings": 0}  # owner invited

    suspended = engium(tenants_data_dir, "tenant", "suspend", tenant, "--reason", "Chargeback on the card")
    assert suspended.returncode == 0, suspended.stderr
    assert "suspended" in suspended.stdout
    [row] = json.loads(engium(tenants_data_dir, "tenant", "list", "--json").stdout)
    assert (row["suspended"], row["suspension_reason"]) == (True, "Chargeback on the card")
    assert "SUSPENDED" in engium(tenants_data_dir, "tenant", "list").stdout

    twice = engium(tenants_data_dir, "tenant", "suspend", tenant, "--reason", "again")
    assert twice.returncode == 2
    assert f"error: tenant {tenant}: This business is already suspended" in twice.stderr
    assert engium(tenants_data_dir, "tenant", "unsuspend", tenant).returncode == 0
    assert json.loads(engium(tenants_data_dir, "tenant", "list", "--json").stdout)[0]["suspended"] is False
    not_suspended = engium(tenants_data_dir, "tenant", "unsuspend", tenant)
    assert not_suspended.returncode == 2
    assert "not suspended" in not_suspended.stderr

    unknown = engium(tenants_data_dir, "tenant", "suspend", str(uuid.uuid4()), "--reason", "x")
    assert unknown.returncode == 2
    assert "not found" in unknown.stderr
    no_reason = engium(tenants_data_dir, "tenant", "suspend", tenant, "--reason", " ")
    assert no_reason.returncode == 2
    assert "reason" in no_reason.stderr
