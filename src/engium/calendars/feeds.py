"""Private ICS feeds: a subscribable address per business or per staff member, revoked by deleting the feed.

The URL carries a random token (256 bits); only its SHA-256 is stored, so the URL is shown once, when the
feed is created, and a database reader cannot rebuild it. A calendar client fetches the feed without
logging in: ``calendar_feed_tenant(hash)`` (SECURITY DEFINER, migration 0038) names the tenant, which is then
bound, and the feed row is read under RLS like any other. Unknown and revoked tokens take the same path and
get the same 404.

What an event says (ADR 0045): the service and the staff member, in UTC, with a UID that stays the same for
the booking's life. The customer's name only when the feed was created with ``include_customer_names``;
never notes, phone numbers or e-mail addresses.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.access.suspension import is_suspended
from engium.audit.actions import AuditAction
from engium.audit.recorder import record
from engium.bookings import calendar_data
from engium.bookings.catalog import require_staff
from engium.calendars import ics
from engium.calendars.models import CalendarFeed
from engium.calendars.schemas import CalendarFeedCreate
from engium.conversations import contacts
from engium.errors import Conflict, NotFound
from engium.tenancy.binding import bind_tenant
from engium.tenancy.service import get_settings

NOT_FOUND = "Calendar feed not found"
RESOURCE = "calendar_feed"
TOKEN_PREFIX = "cf_"
TOKEN_BYTES = 32
MAX_TOKEN_CHARS = 100
MAX_PER_TENANT = 200
# What a feed holds: the last month (so yesterday's appointments stay visible) and the next year.
PAST = timedelta(days=31)
AHEAD = timedelta(days=366)
MAX_EVENTS = 5000


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode("ascii")).digest()


def feed_path(token: str) -> str:
    return f"/calendar/{token}.ics"


def list_feeds(session: Session) -> list[CalendarFeed]:
    stmt = select(CalendarFeed).order_by(CalendarFeed.created_at, CalendarFeed.id).limit(MAX_PER_TENANT)
    return list(session.execute(stmt).scalars())


def create_feed(session: Session, principal: Principal, body: CalendarFeedCreate) -> tuple[CalendarFeed, str]:
    """The new feed and its token (returned this once, never stored)."""
    if body.staff_id is not None:
        require_staff(session, body.staff_id)
    if len(list_feeds(session)) >= MAX_PER_TENANT:
        raise Conflict(f"A business can keep at most {MAX_PER_TENANT} calendar feeds; delete one first")
    token = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    feed = CalendarFeed(tenant_id=principal.tenant_id, id=uuid.uuid4(), staff_id=body.staff_id, label=body.label,
                        token_sha256=token_hash(token), include_customer_names=body.include_customer_names,
                        created_at=datetime.now(UTC))
    session.add(feed)
    session.flush()
    record(session, principal, AuditAction.CALENDAR_FEED_CREATED, resource_type=RESOURCE, resource_id=feed.id,
           details={"staff_id": feed.staff_id, "include_customer_names": feed.include_customer_names})
    return feed, token


def revoke_feed(session: Session, principal: Principal, feed_id: UUID) -> None:
    removed = session.execute(delete(CalendarFeed).where(CalendarFeed.id == feed_id).returning(CalendarFeed.id))
    if removed.first() is None:
        raise NotFound(NOT_FOUND)
    record(session, principal, AuditAction.CALENDAR_FEED_REVOKED, resource_type=RESOURCE, resource_id=feed_id)


def _feed_for_token(session: Session, token: str) -> CalendarFeed | None:
    """Binds the feed's tenant and returns the feed; None for an unknown, revoked or malformed token."""
    if not token or len(token) > MAX_TOKEN_CHARS or not token.isascii():
        return None
    digest = token_hash(token)
    tenant_id = session.execute(text("select calendar_feed_tenant(:h)"), {"h": digest}).scalar()
    if tenant_id is None:
        return None
    bind_tenant(session, tenant_id)
    if is_suspended(session):
        return None
    found: CalendarFeed | None = session.execute(
        select(CalendarFeed).where(CalendarFeed.token_sha256 == digest)
    ).scalar_one_or_none()
    return found


def feed_document(session: Session, token: str, now: datetime | None = None) -> bytes:
    """The feed's ICS text. Raises :class:`NotFound` for any token that does not name a live feed."""
    feed = _feed_for_token(session, token)
    if feed is None:
        raise NotFound(NOT_FOUND)
    moment = now or datetime.now(UTC)
    rows = calendar_data.confirmed_for_feed(session, feed.staff_id, moment - PAST, moment + AHEAD, MAX_EVENTS)
    names = contacts.contact_names(session, [r.contact_id for r in rows]) if feed.include_customer_names else {}
    events = [
        ics.FeedEvent(r.id, r.starts_at, r.ends_at, _summary(r, names.get(r.contact_id)), r.created_at) for r in rows
    ]
    business = get_settings(session).business_name
    return ics.render_feed(f"{business}: {feed.label}", events, moment)


def _summary(row: calendar_data.FeedBooking, customer: str | None) -> str:
    summary = f"{row.service_name} with {row.staff_name}"
    return f"{summary}: {customer}" if customer else summary
