"""What a database superuser can do to the audit tables once the refusal triggers are out of the way."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID

from sqlalchemy import Connection, Engine, text

from engium.audit.chain import GENESIS, event_hash
from tests.audit.conftest import audit_partitions

CONTENT = (
    "occurred_at, actor_kind, actor_id, ip, user_agent, request_id, action, resource_type, resource_id, "
    "outcome, details, prev_hash, hash"
)


@contextmanager
def triggers_disabled(engine: Engine) -> Iterator[Connection]:
    """One transaction with every audit trigger disabled, restored (ENABLE ALWAYS) before commit.

    Everything happens in that transaction, so no other session ever sees the triggers disabled.
    """
    tables = ["audit_events", "audit_checkpoints", *audit_partitions(engine)]
    with engine.begin() as conn:
        for table in tables:
            conn.execute(text(f"alter table {table} disable trigger user"))
        yield conn
        for table in tables:
            conn.execute(text(f"alter table {table} enable always trigger audit_no_change"))
            conn.execute(text(f"alter table {table} enable always trigger audit_no_truncate"))


def modify_details(conn: Connection, tenant: UUID, seq: int) -> None:
    conn.execute(
        text("update audit_events set details = '{\"amount\": 1}'::jsonb where tenant_id = :t and seq = :s"),
        {"t": tenant, "s": seq},
    )


def delete_event(conn: Connection, tenant: UUID, seq: int) -> None:
    conn.execute(text("delete from audit_events where tenant_id = :t and seq = :s"), {"t": tenant, "s": seq})


def renumber_after(conn: Connection, tenant: UUID, seq: int) -> None:
    """Closes the gap a deletion left, one row at a time (the primary key is checked per row)."""
    later = conn.execute(
        text("select seq from audit_events where tenant_id = :t and seq > :s order by seq"), {"t": tenant, "s": seq}
    ).scalars().all()
    for old in later:
        conn.execute(
            text("update audit_events set seq = :new where tenant_id = :t and seq = :old"),
            {"t": tenant, "old": old, "new": old - 1},
        )


def swap_events(conn: Connection, tenant: UUID, first: int, second: int) -> None:
    """Exchanges the content (everything but the sequence numbers) of two events."""
    assignments = ", ".join(f"{c} = o.{c}" for c in (c.strip() for c in CONTENT.split(",")))
    conn.execute(
        text(
            f"update audit_events e set {assignments} from "
            "(select * from audit_events where tenant_id = :t and seq in (:a, :b)) o "
            "where e.tenant_id = :t and e.seq in (:a, :b) and o.seq <> e.seq"
        ),
        {"t": tenant, "a": first, "b": second},
    )


def truncate_after(conn: Connection, tenant: UUID, seq: int) -> None:
    conn.execute(text("delete from audit_events where tenant_id = :t and seq > :s"), {"t": tenant, "s": seq})


def drop_checkpoints_after(conn: Connection, tenant: UUID, seq: int) -> None:
    conn.execute(text("delete from audit_checkpoints where tenant_id = :t and seq > :s"), {"t": tenant, "s": seq})


def rechain(conn: Connection, tenant: UUID) -> None:
    """Recomputes every prev_hash and hash and the head, so the chain alone looks intact."""
    rows = conn.execute(
        text("select seq, audit_event_fields(e) from audit_events e where tenant_id = :t order by seq"),
        {"t": tenant},
    ).all()
    prev = GENESIS
    for seq, fields in rows:
        digest = event_hash(prev, fields)
        conn.execute(
            text("update audit_events set prev_hash = :p, hash = :h where tenant_id = :t and seq = :s"),
            {"p": prev, "h": digest, "t": tenant, "s": seq},
        )
        prev = digest
    last = rows[-1][0] if rows else 0
    conn.execute(
        text("update audit_heads set last_seq = :s, last_hash = :h where tenant_id = :t"),
        {"s": last, "h": prev, "t": tenant},
    )
