"""The Python encoding and hash agree byte for byte with what PostgreSQL computed and stored."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine, text

from engium.audit.chain import FIELD_NAMES, FORMAT, GENESIS, canonical, event_hash
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.audit.conftest import append, seal, verify
from tests.conftest import TenantHandle

WRITERS = 32
EVENTS_PER_WRITER = 10


def test_canonical_encoding_is_length_prefixed() -> None:
    assert canonical(["", "a", "é", "1:2,"]) == "0:,1:a,2:é,4:1:2,,".encode()
    assert event_hash(GENESIS, ["x"]) == hashlib.sha256(bytes(32) + b"1:x,").digest()


def test_python_recomputes_the_hash_postgres_stored(runtime: Runtime, tenant: TenantHandle) -> None:
    details = {"note": "Zoë ✂ 日本", "price": 12.50, "nested": {"b": [1, None, True]}, "a": "x\ny"}
    first = append(runtime, tenant.id, details=details, ip="2001:db8::1")
    second = append(runtime, tenant.id, ip=None)
    with tenant_transaction(runtime.database, tenant.id) as session:
        rows = session.execute(
            text(
                "select e.seq, audit_event_fields(e), audit_canonical(audit_event_fields(e)), e.prev_hash, e.hash "
                "from audit_events e where e.tenant_id = :t and e.seq in (:a, :b) order by e.seq"
            ),
            {"t": tenant.id, "a": first, "b": second},
        ).all()
    assert [r[0] for r in rows] == [first, second]
    for seq, fields, pg_canonical, prev_hash, stored in rows:
        assert len(fields) == len(FIELD_NAMES)
        assert fields[0] == FORMAT
        assert fields[1] == str(tenant.id)
        assert fields[2] == str(seq)
        assert canonical(fields) == bytes(pg_canonical)
        assert event_hash(bytes(prev_hash), fields) == bytes(stored)
    assert rows[0][1][6] == "2001:db8::1"
    assert rows[1][1][6] == ""
    assert bytes(rows[1][3]) == bytes(rows[0][4])


@pytest.fixture(scope="module")
def app_connection(runtime: Runtime) -> Iterator[Connection]:
    with runtime.database.app_engine.connect() as conn:
        yield conn


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(st.characters(codec="utf-8", exclude_characters="\x00")), max_size=6))
def test_canonical_matches_postgres_for_any_text(app_connection: Connection, fields: list[str]) -> None:
    encoded = app_connection.execute(text("select audit_canonical(cast(:f as text[]))"), {"f": fields}).scalar()
    # string_agg over no rows is NULL in PostgreSQL; the empty list is never a real event.
    assert (bytes(encoded) if encoded is not None else b"") == canonical(fields)


def test_parallel_writers_build_one_linear_chain(
    runtime: Runtime, tenant: TenantHandle, owner_engine: Engine
) -> None:
    with tenant_transaction(runtime.database, tenant.id) as session:
        start = session.execute(text("select coalesce(max(seq), 0) from audit_events")).scalar_one()

    def writer(n: int) -> list[int]:
        return [append(runtime, tenant.id, details={"writer": n, "i": i}) for i in range(EVENTS_PER_WRITER)]

    with ThreadPoolExecutor(WRITERS) as pool:
        written = [seq for seqs in pool.map(writer, range(WRITERS)) for seq in seqs]
    total = WRITERS * EVENTS_PER_WRITER
    assert sorted(written) == list(range(start + 1, start + total + 1))
    with tenant_transaction(runtime.database, tenant.id) as session:
        stored = session.execute(text("select seq from audit_events order by seq")).scalars().all()
    assert stored == list(range(1, start + total + 1))
    report = verify(runtime, owner_engine, tenant.id)
    assert report.findings == []
    assert report.events == start + total
    seal(runtime)
    report = verify(runtime, owner_engine, tenant.id)
    assert report.findings == []
    assert report.unsealed == 0
