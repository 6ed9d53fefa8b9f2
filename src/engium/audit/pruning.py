"""Audit retention by sealed months (ADR 0030): which months of a tenant's chain may go, their export, and
their removal through ``audit_prune`` (migration 0021_audit_pruning).

A month goes when it is older than the tenant's ``audit_months``, every event of it is covered by a
signed checkpoint, and it sits in an export whose SHA-256 is recorded. The retention run (privacy/
retention.py) plans under the tenant's RLS, then, outside any long transaction: verifies the tenant's
chain, signs the checkpoint that closes the range if none does yet, writes the export to the archive
directory and verifies that file; only then, in the transaction that records the run's proof, removes the
events and records the pruned range. A crash anywhere before that transaction removes nothing; the next
run plans again from what is left.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from engium.audit.chain import GENESIS
from engium.audit.checkpoints import AnchorStore, DirectoryAnchorStore, anchor_dir, seal_at
from engium.audit.export import iter_export_lines, verify_export_lines
from engium.audit.signing import (
    KeyRing,
    SigningKey,
    export_public_keys,
    load_or_create_signing_key,
    signing_key_path,
    verifier_keys,
)
from engium.audit.verify import verify_bound_tenant
from engium.kit.database import Database
from engium.tenancy.binding import tenant_transaction

if TYPE_CHECKING:
    from engium.config import Settings

ARCHIVE_DIR_NAME = "audit-archives"

_LAST_PRUNED = text("select last_seq, checkpoint_hash from audit_pruned_ranges order by last_seq desc limit 1")
_SEALED = text("select coalesce(max(seq), 0) from audit_checkpoints")
_OCCURRED = text("select occurred_at from audit_events where seq = :seq")
_THROUGH = text("select max(seq) from audit_events where seq > :after and occurred_at < :before")
_MONTHS = text(
    "select to_char(date_trunc('month', occurred_at at time zone 'UTC'), 'YYYY-MM'), count(*) from audit_events "
    "where seq > :after and seq <= :through group by 1 order by 1"
)
_CHECKPOINT_AT = text("select 1 from audit_checkpoints where seq = :seq")
_PRUNE = text("select events from audit_prune(:through, :sha256, :name, :months)")


def month_start(moment: datetime | date) -> date:
    return date(moment.year, moment.month, 1)


def months_before(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class MonthsPlan:
    """What the bound tenant's chain can lose now: the events after ``after`` up to ``through`` (0: none)."""

    kept_from: date
    after: tuple[int, bytes] = (0, GENESIS)
    through: int = 0
    months: dict[str, int] = field(default_factory=dict)
    # Expired months kept because events in them (or before them) are not covered by a checkpoint yet.
    unsealed: bool = False

    @property
    def events(self) -> int:
        return sum(self.months.values())


def plan_months(session: Session, audit_months: int, now: datetime) -> MonthsPlan:
    """The bound tenant's whole calendar months (UTC) that are older than ``audit_months`` before the current
    one and entirely sealed (a signed checkpoint covers their last event)."""
    plan = MonthsPlan(months_before(month_start(now.astimezone(UTC)), audit_months))
    last = session.execute(_LAST_PRUNED).first()
    if last is not None:
        plan.after = (int(last[0]), bytes(last[1]))
    before = datetime(plan.kept_from.year, plan.kept_from.month, 1, tzinfo=UTC)
    sealed = int(session.execute(_SEALED).scalar_one())
    first_unsealed = session.execute(_OCCURRED, {"seq": sealed + 1}).scalar_one_or_none()
    if first_unsealed is not None:
        unsealed_month = month_start(first_unsealed.astimezone(UTC))
        if unsealed_month < plan.kept_from:
            plan.unsealed = True
            before = datetime(unsealed_month.year, unsealed_month.month, 1, tzinfo=UTC)
    through = session.execute(_THROUGH, {"after": plan.after[0], "before": before}).scalar_one_or_none()
    if through is not None:
        plan.through = int(through)
        rows = session.execute(_MONTHS, {"after": plan.after[0], "through": plan.through})
        plan.months = {str(month): int(count) for month, count in rows}
    return plan


