"""Mirrors of ``tenant_data_keys`` (migration 0003) and ``subject_keys`` (migration 0015)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from engium.kit.orm import Base


class TenantDataKey(Base):
    __tablename__ = "tenant_data_keys"
    __table_args__ = (
        Index(
            "tenant_data_keys_one_active", "tenant_id", unique=True, postgresql_where=text("state = 'active'")
        ),
    )

    tenant_id: Mapped[UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    root_key_id: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(Text, server_default="active")
    encryptions: Mapped[int] = mapped_column(BigInteger, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    rewrapped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SubjectKey(Base):
    """Migration 0015: a key that seals one person's personal values in the audit log (ADR 0021)."""

    __tablename__ = "subject_keys"
    __table_args__ = (
        Index("subject_keys_contact_idx", "tenant_id", "contact_id"),
        Index("subject_keys_period_idx", "tenant_id", "kind", "period"),
    )

    tenant_id: Mapped[UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(Text)
    contact_id: Mapped[UUID | None]
    period: Mapped[date | None] = mapped_column(Date)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
