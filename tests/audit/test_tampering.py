"""A superuser who disables the triggers edits, deletes, reorders or truncates events, and may then
recompute the whole chain; `engium audit verify` names the first broken event every time."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from engium.runtime import Runtime
from tests.audit import tamper
from tests.audit.attacks import ATTACKS, COVER_UPS, attack_and_cover_up, sealed_chain
from tests.audit.conftest import append, engium_cli, verify


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("cover_up", COVER_UPS)
def test_verify_names_the_first_broken_event(
    runtime: Runtime, owner_engine: Engine, superuser_engine: Engine, attack: str, cover_up: str
) -> None:
    tenant, seqs = sealed_chain(runtime)
    assert verify(runtime, owner_engine, tenant).findings == []

    broken = attack_and_cover_up(superuser_engine, tenant, seqs, attack, cover_up)

    report = verify(runtime, owner_engine, tenant)
    first = report.first
    assert first is not None, f"{attack}/{cover_up} went undetected"
    assert first.tenant_id == tenant
    assert first.seq == broken, report.findings


def test_rechained_edit_is_reported_by_the_cli(runtime: Runtime, superuser_engine: Engine, data_dir: Path) -> None:
    tenant, seqs = sealed_chain(runtime)
    intact = engium_cli(data_dir, "audit", "verify", "--tenant", str(tenant))
    assert intact.returncode == 0, intact.stderr
    assert "intact" in intact.stdout

    with tamper.triggers_disabled(superuser_engine) as conn:
        tamper.modify_details(conn, tenant, seqs[2])
        tamper.rechain(conn, tenant)
        tamper.drop_checkpoints_after(conn, tenant, seqs[2] - 1)

    result = engium_cli(data_dir, "audit", "verify", "--tenant", str(tenant))
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"BROKEN tenant {tenant} seq {seqs[2]}:" in result.stdout
    # Every chain at once names the same first event for this tenant.
    everything = engium_cli(data_dir, "audit", "verify")
    assert everything.returncode == 1
    assert f"BROKEN tenant {tenant} seq {seqs[2]}:" in everything.stdout


def test_unsealed_tail_deletion_is_the_documented_limit(
    runtime: Runtime, owner_engine: Engine, superuser_engine: Engine
) -> None:
    """Events newer than the last anchored checkpoint can be removed without a trace: the reason
    the seal interval is short."""
    tenant, seqs = sealed_chain(runtime)
    append(runtime, tenant)
    with tamper.triggers_disabled(superuser_engine) as conn:
        tamper.truncate_after(conn, tenant, seqs[-1])
        tamper.rechain(conn, tenant)
    report = verify(runtime, owner_engine, tenant)
    assert report.findings == []
    assert report.unsealed == 0
