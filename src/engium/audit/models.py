"""Mirrors of the audit tables (migrations 0002, 0021_audit_pruning). Written only by their SQL functions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import BigInteger, Date, DateTime, Index, LargeBinary, Text, func
from sqlalchemy.dialects.postgresql import INET, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from engium.kit.orm import Base


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("audit_events_time_idx", "tenant_id", "occurred_at", "seq"),
        Index("audit_events_action_idx", "tenant_id", "action", "occurred_at"),
        {"postgresql_partition_by": "RANGE (occurred_at)"},
    )

    tenant_id: Mapped[UUID] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    actor_kind: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[str] = mapped_column(Text, server_default="")
    ip: Mapped[str | None] = mapped_column(INET)
    user_agent: Mapped[str] = mapped_column(Text, server_default="")
    request_id: Mapped[str] = mapped_column(Text, server_default="")
    action: Mapped[str] = mapped_column(Text)
    resource_type: Mapped[str] = mapped_column(Text, server_default="")
    resource_id: Mapped[str] = mapped_column(Text, server_default="")
    outcome: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    prev_hash: Mapped[bytes] = mapped_column(LargeBinary)
    hash: Mapped[bytes] = mapped_column(LargeBinary)


class AuditHead(Base):
    __tablename__ = "audit_heads"

    tenant_id: Mapped[UUID] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[bytes] = mapped_column(LargeBinary)


class AuditCheckpoint(Base):
    __tablename__ = "audit_checkpoints"

    tenant_id: Mapped[UUID] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    head_hash: Mapped[bytes] = mapped_column(LargeBinary)
    sealed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    key_id: Mapped[str] = mapped_column(Text)
    signature: Mapped[bytes] = mapped_column(LargeBinary)


class AuditPrunedRange(Base):
    """Events a retention run removed (migration 0021_audit_pruning), written only by ``audit_prune``."""

    __tablename__ = "audit_pruned_ranges"

    tenant_id: Mapped[UUID] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    first_seq: Mapped[int] = mapped_column(BigInteger)
    first_month: Mapped[date] = mapped_column(Date)
    last_month: Mapped[date] = mapped_column(Date)
    events: Mapped[int] = mapped_column(BigInteger)
    checkpoint_hash: Mapped[bytes] = mapped_column(LargeBinary)
    export_sha256: Mapped[bytes] = mapped_column(LargeBinary)
    export_name: Mapped[str] = mapped_column(Text)
    pruned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
