"""Mirrors of the trust-centre tables (migration 0019_trust_centre)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import Date, DateTime, ForeignKey, ForeignKeyConstraint, Index, Integer, LargeBinary, Text, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from engium.kit.orm import Base


class SubprocessorChange(Base):
    """One dated change of a tenant's register; the latest per ``subprocessor_key`` is in force."""

    __tablename__ = "subprocessor_changes"
    __table_args__ = (Index("subprocessor_changes_time_idx", "tenant_id", "occurred_at"),)

    tenant_id: Mapped[UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    change: Mapped[str] = mapped_column(Text)
    subprocessor_key: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(Text)
    location: Mapped[str] = mapped_column(Text)
    data_categories: Mapped[list[str]] = mapped_column(ARRAY(Text))
    reason: Mapped[str] = mapped_column(Text)


class SubprocessorAnnouncement(Base):
    """An operator-level subprocessor announced ahead of its effective date (no tenant: every tenant's)."""

    __tablename__ = "subprocessor_announcements"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(Text)
    location: Mapped[str] = mapped_column(Text)
    data_categories: Mapped[list[str]] = mapped_column(ARRAY(Text))
    effective_on: Mapped[date] = mapped_column(Date)
    announced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    announced_by: Mapped[str] = mapped_column(Text)


class SubprocessorObjection(Base):
    __tablename__ = "subprocessor_objections"

    tenant_id: Mapped[UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    announcement_id: Mapped[UUID] = mapped_column(ForeignKey("subprocessor_announcements.id"), primary_key=True)
    objected_by: Mapped[UUID]
    reason: Mapped[str] = mapped_column(Text)
    objected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class DpaVersion(Base):
    """A generated DPA: the canonical JSON document, its SHA-256 and the audit key's Ed25519 signature."""

    __tablename__ = "dpa_versions"

    tenant_id: Mapped[UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    document: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(Text)
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    key_id: Mapped[str] = mapped_column(Text)
    generated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class DpaAcceptance(Base):
    __tablename__ = "dpa_acceptances"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "version"], ["dpa_versions.tenant_id", "dpa_versions.version"],
                             ondelete="CASCADE"),
    )

    tenant_id: Mapped[UUID] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    accepted_by: Mapped[UUID]
    accepted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