@dataclass(frozen=True)
class AuditArchive:
    """Where a retention run writes the export of the months it removes, and the keys it signs and
    verifies with."""

    directory: Path
    signer: SigningKey
    keys: KeyRing
    anchors: AnchorStore
    public_keys: list[dict[str, str]]

    @classmethod
    def from_settings(cls, settings: Settings) -> AuditArchive:
        configured = settings.audit_archive_dir
        directory = configured.expanduser().resolve() if configured else settings.resolved_data_dir / ARCHIVE_DIR_NAME
        signer = load_or_create_signing_key(signing_key_path(settings))
        return cls(directory, signer, verifier_keys(settings), DirectoryAnchorStore(anchor_dir(settings)),
                   export_public_keys(settings))


@dataclass(frozen=True)
class PreparedPrune:
    """A range that is sealed, closed by a signed checkpoint and exported: ready for ``audit_prune``."""

    through: int
    export_sha256: bytes
    export_name: str
    months: dict[str, int]
    audit_months: int


def _write_export(session: Session, tenant_id: UUID, archive: AuditArchive, plan: MonthsPlan) -> tuple[str, bytes]:
    """Writes the range's export under a temporary name, fsynced, then moves it into place. Every export
    gets a name of its own: two runs racing for the same range must never overwrite the file that the one
    that wins records (the loser's export then lacks the removed events, fails its check and is deleted)."""
    folder = archive.directory / str(tenant_id)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    written = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    name = f"{tenant_id}/audit-{plan.after[0] + 1:012d}-{plan.through:012d}-{written}-{os.urandom(4).hex()}.jsonl"
    final = archive.directory / name
    partial = final.with_suffix(".partial")
    digest = hashlib.sha256()
    with partial.open("wb") as handle:
        for line in iter_export_lines(session, tenant_id, archive.public_keys, after=plan.after, through=plan.through):
            data = line.encode()
            digest.update(data)
            handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, final)
    return name, digest.digest()


def prepare(database: Database, tenant_id: UUID, archive: AuditArchive, plan: MonthsPlan,
            audit_months: int) -> PreparedPrune | str:
    """Everything a removal needs before its transaction; a ``str`` says why the months are kept this time."""
    with tenant_transaction(database, tenant_id) as session:
        report = verify_bound_tenant(session, tenant_id, archive.keys, archive.anchors)
    if report.first is not None:
        return f"kept: the chain does not verify ({report.first.describe()})"
    with tenant_transaction(database, tenant_id) as session:
        closed = session.execute(_CHECKPOINT_AT, {"seq": plan.through}).first() is not None
    if not closed:
        seal_at(database, archive.signer, archive.anchors, tenant_id, plan.through)
    try:
        with tenant_transaction(database, tenant_id) as session:
            name, sha256 = _write_export(session, tenant_id, archive, plan)
        # What is on disk, read back, is what the removal relies on: the recorded digest is that file's.
        path = archive.directory / name
        with path.open(encoding="utf-8") as handle:
            check = verify_export_lines(handle, pinned=archive.keys)
        if hashlib.sha256(path.read_bytes()).digest() != sha256:
            return "kept: the export changed on disk while it was being checked"
    except OSError as exc:
        return f"kept: the export could not be written ({type(exc).__name__}: {exc.strerror or exc})"
    if check.first is not None or check.events != plan.events:
        path.unlink(missing_ok=True)
        return f"kept: the export does not verify ({check.first.describe() if check.first else 'events missing'})"
    return PreparedPrune(plan.through, sha256, name, plan.months, audit_months)


def remove(session: Session, prepared: PreparedPrune) -> int | str:
    """Removes the prepared range in the caller's transaction (a savepoint: a refusal leaves the rest of the
    transaction intact); the number of events removed, or why the database refused."""
    savepoint = session.begin_nested()
    try:
        removed = session.execute(_PRUNE, {
            "through": prepared.through, "sha256": prepared.export_sha256, "name": prepared.export_name,
            "months": prepared.audit_months,
        }).scalar_one()
    except DBAPIError as exc:
        savepoint.rollback()
        diag = getattr(exc.orig, "diag", None)
        return f"kept: the database refused ({getattr(diag, 'message_primary', None) or exc.orig})"
    savepoint.commit()
    return int(removed)
