"""The calendars domain's tables (migration 0038_calendar_feeds). The busy spans an import finds belong to the
bookings domain (bookings/models.py: StaffBusySpan), which reads them when it computes free slots."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import Boolean, DateTime, ForeignKey, ForeignKeyConstraint, Index, Integer, LargeBinary, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from engium.kit.orm import Base


class CalendarFeed(Base):
    __tablename__ = "calendar_feeds"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "staff_id"], ["staff.tenant_id", "staff.id"], ondelete="CASCADE"),
        Index("calendar_feeds_token_idx", "token_sha256"),
    )

    tenant_id: Mapped[UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    staff_id: Mapped[UUID | None]
    label: Mapped[str] = mapped_column(Text)
    token_sha256: Mapped[bytes] = mapped_column(LargeBinary)
    include_customer_names: Mapped[bool] = mapped_column(Boolean, server_default="false")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CalendarImport(Base):
    __tablename__ = "calendar_imports"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "staff_id"], ["staff.tenant_id", "staff.id"], ondelete="CASCADE"),
        Index("calendar_imports_due_idx", "tenant_id", "last_attempt_at"),
    )

    tenant_id: Mapped[UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    staff_id: Mapped[UUID]
    url_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    url_hint: Mapped[str] = mapped_column(Text)
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    busy_span_count: Mapped[int] = mapped_column(Integer, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
