"""``engium audit verify``: every chain recomputed, every checkpoint checked against it and its anchor.

Checks, per tenant, and what each one catches:

* the chain walk (``chain.ChainWalker``): edits without recomputation, deleted events, reordering;
* signed checkpoints (database and anchors) against the walked hashes: a chain rewritten and
  re-hashed after an edit, a deletion or a truncation, since no one without the key can re-sign it;
* anchors against ``audit_checkpoints``: checkpoints deleted or replaced in the database;
* ``audit_heads`` against the last event: a head left pointing past a truncated tail;
* pruned ranges (months removed by retention, ADR 0030): the remaining chain must continue from the hash
  that a valid signed checkpoint gives for the last removed event; rows deleted without such a record
  are a gap, and a record no valid checkpoint closes is a finding.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import psycopg
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from engium.audit.chain import GENESIS, ChainWalker, Finding
from engium.audit.chain_scan import SEGMENT_SEQS, ChainPlan, plan_segments, walk_chain, walk_chains
from engium.audit.checkpoints import SEAL_LOCK_KEY, AnchorStore
from engium.audit.signing import Checkpoint, KeyRing

_TENANTS = text(
    """
    with recursive chains as (
        (select tenant_id from audit_events order by tenant_id limit 1)
        union all
        select (select e.tenant_id from audit_events e where e.tenant_id > c.tenant_id
                 order by e.tenant_id limit 1)
          from chains c where c.tenant_id is not null
    )
    select tenant_id from chains where tenant_id is not null
    union select tenant_id from audit_heads
    union select tenant_id from audit_checkpoints
    """
)
_CHECKPOINTS = text(
    "select tenant_id, seq, head_hash, sealed_at, key_id, signature from audit_checkpoints "
    "where tenant_id = :tenant_id order by seq"
)
_HEAD = text("select last_seq, last_hash from audit_heads where tenant_id = :tenant_id")
_PRUNED = text(
    "select first_seq, last_seq, checkpoint_hash from audit_pruned_ranges where tenant_id = :tenant_id "
    "order by last_seq"
)
# The same, for every chain verified at once (one query each instead of three per tenant).
_ALL_CHECKPOINTS = text(
    "select tenant_id, seq, head_hash, sealed_at, key_id, signature from audit_checkpoints "
    "where tenant_id = any(:tenants) order by tenant_id, seq"
)
_ALL_HEADS = text("select tenant_id, last_seq, last_hash from audit_heads where tenant_id = any(:tenants)")
_ALL_PRUNED = text(
    "select tenant_id, first_seq, last_seq, checkpoint_hash from audit_pruned_ranges where tenant_id = any(:tenants) "
    "order by tenant_id, last_seq"
)
# Parallel walking (ADR 0033): at most this many connections, and one more only per this many events:
# a connection costs about 5 ms to open and warm (ADR 0050), what one core spends on ~1,000 events.
MAX_WORKERS = 4
EVENTS_PER_WORKER = 5_000
# A chain longer than one connection's share of all the events is cut into segments of that share
# (ADR 0050), so that a single chain of 10,000 or 100,000 events keeps every connection busy, not one;
# never shorter than this, against which a query's start-up is noise.
MIN_SEGMENT_SEQS = 5_000


@dataclass(frozen=True)
class PrunedRange:
    """Events a retention run removed with their months (ADR 0030), closed by the checkpoint at ``last_seq``."""

    first_seq: int
    last_seq: int
    checkpoint_hash: bytes


def pruned_ranges(conn: Connection, tenant_id: UUID) -> list[PrunedRange]:
    return [PrunedRange(int(r[0]), int(r[1]), bytes(r[2])) for r in conn.execute(_PRUNED, {"tenant_id": tenant_id})]


def _checkpoint(row: Sequence[Any]) -> Checkpoint:
    return Checkpoint(row[0], int(row[1]), bytes(row[2]), row[3], row[4], bytes(row[5]))


@dataclass
class ChainRecords:
    """What the database holds about one chain besides its events."""

    stored: list[Checkpoint] = field(default_factory=list)
    pruned: list[PrunedRange] = field(default_factory=list)
    # (last_seq, last_hash) of ``audit_heads``; None: no row (or not readable: the app role).
    head: tuple[int, bytes] | None = None


def _all_records(conn: Connection, tenants: Sequence[UUID]) -> dict[UUID, ChainRecords]:
    records = {t: ChainRecords() for t in tenants}
    ids = {"tenants": list(tenants)}
    for row in conn.execute(_ALL_CHECKPOINTS, ids):
        records[row[0]].stored.append(_checkpoint(row))
    for row in conn.execute(_ALL_PRUNED, ids):
        records[row[0]].pruned.append(PrunedRange(int(row[1]), int(row[2]), bytes(row[3])))
    for row in conn.execute(_ALL_HEADS, ids):
        records[row[0]].head = (int(row[1]), bytes(row[2]))
    return records


def chain_start(tenant_id: UUID, ranges: Sequence[PrunedRange]) -> tuple[tuple[int, bytes], list[Finding]]:
    """Where the remaining chain continues from (the last range's closing checkpoint), and what is wrong
    with the ranges themselves: each one must start right after the previous one. Whether a valid signed
    checkpoint closes the last one is checked with the other checkpoints (``check_checkpoints``)."""
    findings = []
    expected = 1
    for pruned in ranges:
        if pruned.first_seq != expected:
            findings.append(Finding(
                expected, f"pruning records do not join: one covers {pruned.first_seq}..{pruned.last_seq} "
                f"but the previous one ends at {expected - 1}", tenant_id))
        expected = pruned.last_seq + 1
    if not ranges:
        return (0, GENESIS), findings
    return (ranges[-1].last_seq, ranges[-1].checkpoint_hash), findings


@dataclass
class TenantReport:
    tenant_id: UUID
    events: int = 0
    checkpoints: int = 0
    anchored: int = 0
    # Events newer than the latest checkpoint that matched: protected by the chain only.
    unsealed: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def first(self) -> Finding | None:
        return min(self.findings) if self.findings else None


@dataclass
class VerifyReport:
    tenants: list[TenantReport]
    seconds: float

    @property
    def ok(self) -> bool:
        return all(not t.findings for t in self.tenants)

    @property
    def broken(self) -> list[Finding]:
        """The first broken event of every broken chain."""
        return [t.first for t in self.tenants if t.first is not None]

    def summary(self) -> dict[str, Any]:
        events = sum(t.events for t in self.tenants)
        return {
            "ok": self.ok,
            "tenants": len(self.tenants),
            "events": events,
            "checkpoints": sum(t.checkpoints for t in self.tenants),
            "anchored": sum(t.anchored for t in self.tenants),
            "unsealed_events": sum(t.unsealed for t in self.tenants),
            "seconds": round(self.seconds, 3),
            "events_per_second": round(events / self.seconds) if self.seconds > 0 else None,
        }


def check_checkpoints(
    walker: ChainWalker, checkpoints: Iterable[Checkpoint], keys: KeyRing
) -> tuple[list[Finding], int]:
    """Signed checkpoints against a walked chain; returns the findings and the highest verified seq.

    A rewritten chain is internally consistent, so the walk alone cannot see it; the first checkpoint
    whose signed head differs shows it, and everything after the last matching checkpoint is suspect.
    """
    tenant_id = walker.tenant_id
    unique = {(c.seq, c.head_hash, c.sealed_at, c.key_id, c.signature): c for c in checkpoints}
    findings: list[Finding] = []
    verified = 0
    anchored = walker.start_seq == 0
    for checkpoint in sorted(unique.values(), key=lambda c: c.seq):
        problem = keys.problem(checkpoint)
        if problem is not None:
            findings.append(Finding(checkpoint.seq, problem, tenant_id))
            continue
        if checkpoint.seq < walker.start_seq:
            # Its events were removed with their months (ADR 0030): the signature is all there is to check.
            verified = max(verified, checkpoint.seq)
            continue
        if checkpoint.seq == walker.start_seq:
            if checkpoint.head_hash == walker.start_hash:
                anchored, verified = True, max(verified, checkpoint.seq)
            continue
        stored = walker.hashes.get(checkpoint.seq)
        if stored == checkpoint.head_hash:
            verified = max(verified, checkpoint.seq)
        elif checkpoint.seq > walker.last_seq:
            first = walker.last_seq + 1
            findings.append(Finding(
                first,
                f"events {first}..{checkpoint.seq} missing (truncated): a checkpoint signed at "
                f"{checkpoint.sealed_at.isoformat()} covers seq {checkpoint.seq}",
                tenant_id,
            ))
        elif stored is None:
            findings.append(Finding(checkpoint.seq, "event covered by a signed checkpoint is missing", tenant_id))
        elif not any(verified < f.seq <= checkpoint.seq for f in walker.findings):
            # Only when the walk saw nothing in the range: a break it found there is more precise.
            findings.append(Finding(
                verified + 1,
                f"events {verified + 1}..{checkpoint.seq} altered and re-hashed: the hash at seq "
                f"{checkpoint.seq} differs from the checkpoint signed at {checkpoint.sealed_at.isoformat()}",
                tenant_id,
            ))
    if not anchored:
        findings.append(Finding(
            walker.start_seq + 1,
            f"the chain continues from seq {walker.start_seq} (older months removed), but no valid signed "
            "checkpoint closes that seq with the hash it continues from",
            tenant_id,
        ))
    return findings, verified


def _compare_anchors(tenant_id: UUID, anchored: Sequence[Checkpoint], stored: Sequence[Checkpoint]) -> list[Finding]:
    in_db = {c.seq: c for c in stored}
    findings = []
    for anchor in anchored:
        match = in_db.get(anchor.seq)
        if match is None:
            reason = "anchored checkpoint missing from the database (checkpoints deleted, or a crashed seal)"
            findings.append(Finding(anchor.seq, reason, tenant_id))
        elif not match.same_as(anchor):
            findings.append(Finding(anchor.seq, "database checkpoint differs from the anchored one", tenant_id))
    return findings


def _check_head(head: tuple[int, bytes] | None, walker: ChainWalker) -> list[Finding]:
    if head is None:
        if walker.events == 0:
            return []
        return [Finding(walker.last_seq, "chain head row is missing", walker.tenant_id)]
    last_seq, last_hash = head
    if last_seq != walker.last_seq:
        first = min(last_seq, walker.last_seq) + 1
        reason = f"chain head says seq {last_seq} but the last event is seq {walker.last_seq}"
        return [Finding(first, reason, walker.tenant_id)]
    if last_hash != walker.last_hash:
        return [Finding(last_seq, "chain head hash differs from the last event's hash", walker.tenant_id)]
    return []


def _plan(
    tenant_id: UUID, records: ChainRecords, anchored: Sequence[Checkpoint], segment_seqs: int
) -> tuple[ChainPlan, list[Finding]]:
    start, range_findings = chain_start(tenant_id, records.pruned)
    wanted = frozenset(c.seq for c in (*records.stored, *anchored))
    expected_last = records.head[0] if records.head is not None else None
    segments = plan_segments(tenant_id, start[0], expected_last, segment_seqs)
    return ChainPlan(tenant_id, wanted, start, segments, _expected_events(tenant_id, records)), range_findings


def _judge(
    walker: ChainWalker,
    records: ChainRecords,
    anchored_items: Sequence[Checkpoint | str],
    keys: KeyRing,
    range_findings: list[Finding],
    *,
    check_head: bool,
) -> TenantReport:
    tenant_id = walker.tenant_id
    report = TenantReport(tenant_id)
    anchored = [a for a in anchored_items if isinstance(a, Checkpoint)]
    report.findings.extend(Finding(0, f"anchor store: {a}", tenant_id) for a in anchored_items if isinstance(a, str))
    report.findings.extend(range_findings)
    report.findings.extend(walker.findings)
    checkpoint_findings, verified = check_checkpoints(walker, [*records.stored, *anchored], keys)
    report.findings.extend(checkpoint_findings)
    report.findings.extend(_compare_anchors(tenant_id, anchored, records.stored))
    if check_head:
        report.findings.extend(_check_head(records.head, walker))
    report.events, report.checkpoints, report.anchored = walker.events, len(records.stored), len(anchored)
    report.unsealed = max(walker.last_seq - verified, 0)
    return report


def _driver(conn: Connection) -> psycopg.Connection[Any]:
    driver: psycopg.Connection[Any] = conn.connection.driver_connection  # type: ignore[assignment]
    return driver


def verify_tenant(
    conn: Connection,
    tenant_id: UUID,
    keys: KeyRing,
    anchored_items: Sequence[Checkpoint | str],
    *,
    check_head: bool = True,
) -> TenantReport:
    """``check_head=False`` for a caller that cannot read ``audit_heads`` (the app role, in the staff web
    app's audit page): the walk and the signed checkpoints still catch every change but a cut tail
    newer than the last checkpoint, which the operator's ``engium audit verify`` also reports."""
    records = ChainRecords(
        [_checkpoint(row) for row in conn.execute(_CHECKPOINTS, {"tenant_id": tenant_id})],
        pruned_ranges(conn, tenant_id),
    )
    if check_head:
        head = conn.execute(_HEAD, {"tenant_id": tenant_id}).first()
        records.head = (int(head[0]), bytes(head[1])) if head is not None else None
    anchored = [a for a in anchored_items if isinstance(a, Checkpoint)]
    plan, range_findings = _plan(tenant_id, records, anchored, SEGMENT_SEQS)
    walker = walk_chain(_driver(conn), plan)
    return _judge(walker, records, anchored_items, keys, range_findings, check_head=check_head)


def _expected_events(tenant_id: UUID, records: ChainRecords) -> int:
    """Events the chain's head promises after the pruned months (0 without a head)."""
    if records.head is None:
        return 0
    (after, _), _ = chain_start(tenant_id, records.pruned)
    return max(records.head[0] - after, 0)


def segment_length(expected: int, workers: int, segment_seqs: int) -> int:
    """Seqs per segment: ``segment_seqs`` at most, and one worker's share of the ``expected`` events (at
    least ``MIN_SEGMENT_SEQS``), so that a chain longer than that share is walked by several workers."""
    return min(segment_seqs, max(MIN_SEGMENT_SEQS, -(-expected // max(workers, 1))))


def _worker_count(expected: int) -> int:
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1, 1 + expected // EVENTS_PER_WORKER))


def verify_bound_tenant(session: Session, tenant_id: UUID, keys: KeyRing, anchors: AnchorStore) -> TenantReport:
    """The chain of the tenant ``session`` is bound to, as the app role reads it (RLS: that tenant's
    events and checkpoints only), for the staff web app's audit page.

    Holds the sealers' lock until the caller's transaction ends, like ``seal``: a checkpoint anchored
    but not yet committed by a concurrent seal would otherwise look like one deleted from the database.
    """
    session.execute(text("select pg_advisory_xact_lock(:key)"), {"key": SEAL_LOCK_KEY})
    anchored = list(anchors.read(tenant_id))
    return verify_tenant(session.connection(), tenant_id, keys, anchored, check_head=False)


def verify_database(
    engine: Engine,
    keys: KeyRing,
    anchors: AnchorStore,
    tenant_id: UUID | None = None,
    *,
    workers: int | None = None,
    segment_seqs: int = SEGMENT_SEQS,
) -> VerifyReport:
    """Verifies one tenant's chain or all of them, as the owner role (its policies read every chain).

    The database snapshot and the anchors are taken together while holding the sealers' lock, so a
    seal running concurrently cannot make a fresh anchor look like a checkpoint missing from the DB.
    Chains are cut into segments of at most ``segment_seqs`` seqs (less for a chain longer than one
    connection's share of the events), walked by ``workers`` connections at once (default: one per core
    up to ``MAX_WORKERS``, fewer for small logs), all in that one snapshot.
    """
    started = time.perf_counter()
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.execute(text("select pg_advisory_lock(:key)"), {"key": SEAL_LOCK_KEY})
        conn.commit()
        locked = True
        try:
            conn.execution_options(isolation_level="REPEATABLE READ")
            conn.execute(text("set transaction read only"))
            # The snapshot is taken by the first query, which must run while the lock is held.
            conn.execute(text("select 1"))
            if tenant_id is not None:
                tenants = [tenant_id]
            else:
                tenants = sorted({*conn.execute(_TENANTS).scalars(), *anchors.tenants()}, key=str)
            anchored = {t: list(anchors.read(t)) for t in tenants}
            conn.execute(text("select pg_advisory_unlock(:key)"), {"key": SEAL_LOCK_KEY})
            locked = False
            records = _all_records(conn, tenants)
            expected = sum(_expected_events(t, records[t]) for t in tenants)
            count = workers if workers is not None else _worker_count(expected)
            seqs = segment_length(expected, count, segment_seqs)
            planned = [
                _plan(t, records[t], [a for a in anchored[t] if isinstance(a, Checkpoint)], seqs) for t in tenants
            ]
            plans = [plan for plan, _ in planned]

            def connect() -> psycopg.Connection[Any]:
                cargs, cparams = engine.dialect.create_connect_args(engine.url)
                return psycopg.connect(*cargs, **cparams)

            walkers = walk_chains(_driver(conn), plans, connect, count)
            reports = [
                _judge(walker, records[t], anchored[t], keys, range_findings, check_head=True)
                for t, walker, (_, range_findings) in zip(tenants, walkers, planned, strict=True)
            ]
            conn.rollback()
        finally:
            if locked:
                conn.rollback()
                conn.execute(text("select pg_advisory_unlock_all()"))
                conn.commit()
    return VerifyReport(reports, time.perf_counter() - started)
