"""Mirror of migration 0022: the one-time-code challenges behind the widget's data-subject requests."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import DateTime, ForeignKey, ForeignKeyConstraint, Index, Integer, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from engium.kit.orm import Base


class WidgetPrivacyChallenge(Base):
    """A visitor's request waiting for its code (ADR 0031); ``contact_id`` is None when the number named is
    not on file, and ``code_sha256`` None when no code was sent."""

    __tablename__ = "widget_privacy_challenges"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "contact_id"], ["contacts.tenant_id", "contacts.id"], ondelete="CASCADE"),
        ForeignKeyConstraint(["tenant_id", "requested_by"], ["contacts.tenant_id", "contacts.id"],
                             ondelete="CASCADE"),
        Index("widget_privacy_challenges_contact_idx", "tenant_id", "contact_id"),
        Index("widget_privacy_challenges_requested_by_idx", "tenant_id", "requested_by"),
        Index("widget_privacy_challenges_expires_idx", "tenant_id", "expires_at"),
    )

    tenant_id: Mapped[UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(Text)
    contact_id: Mapped[UUID | None]
    requested_by: Mapped[UUID]
    channel: Mapped[str | None] = mapped_column(Text)
    code_sha256: Mapped[str | None] = mapped_column(Text)
    wrong_codes: Mapped[int] = mapped_column(Integer, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    voided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    request_id: Mapped[UUID | None]
