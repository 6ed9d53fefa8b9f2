"""SQL for the inbound channel tables: tenant resolution, the replay table, widget sessions.

Resolution runs before any tenant is bound, through the SECURITY DEFINER functions of migration 0004
(they return a tenant id and nothing else); everything else runs under the bound tenant's RLS.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from engium.channels.models import InboundDelivery, WidgetSession
from engium.errors import TenantSuspended
from engium.tenancy.binding import set_config_sql

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


# Resolve, bind and ask whether the business is suspended in one round trip (ADR 0048). An unknown id
# binds '' (what every reader of the setting takes for "no tenant"), and the caller rolls back;
# auth_tenant_suspended gets the id itself, so the order of the select list does not matter.
_BIND_FOUND = set_config_sql("coalesce(t.id::text, '')")
RESOLVE_AND_BIND_SQL = (
    f"select t.id, {_BIND_FOUND}, auth_tenant_suspended(t.id) from (select channel_tenant(:p) as id) t"
)
_RESOLVE_AND_BIND = text(RESOLVE_AND_BIND_SQL)


def bind_public_id(session: Session, public_id: str) -> UUID | None:
    """The tenant behind a webhook URL's public id, with the transaction bound to it; None (nothing
    bound) for an unknown id. A suspended business is refused (:class:`TenantSuspended`) as
    ``refuse_if_suspended`` would after a separate binding."""
    if not public_id or len(public_id) > MAX_PUBLIC_ID_CHARS or not public_id.isascii():
        return None
    row = session.execute(_RESOLVE_AND_BIND, {"p": public_id}).one()
    if row[0] is None:
        return None
    if row[-1]:
        raise TenantSuspended()
    tenant_id: UUID = row[0]
    return tenant_id


def tenant_for_widget_key(session: Session, widget_key: str) -> UUID | None:
    if not widget_key or len(widget_key) > MAX_WIDGET_KEY_CHARS or not widget_key.isascii():
        return None
    found: UUID | None = session.execute(text("select widget_tenant(:k)"), {"k": widget_key}).scalar()
    return found


# The same statement the ORM built per call, written once: building and keying it was ~10 % of a webhook's
# Python time (ADR 0051).
_CLAIM = text(
    "insert into inbound_deliveries (tenant_id, provider, provider_event_id) values (:t, :p, :e)"
    " on conflict do nothing returning provider_event_id"
)


def claim_delivery(session: Session, tenant_id: UUID, provider: str, event_id: str) -> bool:
    """True when this (provider, event id) is new for the tenant. The unique key decides, so two
    concurrent deliveries of one event cannot both win: the loser waits for the winner's commit and
    then sees a conflict."""
    inserted = session.execute(_CLAIM, {"t": tenant_id, "p": provider, "e": event_id}).scalar_one_or_none()
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


def purge_deliveries_all_tenants(session: Session, older_than: timedelta, batch: int = 5000) -> int:
    """One batch of every tenant's replay rows older than ``older_than``; the database refuses less
    than 7 days (and engium_auth's policies hide younger rows), so callers cannot get this wrong."""
    deleted: int = session.execute(
        text("select purge_inbound_deliveries(:older, :limit)"), {"older": older_than, "limit": batch}
    ).scalar_one()
    return deleted
