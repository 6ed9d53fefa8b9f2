from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import DateTime, ForeignKey, ForeignKeyConstraint, Index, Text, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column

from engium.kit.orm import Base


class Contact(Base):
    __tablename__ = "contacts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "email", name="contacts_email_key"),
        UniqueConstraint("tenant_id", "phone", name="contacts_phone_key"),
        UniqueConstraint("tenant_id", "widget_id", name="contacts_widget_id_key"),
        Index("contacts_created_idx", "tenant_id", "created_at", "id"),
    )

    tenant_id: Mapped[UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text, server_default="")
    email: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    widget_id: Mapped[str | None] = mapped_column(Text)
    # Migration 0013: what a widget visitor typed before a booking; never an identifier (nobody
    # confirmed it), so not unique and never used to find a contact.
    unverified_phone: Mapped[str | None] = mapped_column(Text)
    unverified_email: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "contact_id"], ["contacts.tenant_id", "contacts.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(
            ["tenant_id", "assignee_user_id"], ["memberships.tenant_id", "memberships.user_id"]
        ),
        Index("conversations_recent_idx", "tenant_id", "last_message_at", "id"),
        Index("conversations_contact_idx", "tenant_id", "contact_id"),
        Index("conversations_created_idx", "tenant_id", "created_at"),  # migration 0037: analytics
    )

    tenant_id: Mapped[UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    contact_id: Mapped[UUID]
    channel: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text, server_default="open")
    assignee_user_id: Mapped[UUID | None]
    subject: Mapped[str] = mapped_column(Text, server_default="")
    escalation_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_message_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Migration 0037: the first escalation and the latest resolution, kept by a trigger on ``status`` (analytics).
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "conversation_id"],
            ["conversations.tenant_id", "conversations.id"],
            ondelete="CASCADE",
        ),
        Index("messages_conversation_idx", "tenant_id", "conversation_id", "created_at", "id"),
        Index("messages_in_reply_to_key", "tenant_id", "in_reply_to", unique=True,
              postgresql_where=text("in_reply_to is not null")),
        # Migration 0028: a provider's status callback names only its own id for the message.
        Index("messages_provider_message_key", "tenant_id", "provider", "provider_message_id", unique=True,
              postgresql_where=text("provider_message_id is not null")),
        # Full-text search (migration 0034_inbox_tools, conversations/search.py): an expression index, so the
        # searchable form of a text never outlives the text itself.
        Index("messages_body_search_idx", text("message_search_document(body)"), postgresql_using="gin"),
    )

    tenant_id: Mapped[UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    conversation_id: Mapped[UUID]
    direction: Mapped[str] = mapped_column(Text)
    author_kind: Mapped[str] = mapped_column(Text)
    author_user_id: Mapped[UUID | None]
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Replies that leave through a provider (SMS, WhatsApp): queued → sent → delivered, or failed with the
    # reason (channels/delivery_receipts.py moves them forward only).
    delivery_status: Mapped[str | None] = mapped_column(Text)
    delivery_error: Mapped[str | None] = mapped_column(Text)
    delivery_updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Who accepted the send ("twilio", "whatsapp") and its id for the message (Twilio's sid, WhatsApp's wamid).
    provider: Mapped[str | None] = mapped_column(Text)
    provider_message_id: Mapped[str | None] = mapped_column(Text)
    # The customer message an assistant reply answers: at most one reply each (a unique index), so a
    # turn run again after its worker lost the job's "done" mark does not text the customer twice.
    in_reply_to: Mapped[UUID | None]


class CannedResponse(Base):
    """A business's ready-made reply, inserted into the reply box by staff (migration 0034_inbox_tools)."""

    __tablename__ = "canned_responses"
    __table_args__ = (
        Index("canned_responses_shortcut_key", "tenant_id", "shortcut", unique=True,
              postgresql_where=text("shortcut is not null")),
        Index("canned_responses_title_idx", "tenant_id", "title", "id"),
    )

    tenant_id: Mapped[UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    shortcut: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
