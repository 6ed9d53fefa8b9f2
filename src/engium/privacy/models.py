"""Mirrors of the privacy tables (migrations 0015 onwards)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import DateTime, ForeignKey, ForeignKeyConstraint, Index, Integer, LargeBinary, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from engium.kit.orm import Base


class PrivacySettings(Base):
    """Retention periods and the default deadline regime; no row means the defaults (migration 0015)."""

    __tablename__ = "privacy_settings"

    tenant_id: Mapped[UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    conversation_days: Mapped[int] = mapped_column(Integer, server_default="730")
    contact_inactive_days: Mapped[int] = mapped_column(Integer, server_default="1095")
    booking_days: Mapped[int] = mapped_column(Integer, server_default="1095")
    delivery_log_days: Mapped[int] = mapped_column(Integer, server_default="30")
    job_days: Mapped[int] = mapped_column(Integer, server_default="7")
    session_days: Mapped[int] = mapped_column(Integer, server_default="30")
    network_metadata_days: Mapped[int] = mapped_column(Integer, server_default="90")
    audit_months: Mapped[int] = mapped_column(Integer, server_default="24")
    request_evidence_days: Mapped[int] = mapped_column(Integer, server_default="1095")
    regime: Mapped[str] = mapped_column(Text, server_default="gdpr")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class PrivacyRequest(Base):
    """A data-subject request and its clock (migration 0016)."""

    __tablename__ = "privacy_requests"
    __table_args__ = (
        Index("privacy_requests_clock_idx", "tenant_id", "status", "due_at"),
        Index("privacy_requests_contact_idx", "tenant_id", "contact_id"),
        Index("privacy_requests_received_idx", "tenant_id", "received_at", "id"),
    )

    tenant_id: Mapped[UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text)
    regime: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    contact_id: Mapped[UUID | None]
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    clock_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    extended_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    extension_reason: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    payload: Mapped[str | None] = mapped_column(Text)
    logged_by: Mapped[str] = mapped_column(Text, server_default="")
    overdue_recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @property
    def deadline(self) -> datetime | None:
        """The deadline that applies now: the extended one, if the clock was extended."""
        return self.extended_until or self.due_at


class PrivacyExport(Base):
    """An access or export request's bundle, sealed under the contact's key (migration 0016)."""

    __tablename__ = "privacy_exports"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "request_id"], ["privacy_requests.tenant_id", "privacy_requests.id"],
                             ondelete="CASCADE"),
    )

    tenant_id: Mapped[UUID] = mapped_column(primary_key=True)
    request_id: Mapped[UUID] = mapped_column(primary_key=True)
    contact_id: Mapped[UUID]
    sealed: Mapped[str] = mapped_column(Text)
    bytes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PrivacyCertificate(Base):
    """The signed statement of what an erasure removed (migration 0016)."""

    __tablename__ = "privacy_certificates"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "request_id"], ["privacy_requests.tenant_id", "privacy_requests.id"],
                             ondelete="CASCADE"),
    )

    tenant_id: Mapped[UUID] = mapped_column(primary_key=True)
    request_id: Mapped[UUID] = mapped_column(primary_key=True)
    statement: Mapped[str] = mapped_column(Text)
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    key_id: Mapped[str] = mapped_column(Text)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Consent(Base):
    """One consent decision for one purpose (migration 0018); the latest per purpose is in force."""

    __tablename__ = "consents"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "contact_id"], ["contacts.tenant_id", "contacts.id"], ondelete="CASCADE"),
        Index("consents_contact_idx", "tenant_id", "contact_id", "purpose", "recorded_at"),
    )

    tenant_id: Mapped[UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    contact_id: Mapped[UUID]
    purpose: Mapped[str] = mapped_column(Text)
    granted: Mapped[bool]
    channel: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    wording_version: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class KeywordReply(Base):
    """A reply to STOP, START or HELP, sent whatever the number's opt-out (migration 0018)."""

    __tablename__ = "keyword_replies"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "message_id"], ["messages.tenant_id", "messages.id"], ondelete="CASCADE"),
    )

    tenant_id: Mapped[UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    message_id: Mapped[UUID] = mapped_column(primary_key=True)
    keyword: Mapped[str] = mapped_column(Text)
