"""A tenant seeded with records on both sides of every retention cutoff, with timestamps set directly
(as engium_app, under the tenant's RLS) so a test can age them without waiting."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.orm import Session

from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from engium.webhooks import service as webhooks
from engium.webhooks.schemas import EndpointCreate
from engium.webhooks.settings import WebhookSettings
from tests.conftest import TenantHandle
from tests.tenancy.fixtures import owner_principal

NOW = datetime.now(UTC)
OLD = NOW - timedelta(days=4000)  # past every ceiling: expired whatever the settings


def ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


@dataclass
class Seeded:
    """Ids of what should go (``expired``) and what should stay (``kept``), per table."""

    expired: dict[str, set[UUID]] = field(default_factory=dict)
    kept: dict[str, set[UUID]] = field(default_factory=dict)

    def note(self, table: str, row: UUID, *, expired: bool) -> UUID:
        (self.expired if expired else self.kept).setdefault(table, set()).add(row)
        return row


def _insert(session: Session, sql: str, **values: Any) -> UUID:
    row = uuid.uuid4()
    session.execute(text(sql), {"id": row, **values})
    return row


def contact(session: Session, tenant_id: UUID, at: datetime) -> UUID:
    return _insert(session, "insert into contacts (tenant_id, id, name, phone, created_at, updated_at) "
                            "values (:t, :id, 'Ada Customer', :phone, :at, :at)",
                   t=tenant_id, phone="+1555" + str(uuid.uuid4().int)[:7], at=at)


def conversation(session: Session, tenant_id: UUID, contact_id: UUID, at: datetime, messages: int = 2) -> UUID:
    row = _insert(session, "insert into conversations (tenant_id, id, contact_id, channel, created_at, updated_at, "
                           "last_message_at) values (:t, :id, :c, 'sms', :at, :at, :at)",
                  t=tenant_id, c=contact_id, at=at)
    for _ in range(messages):
        _insert(session, "insert into messages (tenant_id, id, conversation_id, direction, author_kind, body, "
                         "created_at) values (:t, :id, :c, 'inbound', 'contact', 'I need a haircut', :at)",
                t=tenant_id, c=row, at=at)
    return row


def booking_fixture(session: Session, tenant_id: UUID) -> tuple[UUID, UUID]:
    staff = _insert(session, "insert into staff (tenant_id, id, name) values (:t, :id, 'Sam')", t=tenant_id)
    service = _insert(session, "insert into services (tenant_id, id, name, duration_minutes) "
                               "values (:t, :id, 'Cut', 30)", t=tenant_id)
    return staff, service


def booking(session: Session, tenant_id: UUID, staff_service: tuple[UUID, UUID], contact_id: UUID,
            ends: datetime) -> UUID:
    staff, service = staff_service
    return _insert(session, "insert into bookings (tenant_id, id, service_id, staff_id, contact_id, starts_at, "
                            "ends_at) values (:t, :id, :s, :st, :c, :e - interval '30 minutes', :e)",
                   t=tenant_id, s=service, st=staff, c=contact_id, e=ends)


def webhook_endpoint(runtime: Runtime, tenant: TenantHandle) -> UUID:
    with tenant_transaction(runtime.database, tenant.id) as session:
        created, _secret = webhooks.create_endpoint(
            session, runtime.vault, owner_principal(tenant),
            EndpointCreate(url="https://10.1.2.3/crm", event_types=["booking.created"]),
            webhooks.Guard(WebhookSettings(allowed_cidrs="10.0.0.0/8")),
        )
        return created.id


def seed(runtime: Runtime, tenant: TenantHandle, *, conversations_each: int = 1) -> Seeded:
    """Expired and live records of every category that the purge reaches."""
    seeded = Seeded()
    t = tenant.id
    endpoint = webhook_endpoint(runtime, tenant)
    with tenant_transaction(runtime.database, t) as session:
        staff_service = booking_fixture(session, t)
        # An idle contact: nothing for years. Goes, with everything of theirs.
        idle = seeded.note("contacts", contact(session, t, OLD), expired=True)
        for _ in range(conversations_each):
            conversation(session, t, idle, OLD)
        # A regular: an old conversation and an old booking go; the contact and a recent conversation stay.
        regular = seeded.note("contacts", contact(session, t, OLD), expired=False)
        for _ in range(conversations_each):
            seeded.note("conversations", conversation(session, t, regular, OLD), expired=True)
        seeded.note("conversations", conversation(session, t, regular, ago(3)), expired=False)
        seeded.note("bookings", booking(session, t, staff_service, regular, OLD), expired=True)
        seeded.note("bookings", booking(session, t, staff_service, regular, ago(10)), expired=False)
        # A new contact with no activity yet stays.
        seeded.note("contacts", contact(session, t, ago(1)), expired=False)
        for settled, status, expired in ((ago(400), "delivered", True), (ago(60), "dead", True),
                                         (ago(400), "pending", False),
                                         (ago(2), "delivered", False)):
            row = _insert(session, "insert into webhook_deliveries (tenant_id, id, endpoint_id, event_type, payload, "
                                   "status, next_attempt_at, created_at) values (:t, :id, :e, 'booking.created', "
                                   "'{}', :status, case when :status = 'pending' then now() end, :at)",
                          t=t, e=endpoint, status=status, at=settled)
            seeded.note("webhook_deliveries", row, expired=expired)
        for settled, status, expired in ((ago(400), "sent", True), (ago(60), "failed", True),
                                         (ago(400), "queued", False), (ago(2), "sent", False)):
            row = _insert(session, "insert into outbound_mail (tenant_id, id, recipient, subject, body, status, "
                                   "sent_at, created_at) values (:t, :id, 'ada@example.com', 'Your code', "
                                   "case when :status = 'queued' then 'Code: 123456' else '' end, :status, "
                                   "case when :status = 'sent' then cast(:at as timestamptz) end, :at)",
                          t=t, status=status, at=settled)
            seeded.note("outbound_mail", row, expired=expired)
        for expires, expired in ((ago(400), True), (NOW + timedelta(days=1), False)):
            row = _insert(session, "insert into sessions (tenant_id, id, user_id, token_hash, csrf_hash, mfa_verified, "
                                   "created_at, expires_at) values (:t, :id, :u, :h, :h, false, :c, :e)",
                          t=t, u=tenant.owner_user_id, h=os.urandom(32), c=expires - timedelta(days=1), e=expires)
            seeded.note("sessions", row, expired=expired)
            row = _insert(session, "insert into invitations (tenant_id, id, email, email_normalized, role, token_hash, "
                                   "invited_by_kind, created_at, expires_at) values (:t, :id, :m, :m, 'agent', :h, "
                                   "'operator', :c, :e)",
                          t=t, m=f"{uuid.uuid4().hex[:8]}@example.com", h=os.urandom(32),
                          c=expires - timedelta(days=1), e=expires)
            seeded.note("invitations", row, expired=expired)
    return seeded


def remaining(runtime: Runtime, tenant_id: UUID, table: str) -> set[UUID]:
    with tenant_transaction(runtime.database, tenant_id) as session:
        return {UUID(str(r)) for r in session.execute(text(f"select id from {table}")).scalars()}
