"""Audit retention by sealed months (ADR 0030): a retention run removes a tenant's expired months only once
they are sealed and exported, records the removal, and `engium audit verify` still passes afterwards and
still catches tampering with what remains, rows deleted without a record, and a forged record."""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from psycopg import errors as pg_errors
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from engium.audit.checkpoints import seal_at
from engium.audit.export import iter_export_lines, verify_export_lines
from engium.audit.pruning import AuditArchive, month_start, months_before
from engium.audit.signing import export_public_keys
from engium.privacy.retention import NOT_EXPORTED, dry_run, run_for_tenant
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.audit.conftest import append, engium_cli, seal, verify
from tests.audit.tamper import delete_event, modify_details, rechain, triggers_disabled

NOW = datetime.now(UTC)
THIS_MONTH = month_start(NOW)
# The default audit_months is 24: these three months have expired, the fourth is kept.
OLD = [months_before(THIS_MONTH, n) for n in (40, 39, 38)]
KEPT = months_before(THIS_MONTH, 18)
PER_MONTH = {OLD[0]: 3, OLD[1]: 2, OLD[2]: 2, KEPT: 2}


def label(month: date) -> str:
    return month.strftime("%Y-%m")


@dataclass
class Seeded:
    tenant_id: UUID
    last_of: dict[date, int]  # the last seq of each old month
    recent: int  # the last seq (this month)


def seed(runtime: Runtime, superuser: Engine) -> Seeded:
    """Events in three expired months, one kept month and this month, as if written back then: appended
    now, then re-dated and re-chained by the superuser before anything seals them."""
    tenant_id = uuid.uuid4()
    seqs = [append(runtime, tenant_id) for _ in range(sum(PER_MONTH.values()))]
    last_of: dict[date, int] = {}
    with triggers_disabled(superuser) as conn:
        # A tenant row without the events provisioning would add, for the operator's commands.
        conn.execute(text("insert into tenants (id, name) values (:t, :n)"), {"t": tenant_id, "n": f"Old {tenant_id}"})
        position = 0
        for month, count in PER_MONTH.items():
            for index in range(count):
                moment = datetime(month.year, month.month, 10, tzinfo=UTC) + timedelta(hours=index)
                conn.execute(text("update audit_events set occurred_at = :at where tenant_id = :t and seq = :s"),
                             {"at": moment, "t": tenant_id, "s": seqs[position]})
                position += 1
            last_of[month] = seqs[position - 1]
        rechain(conn, tenant_id)
    recent = append(runtime, tenant_id)
    return Seeded(tenant_id, last_of, recent)


def remaining_months(runtime: Runtime, tenant_id: UUID) -> dict[str, int]:
    with tenant_transaction(runtime.database, tenant_id) as session:
        rows = session.execute(text(
            "select to_char(occurred_at at time zone 'UTC', 'YYYY-MM'), count(*) from audit_events "
            "where action = 'booking.created' group by 1 order by 1"
        ))
        return {str(m): int(n) for m, n in rows}


def first_seq(runtime: Runtime, tenant_id: UUID) -> int:
    with tenant_transaction(runtime.database, tenant_id) as session:
        return int(session.execute(text("select min(seq) from audit_events")).scalar_one())


def archive(runtime: Runtime) -> AuditArchive:
    return AuditArchive.from_settings(runtime.settings)


def preview(runtime: Runtime, tenant_id: UUID) -> dict[str, int]:
    with tenant_transaction(runtime.database, tenant_id) as session:
        return dry_run(session, tenant_id, NOW).audit_months


