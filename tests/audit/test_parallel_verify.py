"""`engium audit verify` cuts chains into seq segments walked by several connections at once (ADR 0033):
it finds exactly what the walk of the whole chain on one connection finds, for every kind of tampering,
reads every segment in one snapshot, and hashes the very bytes that ``audit_append`` hashed."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable
from uuid import UUID

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine, text

from engium.audit.chain import FIELD_NAMES, FORMAT, ChainWalker, canonical
from engium.audit.chain_scan import _SEGMENT, MAX_SEQ, MIN_SEQ, ChainPlan, plan_segments, walk_chains
from engium.audit.checkpoints import DirectoryAnchorStore, anchor_dir
from engium.audit.signing import verifier_keys
from engium.audit.verify import TenantReport, verify_database
from engium.runtime import Runtime
from tests.audit import tamper
from tests.audit.attacks import ATTACKS, COVER_UPS, attack_and_cover_up, sealed_chain
from tests.audit.conftest import append, seal
from tests.conftest import make_tenant


def _verify(runtime: Runtime, owner_engine: Engine, tenant: UUID, workers: int, segment_seqs: int) -> TenantReport:
    keys = verifier_keys(runtime.settings)
    anchors = DirectoryAnchorStore(anchor_dir(runtime.settings))
    report = verify_database(owner_engine, keys, anchors, tenant, workers=workers, segment_seqs=segment_seqs)
    return report.tenants[0]


def _same_as_one_walk(runtime: Runtime, owner_engine: Engine, tenant: UUID) -> TenantReport:
    """The chain verified whole on one connection, then in segments of 1 and 2 seqs on 3 connections:
    the segmented reports must equal the whole one, finding for finding, in order."""
    whole = _verify(runtime, owner_engine, tenant, workers=1, segment_seqs=10**9)
    for segment_seqs in (1, 2):
        parallel = _verify(runtime, owner_engine, tenant, workers=3, segment_seqs=segment_seqs)
        assert parallel == whole, segment_seqs
    return whole


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("cover_up", COVER_UPS)
def test_segments_walked_in_parallel_find_what_one_walk_finds(
    runtime: Runtime, owner_engine: Engine, superuser_engine: Engine, attack: str, cover_up: str
) -> None:
    tenant, seqs = sealed_chain(runtime)
    intact = _same_as_one_walk(runtime, owner_engine, tenant)
    assert intact.findings == []
    assert intact.events == seqs[-1]

    broken = attack_and_cover_up(superuser_engine, tenant, seqs, attack, cover_up)

    report = _same_as_one_walk(runtime, owner_engine, tenant)
    assert report.first is not None
    assert report.first.seq == broken, report.findings


Extra = Callable[[Connection, UUID, list[int], UUID], tuple[int, str]]


def _duplicate(conn: Connection, tenant: UUID, seqs: list[int], other: UUID) -> tuple[int, str]:
    """A second row with an existing seq (the primary key includes occurred_at)."""
    conn.execute(text(
        f"insert into audit_events select tenant_id, seq, occurred_at + interval '1 second', "
        f"{tamper.CONTENT.split(', ', 1)[1]} from audit_events where tenant_id = :t and seq = :s"
    ), {"t": tenant, "s": seqs[2]})
    return seqs[2], "repeats or goes backwards"


def _far_beyond_the_head(conn: Connection, tenant: UUID, seqs: list[int], other: UUID) -> tuple[int, str]:
    """A copy of the last event at an absurd seq, past every planned segment but the open-ended last one."""
    conn.execute(text(
        f"insert into audit_events select tenant_id, 10000000000000, {tamper.CONTENT} from audit_events "
        "where tenant_id = :t and seq = :s"
    ), {"t": tenant, "s": seqs[-1]})
    return seqs[-1] + 1, "missing (deleted)"


def _moved_from_another_chain(conn: Connection, tenant: UUID, seqs: list[int], other: UUID) -> tuple[int, str]:
    """Another tenant's event, renumbered to continue this chain and linked to its head: its tenant and
    seq are hashed, so its stored hash no longer matches."""
    row = conn.execute(text("select hash from audit_events where tenant_id = :t and seq = :s"),
                       {"t": tenant, "s": seqs[-1]}).scalar_one()
    conn.execute(text(
        "update audit_events set tenant_id = :t, seq = :s, prev_hash = :p "
        "where tenant_id = :o and seq = (select max(seq) from audit_events where tenant_id = :o)"
    ), {"t": tenant, "s": seqs[-1] + 1, "p": row, "o": other})
    return seqs[-1] + 1, "content does not match its stored hash"


@pytest.mark.parametrize("extra", [_duplicate, _far_beyond_the_head, _moved_from_another_chain])
def test_rows_outside_the_planned_segments_are_walked_too(
    runtime: Runtime, owner_engine: Engine, superuser_engine: Engine, extra: Extra
) -> None:
    # Sealed (by sealed_chain) before anything is moved out of it, so that later seals still succeed.
    other = make_tenant(runtime).id
    append(runtime, other)
    tenant, seqs = sealed_chain(runtime)
    with tamper.triggers_disabled(superuser_engine) as conn:
        seq, reason = extra(conn, tenant, seqs, other)
    report = _same_as_one_walk(runtime, owner_engine, tenant)
    assert any(f.seq == seq and reason in f.reason for f in report.findings), report.findings


def test_every_segment_is_read_in_the_snapshot_of_the_verification(
    runtime: Runtime, owner_engine: Engine
) -> None:
    """Events appended after the verification's snapshot are seen by none of its connections, so the
    walked chain and the head it is compared with describe the same instant."""
    tenant = make_tenant(runtime).id
    last = max(append(runtime, tenant, details={"n": n}) for n in range(6))
    cargs, cparams = owner_engine.dialect.create_connect_args(owner_engine.url)

    def connect() -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(*cargs, **cparams)

    with connect() as main:
        main.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        main.execute("select 1")  # the snapshot
        for n in range(4):
            append(runtime, tenant, details={"late": n})
        plan = ChainPlan(tenant, frozenset(), (0, bytes(32)), plan_segments(tenant, 0, last + 4, seqs=1))
        [walker] = walk_chains(main, [plan], connect, workers=3)
    assert walker.findings == []
    assert (walker.events, walker.last_seq) == (last, last)


def test_a_worker_that_cannot_connect_fails_the_verification(runtime: Runtime, owner_engine: Engine) -> None:
    tenant = make_tenant(runtime).id
    for _ in range(3):
        append(runtime, tenant)
    cargs, cparams = owner_engine.dialect.create_connect_args(owner_engine.url)

    def refused() -> psycopg.Connection[tuple[object, ...]]:
        raise psycopg.OperationalError("connection refused")

    with psycopg.connect(*cargs, **cparams) as main:
        main.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        plan = ChainPlan(tenant, frozenset(), (0, bytes(32)), plan_segments(tenant, 0, 3, seqs=1))
        with pytest.raises(psycopg.OperationalError):
            list(walk_chains(main, [plan], refused, workers=2))


def test_segments_cover_every_possible_seq_whatever_the_head_says() -> None:
    tenant = UUID(int=1)
    for after, last in ((0, None), (0, 0), (0, 10), (7, 3), (0, 10**15), (500, 1_000_000)):
        segments = plan_segments(tenant, after, last, seqs=4)
        assert segments[0].first == MIN_SEQ
        assert segments[-1].last == MAX_SEQ
        assert all(a.last + 1 == b.first for a, b in itertools.pairwise(segments))
        assert len(segments) <= 1_024


def test_the_hashed_bytes_are_those_audit_append_hashed(runtime: Runtime, owner_engine: Engine) -> None:
    """The verifier's encoding in SQL equals ``audit_canonical(audit_event_fields(e))``, the input of the
    stored hash, for text that is not ASCII, JSON with quotes and nesting, and a missing IP address."""
    tenant = make_tenant(runtime).id
    append(runtime, tenant, details={"name": "Zoë Ångström", "quote": "\"'\\", "nested": {"list": [1, "二"]}})
    append(runtime, tenant, ip=None, details={})
    last = append(runtime, tenant, ip="2001:db8::1", details={"emoji": "🙂", "n": 1.5})
    seal(runtime)
    cargs, cparams = owner_engine.dialect.create_connect_args(owner_engine.url)
    with psycopg.connect(*cargs, **cparams) as conn:
        rows = conn.cursor(binary=True).execute(_SEGMENT, (tenant, MIN_SEQ, MAX_SEQ)).fetchall()
        expected = dict(conn.execute(
            "select seq, audit_canonical(audit_event_fields(e)) from audit_events e where tenant_id = %s", (tenant,)
        ).fetchall())
    assert [row[0] for row in rows] == list(range(1, last + 1))
    for seq, encoded, prev_hash, stored in rows:
        assert encoded == expected[seq]
        assert hashlib.sha256(prev_hash + encoded).digest() == stored


Row = tuple[int, bytes | None, bytes, bytes]
TENANT = UUID(int=7)


def _honest_chain(length: int) -> list[Row]:
    rows: list[Row] = []
    prev = bytes(32)
    for seq in range(1, length + 1):
        fields = [FORMAT, str(TENANT), str(seq), *(f"field {n} é" for n in range(3, len(FIELD_NAMES)))]
        encoded = canonical(fields)
        digest = hashlib.sha256(prev + encoded).digest()
        rows.append((seq, encoded, prev, digest))
        prev = digest
    return rows


def _tampered(rows: list[Row], edits: list[tuple[int, int]]) -> list[Row]:
    """Each edit (kind, position) alters the chain the way a superuser could."""
    out = list(rows)
    for kind, position in edits:
        if not out:
            break
        i = position % len(out)
        seq, encoded, prev, stored = out[i]
        if kind == 0:
            del out[i]
        elif kind == 1:
            out.insert(i, out[i])
        elif kind == 2:
            out[i] = (seq, (encoded or b"") + b"x", prev, stored)
        elif kind == 3:
            out[i] = (seq, None, prev, stored)
        elif kind == 4:
            out[i] = (seq, canonical([FORMAT, str(UUID(int=8)), str(seq)]), prev, stored)
        elif kind == 5:
            out[i] = (seq + 1000, encoded, prev, stored)
        else:  # linked elsewhere, and re-hashed so that only the link shows it
            out[i] = (seq, encoded, bytes(32), hashlib.sha256(bytes(32) + (encoded or b"")).digest())
    return sorted(out, key=lambda row: row[0])


def _state(walker: ChainWalker) -> tuple[object, ...]:
    return walker.events, walker.last_seq, walker.last_hash, walker.hashes, walker.findings


@settings(max_examples=300, deadline=None)
@given(
    length=st.integers(0, 12),
    edits=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 50)), max_size=4),
    cut=st.integers(0, 14),
)
def test_the_inline_path_and_segments_find_what_one_event_at_a_time_finds(
    length: int, edits: list[tuple[int, int]], cut: int
) -> None:
    rows = _tampered(_honest_chain(length), edits)
    wanted = {2, 5, 9}
    one_by_one = ChainWalker(TENANT, wanted)
    for row in rows:
        one_by_one.feed_canonical(*row)
    inline = ChainWalker(TENANT, wanted)
    inline.feed_encoded(rows)
    assert _state(inline) == _state(one_by_one)

    joined = ChainWalker(TENANT, wanted)
    for part in ([r for r in rows if r[0] <= cut], [r for r in rows if r[0] > cut]):
        segment = ChainWalker(TENANT, wanted, segment=True)
        segment.feed_encoded(part)
        joined.join(segment)
    assert _state(joined) == _state(one_by_one)
