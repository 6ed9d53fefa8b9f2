"""Mirror of migration 0036: the one-time codes that prove a widget visitor's number or address (ADR 0043)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import DateTime, ForeignKey, ForeignKeyConstraint, Index, Integer, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from engium.kit.orm import Base


class ContactProof(Base):
    """A code sent to the number or address a widget visitor stated; good for their conversation only."""

    __tablename__ = "contact_proofs"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "contact_id"], ["contacts.tenant_id", "contacts.id"], ondelete="CASCADE"),
        ForeignKeyConstraint(["tenant_id", "conversation_id"], ["conversations.tenant_id", "conversations.id"],
                             ondelete="CASCADE"),
        Index("contact_proofs_contact_idx", "tenant_id", "contact_id"),
        Index("contact_proofs_conversation_idx", "tenant_id", "conversation_id", "created_at"),
        Index("contact_proofs_address_idx", "tenant_id", "address_sha256", "created_at"),
    )

    tenant_id: Mapped[UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    contact_id: Mapped[UUID]
    conversation_id: Mapped[UUID]
    channel: Mapped[str] = mapped_column(Text)
    address_sha256: Mapped[str] = mapped_column(Text)
    code_sha256: Mapped[str] = mapped_column(Text)
    wrong_codes: Mapped[int] = mapped_column(Integer, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    voided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
