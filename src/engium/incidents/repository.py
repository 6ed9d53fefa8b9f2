"""Reading and writing incident rows, and the operator's transaction that opens their tables."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from engium.incidents.models import Incident, IncidentEntry, IncidentNotification
from engium.kit.database import Database

OPEN_STATUSES = ("detected", "contained", "notified")


def database_now(session: Session) -> datetime:
    """The transaction's time: the clock every deadline and entry of an incident is measured by."""
    value: datetime = session.execute(select(func.now())).scalar_one()
    return value


def enter_operator_scope(session: Session) -> None:
    """Opens the operator-only tables to this transaction (their policy reads ``engium.operator``).

    Transaction-local, like the tenant binding: a pooled connection never carries it into a request."""
    session.execute(text("select set_config('engium.operator', 'on', true)"))


@contextmanager
def operator_transaction(database: Database) -> Iterator[Session]:
    """A transaction bound to no tenant (audit events go to the platform chain) that may read and write
    the incident tables."""
    with database.transaction() as session:
        enter_operator_scope(session)
        yield session


def get(session: Session, incident_id: UUID, *, lock: bool = False) -> Incident | None:
    query = select(Incident).where(Incident.id == incident_id)
    if lock:
        query = query.with_for_update()
    return session.scalars(query).first()


def list_incidents(session: Session, *, open_only: bool = False, limit: int = 100) -> list[Incident]:
    query = select(Incident).order_by(Incident.aware_at.desc(), Incident.id).limit(limit)
    if open_only:
        query = query.where(Incident.status.in_(OPEN_STATUSES))
    return list(session.scalars(query))


def open_by_trigger(session: Session, key: str) -> Incident | None:
    return session.scalars(
        select(Incident).where(Incident.trigger_key == key, Incident.status.in_(OPEN_STATUSES)).with_for_update()
    ).first()


def timeline(session: Session, incident_id: UUID) -> list[IncidentEntry]:
    return list(session.scalars(
        select(IncidentEntry).where(IncidentEntry.incident_id == incident_id).order_by(IncidentEntry.seq)
    ))


def append_entry(session: Session, incident_id: UUID, kind: str, actor: str, body: str) -> IncidentEntry:
    """The next entry; the caller holds the incident's row lock, so two appends never take one seq."""
    last = session.scalar(select(func.max(IncidentEntry.seq)).where(IncidentEntry.incident_id == incident_id))
    entry = IncidentEntry(incident_id=incident_id, seq=(last or 0) + 1, kind=kind, actor=actor[:200],
                          body=body[:5000])
    session.add(entry)
    session.flush()
    return entry


def tenant_notifications(session: Session, limit: int = 100) -> list[IncidentNotification]:
    """The bound tenant's notifications (RLS), newest first."""
    return list(session.scalars(
        select(IncidentNotification).order_by(IncidentNotification.notified_at.desc(), IncidentNotification.id)
        .limit(limit)
    ))
