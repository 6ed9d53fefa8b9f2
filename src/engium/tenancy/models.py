from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import REAL, Boolean, DateTime, ForeignKey, Index, Text, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from engium.kit.orm import Base

PUBLIC_ID_DEFAULT = "substr(translate(encode(uuid_send(gen_random_uuid()), 'base64'), '+/=', '-_'), 1, 12)"


class Tenant(Base):
    __tablename__ = "tenants"
    __table_args__ = (UniqueConstraint("public_id", name="tenants_public_id_key"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    # The id in webhook URLs (migration 0004): short, random, globally unique.
    public_id: Mapped[str] = mapped_column(Text, server_default=text(PUBLIC_ID_DEFAULT))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Migration 0033: an operator's suspension refuses every way in (ADR 0040); the reason is for operators.
    suspended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    suspension_reason: Mapped[str | None] = mapped_column(Text)


class TenantSettings(Base):
    __tablename__ = "tenant_settings"
    # Migration 0013: the widget's preflight resolver looks an origin up across tenants.
    __table_args__ = (
        Index("tenant_settings_widget_origins_idx", "widget_allowed_origins", postgresql_using="gin"),
    )

    tenant_id: Mapped[UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    business_name: Mapped[str] = mapped_column(Text)
    timezone: Mapped[str] = mapped_column(Text, server_default="UTC")
    # Migration 0041: the assistant's language until a customer's words name theirs (ADR 0038).
    language: Mapped[str] = mapped_column(Text, server_default="en")
    phone: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text)
    opening_hours: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    faqs: Mapped[list[dict[str, str]]] = mapped_column(JSONB, server_default="[]")
    assistant_persona: Mapped[str] = mapped_column(Text, server_default="")
    escalation_rules: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    mfa_required: Mapped[bool] = mapped_column(Boolean, server_default="false")
    public_base_url: Mapped[str | None] = mapped_column(Text)
    # Migration 0009: the model gateway's and the guard's per-tenant choices.
    ai_accept_retention: Mapped[bool] = mapped_column(Boolean, server_default="false")
    guard_threshold: Mapped[float | None] = mapped_column(REAL)
    link_allow_list: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    # Migration 0013: the websites whose pages may call the widget API (ADR 0017).
    widget_allowed_origins: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    # Migration 0037: ask customers for a 1-5 rating when a conversation is resolved (analytics/ratings.py).
    csat_enabled: Mapped[bool] = mapped_column(Boolean, server_default="false")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
