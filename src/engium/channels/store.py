"""SQL for the inbound channel tables: tenant resolution, the replay table, widget sessions, jobs.

Resolution runs before any tenant is bound, through the SECURITY DEFINER functions of migration 0004
(they return a tenant id and nothing else); everything else runs under the bound tenant's RLS.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import delete, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from engium.channels.models import InboundDelivery, Job, WidgetSession
from engium.kit.database import Database

# Replay rows must outlive every provider's retry window (Meta retries for days); a purge never
# deletes younger rows, whatever it is asked to do.
MIN_DELIVERY_RETENTION = timedelta(days=7)
# Resolver inputs are bounded before they reach the database.
MAX_PUBLIC_ID_CHARS = 32
MAX_WIDGET_KEY_CHARS = 128


def tenant_for_public_id(session: Session, public_id: str) -> UUID | None:
    if not public_id or len(public_id) > MAX_PUBLIC_ID_CHARS or not public_id.isascii():
        return None
    found: UUID | None = session.execute(text("select channel_tenant(:p)"), {"p": public_id}).scalar()
    return found


def tenant_for_widget_key(session: Session, widget_key: str) -> UUID | None:
    if not widget_key or len(widget_key) > MAX_WIDGET_KEY_CHARS or not widget_key.isascii():
        return None
    found: UUID | None = session.execute(text("select widget_tenant(:k)"), {"k": widget_key}).scalar()
    return found


def claim_delivery(session: Session, tenant_id: UUID, provider: str, event_id: str) -> bool:
    """True when this (provider, event id) is new for the tenant. The unique key decides, so two
    concurrent deliveries of one event cannot both win: the loser waits for the winner's commit and
    then sees a conflict."""
    inserted = session.execute(
        insert(InboundDelivery)
        .values(tenant_id=tenant_id, provider=provider, provider_event_id=event_id)
        .on_conflict_do_nothing()
        .returning(InboundDelivery.provider_event_id)
    ).scalar_one_or_none()
    return inserted is not None


def link_delivery(session: Session, provider: str, event_id: str, message_id: UUID) -> None:
    session.execute(
        update(InboundDelivery)
        .where(InboundDelivery.provider == provider, InboundDelivery.provider_event_id == event_id)
        .values(message_id=message_id)
    )


def purge_deliveries(session: Session, older_than: timedelta = MIN_DELIVERY_RETENTION) -> int:
    """Deletes the bound tenant's replay rows older than ``older_than``, never younger than 7 days."""
    cutoff = datetime.now(UTC) - max(older_than, MIN_DELIVERY_RETENTION)
    result = session.execute(delete(InboundDelivery).where(InboundDelivery.received_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)


def enqueue_job(session: Session, tenant_id: UUID, kind: str, payload: dict[str, Any]) -> UUID:
    """A pending job; ``payload`` carries ids only (never message text or phone numbers)."""
    job_id = uuid.uuid4()
    session.add(Job(tenant_id=tenant_id, id=job_id, kind=kind, payload=payload, status="pending"))
    session.flush()
    return job_id


def list_jobs(session: Session, *, kind: str | None = None, status: str | None = None, limit: int = 100) -> list[Job]:
    query = select(Job).order_by(Job.created_at, Job.id).limit(limit)
    if kind is not None:
        query = query.where(Job.kind == kind)
    if status is not None:
        query = query.where(Job.status == status)
    return list(session.execute(query).scalars())


def due_jobs(session: Session, kind: str, limit: int) -> list[Job]:
    """Pending jobs of ``kind`` whose time has come, locked; SKIP LOCKED lets several senders share."""
    query = (
        select(Job)
        .where(Job.kind == kind, Job.status == "pending", Job.run_after <= func_now())
        .order_by(Job.run_after, Job.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.execute(query).scalars())


def func_now() -> datetime:
    return datetime.now(UTC)


def add_widget_session(
    session: Session, tenant_id: UUID, token_hash: bytes, contact_id: UUID, conversation_id: UUID, ttl: timedelta
) -> WidgetSession:
    row = WidgetSession(
        tenant_id=tenant_id, id=uuid.uuid4(), token_hash=token_hash, contact_id=contact_id,
        conversation_id=conversation_id, expires_at=datetime.now(UTC) + ttl,
    )
    session.add(row)
    session.flush()
    return row


def find_widget_session(session: Session, token_hash: bytes) -> WidgetSession | None:
    query = select(WidgetSession).where(
        WidgetSession.token_hash == token_hash, WidgetSession.expires_at > datetime.now(UTC)
    )
    return session.execute(query).scalar_one_or_none()


# The channel sender (sender.py). Only the two functions calling a SECURITY DEFINER function of
# migration 0007 cross tenants; the rest runs bound to one tenant.


def due_jobs_all_tenants(session: Session, kind: str, now: datetime, limit: int) -> list[tuple[UUID, UUID]]:
    """(tenant_id, job_id) pairs of ``kind`` due now, across tenants; nothing else crosses."""
    rows = session.execute(
        text("select tenant_id, id from channel_due_jobs(:kind, :now, :limit)"),
        {"kind": kind, "now": now, "limit": limit},
    ).all()
    return [(r[0], r[1]) for r in rows]


def due_jobs_for(
    database: Database, kind: str, now: datetime, limit: int, tenants: Collection[UUID] | None
) -> list[tuple[UUID, UUID]]:
    """(tenant_id, job_id) pairs due now: across tenants, or (``tenants`` given, for operations and tests)
    each named tenant's own due jobs under its RLS, so other tenants' backlog cannot fill the batch."""
    if tenants is None:
        with database.transaction() as session:
            return due_jobs_all_tenants(session, kind, now, limit)
    due: list[tuple[UUID, UUID]] = []
    for tenant_id in tenants:
        with database.tenant_transaction(tenant_id) as session:
            due += [(tenant_id, job_id) for job_id in due_job_ids(session, kind, now, limit)]
    return due


def due_job_ids(session: Session, kind: str, now: datetime, limit: int) -> list[UUID]:
    """The bound tenant's due jobs of ``kind``, oldest first (not locked: :func:`lock_due_job` claims)."""
    query = (
        select(Job.id).where(Job.kind == kind, Job.status == "pending", Job.run_after <= now)
        .order_by(Job.run_after, Job.id).limit(limit)
    )
    return list(session.execute(query).scalars())


def lock_due_job(session: Session, job_id: UUID, kind: str, now: datetime) -> Job | None:
    """The job if it is still due and no other sender holds it (SKIP LOCKED: never wait)."""
    query = (
        select(Job)
        .where(Job.id == job_id, Job.kind == kind, Job.status == "pending", Job.run_after <= now)
        .with_for_update(skip_locked=True)
    )
    return session.execute(query).scalar_one_or_none()


def settle_job(session: Session, job_id: UUID, claimed_attempts: int, values: dict[str, object]) -> bool:
    """Writes an attempt's outcome unless the claim was lost (the lease ran out and another took over)."""
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "pending", Job.attempts == claimed_attempts)
        .values(**values, updated_at=datetime.now(UTC))
        .returning(Job.id)
    )
    return result.scalar_one_or_none() is not None


def purge_deliveries_all_tenants(session: Session, older_than: timedelta, batch: int = 5000) -> int:
    """One batch of every tenant's replay rows older than ``older_than``; the database refuses less
    than 7 days (and engium_auth's policies hide younger rows), so callers cannot get this wrong."""
    deleted: int = session.execute(
        text("select purge_inbound_deliveries(:older, :limit)"), {"older": older_than, "limit": batch}
    ).scalar_one()
    return deleted
