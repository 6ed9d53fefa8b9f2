"""Mirror of ``satisfaction_ratings`` (migration 0037)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import DateTime, ForeignKey, ForeignKeyConstraint, Index, SmallInteger, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from engium.kit.orm import Base


class SatisfactionRating(Base):
    """One "how did we do?" question asked at a resolution, and the customer's 1-5 answer once given."""

    __tablename__ = "satisfaction_ratings"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "conversation_id"], ["conversations.tenant_id", "conversations.id"],
                             ondelete="CASCADE"),
        ForeignKeyConstraint(["tenant_id", "question_message_id"], ["messages.tenant_id", "messages.id"],
                             ondelete="SET NULL"),
        Index("satisfaction_ratings_conversation_idx", "tenant_id", "conversation_id", "asked_at"),
        Index("satisfaction_ratings_question_idx", "tenant_id", "question_message_id"),
        Index("satisfaction_ratings_rated_idx", "tenant_id", "rated_at", postgresql_where=text("rating is not null")),
    )

    tenant_id: Mapped[UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    conversation_id: Mapped[UUID]
    question_message_id: Mapped[UUID | None]
    channel: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    rated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
