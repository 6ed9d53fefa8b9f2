"""Mirror of ``tenant_data_keys`` (migration 0003)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, LargeBinary, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from engium.kit.orm import Base


class TenantDataKey(Base):
    __tablename__ = "tenant_data_keys"
    __table_args__ = (
        Index(
            "tenant_data_keys_one_active", "tenant_id", unique=True, postgresql_where=text("state = 'active'")
        ),
    )

    tenant_id: Mapped[UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    root_key_id: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(Text, server_default="active")
    encryptions: Mapped[int] = mapped_column(BigInteger, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    rewrapped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