def test_expired_months_go_only_once_sealed_and_exported_and_the_chain_still_verifies(
    runtime: Runtime, superuser_engine: Engine, owner_engine: Engine, data_dir: Path
) -> None:
    seeded, other = seed(runtime, superuser_engine), seed(runtime, superuser_engine)
    tenant_id = seeded.tenant_id
    everything = {**{label(m): n for m, n in PER_MONTH.items()}, label(THIS_MONTH): 1}

    # Nothing sealed yet: expired months are kept, and the run says why.
    report = run_for_tenant(runtime.database, tenant_id, now=NOW, audit_archive=archive(runtime))
    assert report.counts["audit_events"] == 0
    assert report.audit_kept is not None
    assert "not yet sealed" in report.audit_kept

    # Only the first month sealed: only it can go, and only with an export.
    a = archive(runtime)
    seal_at(runtime.database, a.signer, a.anchors, tenant_id, seeded.last_of[OLD[0]])
    assert preview(runtime, tenant_id) == {label(OLD[0]): 3}
    unexported = run_for_tenant(runtime.database, tenant_id, now=NOW)
    assert unexported.audit_kept == NOT_EXPORTED
    assert remaining_months(runtime, tenant_id) == everything

    first = run_for_tenant(runtime.database, tenant_id, now=NOW, audit_archive=a)
    assert first.counts["audit_events"] == 3
    assert first.audit_months == {label(OLD[0]): 3}
    assert first_seq(runtime, tenant_id) == seeded.last_of[OLD[0]] + 1

    # Everything sealed: the other two expired months go; the kept month and this month stay.
    seal(runtime)
    assert preview(runtime, tenant_id) == {label(OLD[1]): 2, label(OLD[2]): 2}
    second = run_for_tenant(runtime.database, tenant_id, now=NOW, audit_archive=a)
    assert second.counts["audit_events"] == 4
    assert remaining_months(runtime, tenant_id) == {label(KEPT): 2, label(THIS_MONTH): 1}
    assert remaining_months(runtime, other.tenant_id) == everything
    assert preview(runtime, tenant_id) == {}

    # The proof of the run names what went, in the transaction that removed it.
    with tenant_transaction(runtime.database, tenant_id) as session:
        proofs = session.execute(text(
            "select details from audit_events where action = 'retention.purged' order by seq"
        )).scalars().all()
        ranges = session.execute(text(
            "select first_seq, last_seq, events, export_sha256, export_name from audit_pruned_ranges order by last_seq"
        )).all()
    assert [p["counts"]["audit_events"] for p in proofs][-2:] == [3, 4]
    assert proofs[-1]["audit_months"] == {label(OLD[1]): 2, label(OLD[2]): 2}
    assert [(r[0], r[1], r[2]) for r in ranges] == [
        (1, seeded.last_of[OLD[0]], 3), (seeded.last_of[OLD[0]] + 1, seeded.last_of[OLD[2]], 4)]

    # Each export is where the record says, has the recorded digest and verifies offline on its own.
    for _first, _last, events, digest, name in ranges:
        path = a.directory / name
        assert hashlib.sha256(path.read_bytes()).digest() == bytes(digest)
        with path.open(encoding="utf-8") as handle:
            check = verify_export_lines(handle, pinned=a.keys)
        assert check.findings == []
        assert check.events == events

    # What remains verifies: in the database, through the CLI, and as a fresh export.
    assert verify(runtime, owner_engine, tenant_id).findings == []
    intact = engium_cli(data_dir, "audit", "verify", "--tenant", str(tenant_id))
    assert intact.returncode == 0, intact.stdout + intact.stderr
    with tenant_transaction(runtime.database, tenant_id) as session:
        lines = list(iter_export_lines(session, tenant_id, export_public_keys(runtime.settings)))
    assert verify_export_lines(lines, pinned=a.keys).findings == []

    # Tampering with a remaining event is still caught.
    with triggers_disabled(superuser_engine) as conn:
        modify_details(conn, tenant_id, seeded.last_of[KEPT])
    broken = engium_cli(data_dir, "audit", "verify", "--tenant", str(tenant_id))
    assert broken.returncode == 1
    assert f"seq {seeded.last_of[KEPT]}" in broken.stdout


def test_rows_deleted_without_a_pruning_record_are_a_gap(
    runtime: Runtime, superuser_engine: Engine, owner_engine: Engine
) -> None:
    seeded = seed(runtime, superuser_engine)
    seal(runtime)
    with triggers_disabled(superuser_engine) as conn:
        for seq in range(1, seeded.last_of[OLD[0]] + 1):
            delete_event(conn, seeded.tenant_id, seq)
    first = verify(runtime, owner_engine, seeded.tenant_id).first
    assert first is not None
    assert first.seq == 1
    assert "missing" in first.reason


