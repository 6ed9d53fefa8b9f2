"""Mirror of ``assistant_states`` (migration 0009; ``language`` 0030; the hand-over columns 0032)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import DateTime, ForeignKey, ForeignKeyConstraint, Integer, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from engium.kit.orm import Base


class AssistantState(Base):
    __tablename__ = "assistant_states"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "conversation_id"], ["conversations.tenant_id", "conversations.id"], ondelete="CASCADE"
        ),
    )

    tenant_id: Mapped[UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    conversation_id: Mapped[UUID] = mapped_column(primary_key=True)
    pending: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    failed_turns: Mapped[int] = mapped_column(Integer, server_default="0")
    guard_strikes: Mapped[int] = mapped_column(Integer, server_default="0")
    # The language of the conversation's last answer (assistant/language.py); NULL before the first.
    language: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Migration 0032: the current hand-over to a person (ADR 0037); all null when there is none.
    handover_id: Mapped[UUID | None]
    handed_over_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    handover_reason: Mapped[str | None] = mapped_column(Text)
    followed_up_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
