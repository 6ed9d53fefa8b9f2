"""Mirrors of the incident tables (migration 0020_incidents)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import DateTime, ForeignKey, Index, Integer, Text, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.orm import Mapped, mapped_column

from engium.kit.orm import Base


class Incident(Base):
    """An operator-level incident: it may affect several tenants (no tenant_id; a reference table)."""

    __tablename__ = "incidents"
    __table_args__ = (
        Index("incidents_open_trigger_idx", "trigger_key", unique=True,
              postgresql_where=text("trigger_key is not null and status <> 'closed'")),
        Index("incidents_status_idx", "status", "aware_at"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text, server_default="detected")
    owner: Mapped[str] = mapped_column(Text, server_default="")
    tenant_ids: Mapped[list[UUID]] = mapped_column(ARRAY(PG_UUID(as_uuid=True)), server_default="{}")
    notified_tenant_ids: Mapped[list[UUID]] = mapped_column(ARRAY(PG_UUID(as_uuid=True)), server_default="{}")
    categories: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    aware_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    window_start: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    window_end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    regulator_due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    tenants_due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    contained_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    regulator_notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    review: Mapped[str | None] = mapped_column(Text)
    trigger_key: Mapped[str | None] = mapped_column(Text)
    reminders: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class IncidentEntry(Base):
    """One timestamped line of an incident's timeline; appended, never changed."""

    __tablename__ = "incident_entries"

    incident_id: Mapped[UUID] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    kind: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)


class IncidentNotification(Base):
    """What one affected tenant was told about an incident, as it was told (a tenant table)."""

    __tablename__ = "incident_notifications"
    __table_args__ = (
        UniqueConstraint("tenant_id", "incident_id", name="incident_notifications_tenant_id_incident_id_key"),
    )

    tenant_id: Mapped[UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    incident_id: Mapped[UUID] = mapped_column(ForeignKey("incidents.id"))
    title: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(Text)
    categories: Mapped[list[str]] = mapped_column(ARRAY(Text))
    aware_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    window_start: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    window_end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    body: Mapped[str] = mapped_column(Text)
    notified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
