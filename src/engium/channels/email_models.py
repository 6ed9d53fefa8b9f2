"""Mirror of the e-mail channel tables of migration 0039: channels and the Message-IDs of their threads."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import DateTime, ForeignKey, ForeignKeyConstraint, Index, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from engium.kit.orm import Base

INBOUND, OUTBOUND = "inbound", "outbound"


class EmailChannel(Base):
    __tablename__ = "email_channels"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "credential_id"],
                             ["integration_credentials.tenant_id", "integration_credentials.id"], ondelete="CASCADE"),
    )

    tenant_id: Mapped[UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    # Public: it is the webhook URL's path segment, resolved by email_channel_tenant().
    id: Mapped[UUID] = mapped_column(primary_key=True)
    # The address customers write to (the provider's route forwards it here): the From of our replies'
    # Reply-To, and what staff see.
    address: Mapped[str] = mapped_column(Text)
    # The Mailgun webhook signing key, encrypted in the vault (kind "mailgun").
    credential_id: Mapped[UUID] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class EmailThreadMessage(Base):
    __tablename__ = "email_thread_messages"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "conversation_id"], ["conversations.tenant_id", "conversations.id"],
                             ondelete="CASCADE"),
        Index("email_thread_messages_conversation_idx", "tenant_id", "conversation_id", "created_at"),
    )

    tenant_id: Mapped[UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    rfc_message_id: Mapped[str] = mapped_column(Text, primary_key=True)
    conversation_id: Mapped[UUID] = mapped_column()
    direction: Mapped[str] = mapped_column(Text)
    # The customer's subject (inbound rows): our reply answers "Re: <subject>".
    subject: Mapped[str] = mapped_column(Text, server_default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
