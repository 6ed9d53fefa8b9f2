"""SQL for outbound webhooks. Every function but :func:`due` runs bound to one tenant (RLS)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engium.webhooks.models import WebhookDelivery, WebhookEndpoint


def list_endpoints(session: Session) -> list[WebhookEndpoint]:
    query = select(WebhookEndpoint).order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
    return list(session.execute(query).scalars())


def get_endpoint(session: Session, endpoint_id: UUID, *, lock: bool = False) -> WebhookEndpoint | None:
    query = select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id)
    return session.execute(query.with_for_update() if lock else query).scalar_one_or_none()


def subscribed_endpoints(session: Session, event_type: str) -> list[WebhookEndpoint]:
    query = select(WebhookEndpoint).where(
        WebhookEndpoint.active.is_(True), WebhookEndpoint.event_types.any_() == event_type
    )
    return list(session.execute(query.order_by(WebhookEndpoint.id)).scalars())


def add(session: Session, row: WebhookEndpoint | WebhookDelivery) -> None:
    session.add(row)
    session.flush()


def delete_endpoint(session: Session, endpoint: WebhookEndpoint) -> None:
    session.delete(endpoint)
    session.flush()


def list_deliveries(session: Session, endpoint_id: UUID, limit: int) -> list[WebhookDelivery]:
    query = (
        select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint_id)
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def get_delivery(session: Session, delivery_id: UUID, *, lock: bool = False) -> WebhookDelivery | None:
    query = select(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
    return session.execute(query.with_for_update() if lock else query).scalar_one_or_none()


def for_attempt(session: Session, delivery_id: UUID) -> WebhookDelivery | None:
    """The delivery, locked, if it still waits to be delivered (a redelivery resets a settled one)."""
    query = (
        select(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.status == "pending")
        .with_for_update()
    )
    return session.execute(query).scalar_one_or_none()


def settle(
    session: Session, delivery_id: UUID, claimed_attempts: int, values: dict[str, object]
) -> bool:
    """Writes an attempt's outcome unless the delivery changed meanwhile (an operator redelivered it)."""
    result = session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.status == "pending",
            WebhookDelivery.attempts == claimed_attempts,
        )
        .values(**values)
        .returning(WebhookDelivery.id)
    )
    return result.scalar_one_or_none() is not None


def disable_endpoint(session: Session, endpoint_id: UUID, reason: str, now: datetime) -> None:
    session.execute(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id)
        .values(active=False, disabled_reason=reason, updated_at=now)
    )