def test_a_forged_pruning_record_is_caught(runtime: Runtime, superuser_engine: Engine, owner_engine: Engine) -> None:
    seeded = seed(runtime, superuser_engine)
    seal(runtime)
    through = seeded.last_of[OLD[0]]
    with triggers_disabled(superuser_engine) as conn:
        for seq in range(1, through + 1):
            delete_event(conn, seeded.tenant_id, seq)
        # No checkpoint closes seq `through`, and the record names a hash nothing signed.
        conn.execute(text(
            "insert into audit_pruned_ranges (tenant_id, first_seq, last_seq, first_month, last_month, events, "
            "checkpoint_hash, export_sha256, export_name) values (:t, 1, :s, :m, :m, :s, :h, :d, 'forged.jsonl')"
        ), {"t": seeded.tenant_id, "s": through, "m": OLD[0], "h": os.urandom(32), "d": os.urandom(32)})
    report = verify(runtime, owner_engine, seeded.tenant_id)
    assert any("no valid signed checkpoint closes" in f.reason for f in report.findings)
    assert any("does not link" in f.reason for f in report.findings)


def test_the_database_refuses_every_other_removal(runtime: Runtime, superuser_engine: Engine) -> None:
    seeded = seed(runtime, superuser_engine)
    seal(runtime)
    tenant_id = seeded.tenant_id
    # The app role has no DELETE on the audit log, even with the pruning flag set by hand.
    with pytest.raises(DBAPIError) as refused, tenant_transaction(runtime.database, tenant_id) as session:
        session.execute(text(
            "select set_config('engium.audit_pruning', 'on', true); delete from audit_events where seq = 1"
        ))
    assert isinstance(refused.value.orig, pg_errors.InsufficientPrivilege)
    cases = {
        # Not closed by a checkpoint (only the head of the chain is sealed).
        "no signed checkpoint closes": (seeded.last_of[OLD[0]], 24),
        # Closed by a checkpoint, but in the middle of a month.
        "only whole months": (seeded.last_of[OLD[0]] - 1, 24),
        # A kept month, whatever the caller claims the setting is (the floor is 13 months).
        "in a month that is kept": (seeded.recent, 1),
    }
    a = archive(runtime)
    seal_at(runtime.database, a.signer, a.anchors, tenant_id, seeded.last_of[OLD[0]] - 1)
    for reason, (through, months) in cases.items():
        with pytest.raises(DBAPIError) as raised, tenant_transaction(runtime.database, tenant_id) as session:
            session.execute(text("select * from audit_prune(:s, :d, 'x.jsonl', :m)"),
                            {"s": through, "d": bytes(32), "m": months})
        assert reason in str(raised.value.orig), reason
    assert first_seq(runtime, tenant_id) == 1


def test_the_operator_cli_lists_then_removes_expired_months(
    runtime: Runtime, superuser_engine: Engine, data_dir: Path
) -> None:
    seeded = seed(runtime, superuser_engine)
    seal(runtime)
    tenant = str(seeded.tenant_id)
    preview_run = engium_cli(data_dir, "retention", "run", "--dry-run", "--tenant", tenant, "--json")
    assert preview_run.returncode == 0, preview_run.stderr
    shown = json.loads(preview_run.stdout)
    assert shown["audit_months"] == {label(m): PER_MONTH[m] for m in OLD}
    assert shown["counts"]["audit_events"] == 7
    assert remaining_months(runtime, seeded.tenant_id)[label(OLD[0])] == 3

    real = engium_cli(data_dir, "retention", "run", "--tenant", tenant)
    assert real.returncode == 0, real.stderr
    assert "audit_events 7" in real.stdout
    assert remaining_months(runtime, seeded.tenant_id) == {label(KEPT): 2, label(THIS_MONTH): 1}
    intact = engium_cli(data_dir, "audit", "verify", "--tenant", tenant)
    assert intact.returncode == 0, intact.stdout + intact.stderr


def test_months_whose_export_cannot_be_written_are_kept(
    runtime: Runtime, superuser_engine: Engine, tmp_path: Path
) -> None:
    seeded = seed(runtime, superuser_engine)
    seal(runtime)
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the archive directory should be")
    report = run_for_tenant(runtime.database, seeded.tenant_id, now=NOW,
                            audit_archive=replace(archive(runtime), directory=blocked))
    assert report.counts["audit_events"] == 0
    assert report.audit_kept is not None
    assert "could not be written" in report.audit_kept
    assert first_seq(runtime, seeded.tenant_id) == 1
    # The proof of the run says why the expired months stayed.
    with tenant_transaction(runtime.database, seeded.tenant_id) as session:
        proof = session.execute(text(
            "select details from audit_events where action = 'retention.purged' order by seq desc limit 1"
        )).scalar_one()
    assert proof["audit_kept"] == report.audit_kept
