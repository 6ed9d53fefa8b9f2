"""Reads of the audit log (writes go only through audit_append). RLS scopes reads to the bound tenant."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from engium.audit.models import AuditCheckpoint, AuditEvent
from engium.audit.signing import Checkpoint


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None
    actor_kind: str | None = None
    actor_id: str | None = None
    resource_type: str | None = None
    resource_id: str | None = None
    outcome: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def list_events(session: Session, where: AuditFilter, *, before_seq: int | None, limit: int) -> list[Row[Any]]:
    columns = [c for c in AuditEvent.__table__.columns if c.name not in {"ip", "prev_hash", "hash"}]
    stmt = select(
        *columns,
        func.host(AuditEvent.ip).label("ip"),
        func.encode(AuditEvent.prev_hash, "hex").label("prev_hash"),
        func.encode(AuditEvent.hash, "hex").label("hash"),
    ).order_by(AuditEvent.seq.desc())
    if before_seq is not None:
        stmt = stmt.where(AuditEvent.seq < before_seq)
    for column, value in (
        (AuditEvent.action, where.action),
        (AuditEvent.actor_kind, where.actor_kind),
        (AuditEvent.actor_id, where.actor_id),
        (AuditEvent.resource_type, where.resource_type),
        (AuditEvent.resource_id, where.resource_id),
        (AuditEvent.outcome, where.outcome),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if where.since is not None:
        stmt = stmt.where(AuditEvent.occurred_at >= where.since)
    if where.until is not None:
        stmt = stmt.where(AuditEvent.occurred_at < where.until)
    return list(session.execute(stmt.limit(limit + 1)))


def conversation_events(
    session: Session, conversation_id: str, actions: Sequence[str], since: datetime
) -> list[tuple[str, str, dict[str, Any]]]:
    """``(action, resource_id, details)`` of the given actions about one conversation, oldest first.

    Bounded by ``actions`` and ``since`` (the conversation's start) for audit_events_action_idx; the
    conversation is named inside ``details`` by the assistant's and the guard's events."""
    stmt = (
        select(AuditEvent.action, AuditEvent.resource_id, AuditEvent.details)
        .where(
            AuditEvent.action.in_(list(actions)),
            AuditEvent.occurred_at >= since,
            AuditEvent.details["conversation_id"].astext == conversation_id,
        )
        .order_by(AuditEvent.seq)
    )
    return [(row[0], row[1], row[2]) for row in session.execute(stmt)]


def chain_position(session: Session) -> tuple[int, Checkpoint | None]:
    """The bound tenant's last event seq and its latest signed checkpoint (None before the first seal)."""
    last = session.execute(select(func.max(AuditEvent.seq))).scalar_one_or_none() or 0
    row = session.execute(
        select(AuditCheckpoint).order_by(AuditCheckpoint.seq.desc()).limit(1)
    ).scalar_one_or_none()
    if row is None:
        return int(last), None
    return int(last), Checkpoint(row.tenant_id, row.seq, bytes(row.head_hash), row.sealed_at, row.key_id,
                                 bytes(row.signature))
