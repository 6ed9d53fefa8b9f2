"""Mirror of ``outbound_mail`` (migration 0023): one row per e-mail, from queued to sent or failed."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import DateTime, ForeignKey, ForeignKeyConstraint, Index, Integer, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from engium.kit.orm import Base

QUEUED, SENT, FAILED = "queued", "sent", "failed"


class OutboundMail(Base):
    __tablename__ = "outbound_mail"
    __table_args__ = (
        # Erased with the person: the database deletes their e-mails with the contact.
        ForeignKeyConstraint(["tenant_id", "contact_id"], ["contacts.tenant_id", "contacts.id"], ondelete="CASCADE"),
        Index("outbound_mail_contact_idx", "tenant_id", "contact_id"),
        Index("outbound_mail_created_idx", "tenant_id", "created_at"),
        ForeignKeyConstraint(["tenant_id", "message_id"], ["messages.tenant_id", "messages.id"],
                             ondelete="SET NULL (message_id)", name="outbound_mail_message_fkey"),
    )

    tenant_id: Mapped[UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    # The customer the e-mail is about, when it is about one (None: a staff notification).
    contact_id: Mapped[UUID | None] = mapped_column()
    recipient: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(Text)
    # Kept only until the e-mail is settled (sent or failed): then emptied, so a one-time code or a reset
    # link never outlives its delivery in the database (ADR 0032).
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text, server_default=QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    # The SMTP server's last answer (code and text) or the connection error: never a credential.
    last_error: Mapped[str | None] = mapped_column(Text)
    smtp_message_id: Mapped[str | None] = mapped_column(Text)
    # An e-mail conversation's reply (migration 0039): the message it carries, whose delivery state follows
    # the e-mail's, and the threading headers that keep it in the customer's thread.
    message_id: Mapped[UUID | None] = mapped_column()
    in_reply_to: Mapped[str | None] = mapped_column(Text)
    thread_references: Mapped[str | None] = mapped_column(Text)
    reply_to: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def __repr__(self) -> str:
        # Address, subject and body are personal data: kept out of logs and failure reports.
        return f"OutboundMail(id={self.id!s}, status={self.status!r}, attempts={self.attempts})"


class TenantMailSender(Base):
    """A business's own SMTP server (migration 0039); the password is the vault credential it names."""

    __tablename__ = "tenant_mail_senders"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "credential_id"],
                             ["integration_credentials.tenant_id", "integration_credentials.id"], ondelete="CASCADE"),
    )

    tenant_id: Mapped[UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    host: Mapped[str] = mapped_column(Text)
    port: Mapped[int] = mapped_column(Integer)
    security: Mapped[str] = mapped_column(Text)
    username: Mapped[str] = mapped_column(Text)
    from_address: Mapped[str] = mapped_column(Text)
    credential_id: Mapped[UUID] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
