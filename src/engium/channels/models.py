"""Mirror of the tables of migration 0004: the replay table and widget sessions."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import (
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    LargeBinary,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from engium.kit.orm import Base


class InboundDelivery(Base):
    __tablename__ = "inbound_deliveries"
    __table_args__ = (
        Index("inbound_deliveries_received_idx", "tenant_id", "received_at"),
        # Migration 0016: the link to the stored message is cleared when the message goes (erasure,
        # retention); the replay row itself stays for its seven days.
        ForeignKeyConstraint(["tenant_id", "message_id"], ["messages.tenant_id", "messages.id"],
                             ondelete="SET NULL (message_id)", name="inbound_deliveries_message_fkey"),
        Index("inbound_deliveries_message_idx", "tenant_id", "message_id"),
    )

    tenant_id: Mapped[UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    provider: Mapped[str] = mapped_column(Text, primary_key=True)
    provider_event_id: Mapped[str] = mapped_column(Text, primary_key=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    message_id: Mapped[UUID | None]


class WidgetSession(Base):
    __tablename__ = "widget_sessions"
    __table_args__ = (
        UniqueConstraint("tenant_id", "token_hash", name="widget_sessions_token_key"),
        ForeignKeyConstraint(["tenant_id", "contact_id"], ["contacts.tenant_id", "contacts.id"], ondelete="CASCADE"),
        ForeignKeyConstraint(
            ["tenant_id", "conversation_id"], ["conversations.tenant_id", "conversations.id"], ondelete="CASCADE"
        ),
    )

    tenant_id: Mapped[UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    token_hash: Mapped[bytes] = mapped_column(LargeBinary)
    contact_id: Mapped[UUID]
    conversation_id: Mapped[UUID]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
