"""What the operator does to whole businesses (ADR 0040): list them with usage counts, suspend, unsuspend,
delete. Shared by ``engium tenant ...`` and the operator console's Businesses page.

Operators act across tenants without any policy that lets them: the tenant ids come from
``privacy_tenant_ids()`` (SECURITY DEFINER, ids only), and each business is then read or changed in a
transaction bound to it, under the same forced RLS as every request. Each action is recorded twice: on
the business's own chain (its auditors see who suspended it) and on the platform chain, which outlives a
deleted business.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from engium.audit import recorder as audit
from engium.audit.actions import ActorKind, AuditAction
from engium.errors import BadRequest, Conflict, NotFound
from engium.kit.database import Database
from engium.tenancy.binding import bind_tenant, tenant_transaction
from engium.tenancy.models import Tenant
from engium.tenancy.service import delete_tenant, get_tenant

Actor = tuple[ActorKind, str]
MAX_REASON = 500
# One statement per business, under its RLS: each count sees only the bound tenant's rows. Messages are
# the last 30 days (activity); the rest are totals. "Stored" counts what takes space: documents and e-mails.
_USAGE = text("""
select (select count(*) from memberships),
       (select count(*) from contacts),
       (select count(*) from conversations),
       (select count(*) from messages where created_at > now() - interval '30 days'),
       (select count(*) from bookings),
       (select count(*) from knowledge_documents),
       (select count(*) from outbound_mail)
""")


@dataclass(frozen=True)
class TenantUsage:
    tenant_id: UUID
    name: str
    created_at: datetime
    suspended_at: datetime | None
    suspension_reason: str | None
    members: int
    contacts: int
    conversations: int
    messages_30_days: int
    bookings: int
    documents: int
    emails: int

    @property
    def suspended(self) -> bool:
        return self.suspended_at is not None


def tenant_ids(database: Database) -> list[UUID]:
    """Every business, through the one cross-tenant function that lists them (migration 0017)."""
    with database.transaction() as session:
        return [UUID(str(t)) for t in session.execute(text("select privacy_tenant_ids()")).scalars()]


def usage_of(session: Session) -> TenantUsage:
    """The bound business with its counts; NotFound when none is bound (or it is the platform's)."""
    tenant = get_tenant(session)
    counts = [int(c) for c in session.execute(_USAGE).one()]
    return TenantUsage(tenant.id, tenant.name, tenant.created_at, tenant.suspended_at, tenant.suspension_reason,
                       *counts)


def list_usage(database: Database) -> list[TenantUsage]:
    """Every business with its counts, newest first: one short transaction per business."""
    found = []
    for tenant_id in tenant_ids(database):
        with tenant_transaction(database, tenant_id) as session:
            try:
                found.append(usage_of(session))
            except NotFound:
                continue  # the platform's vault tenant, or deleted meanwhile
    return sorted(found, key=lambda u: (u.created_at, str(u.tenant_id)), reverse=True)


def _locked(session: Session, tenant_id: UUID) -> Tenant:
    bind_tenant(session, tenant_id)
    get_tenant(session)  # NotFound for an unknown id and for the platform's tenant
    tenant = session.execute(select(Tenant).with_for_update()).scalar_one()
    return tenant


def _on_platform_chain(database: Database, tenant_id: UUID, action: AuditAction, actor: Actor) -> None:
    """The platform's record of what was done to a business, after its own chain recorded it in the same
    transaction as the change (a transaction appends only to the chain of the tenant it is bound to)."""
    with database.transaction() as session:
        audit.record(session, None, action, resource_type="tenant", resource_id=tenant_id, actor=actor)


def suspend(database: Database, tenant_id: UUID, *, reason: str, actor: Actor) -> TenantUsage:
    """Refuses every way into the business from now on (sign-in, sessions, API keys, widget, inbound
    webhooks) and stops its sends; its data is kept. The reason is shown to operators, never to visitors."""
    reason = reason.strip()
    if not 1 <= len(reason) <= MAX_REASON or any(c in reason for c in "\r\n\0"):
        raise BadRequest(f"Give a reason of 1 to {MAX_REASON} characters on one line")
    with database.transaction() as session:
        tenant = _locked(session, tenant_id)
        if tenant.suspended_at is not None:
            raise Conflict("This business is already suspended")
        tenant.suspended_at = session.execute(text("select now()")).scalar_one()
        tenant.suspension_reason = reason
        session.flush()
        audit.record(session, None, AuditAction.TENANT_SUSPENDED, resource_type="tenant", resource_id=tenant_id,
                     actor=actor)
        usage = usage_of(session)
    _on_platform_chain(database, tenant_id, AuditAction.TENANT_SUSPENDED, actor)
    return usage


def unsuspend(database: Database, tenant_id: UUID, *, actor: Actor) -> TenantUsage:
    with database.transaction() as session:
        tenant = _locked(session, tenant_id)
        if tenant.suspended_at is None:
            raise Conflict("This business is not suspended")
        tenant.suspended_at = None
        tenant.suspension_reason = None
        session.flush()
        audit.record(session, None, AuditAction.TENANT_UNSUSPENDED, resource_type="tenant", resource_id=tenant_id,
                     actor=actor)
        usage = usage_of(session)
    _on_platform_chain(database, tenant_id, AuditAction.TENANT_UNSUSPENDED, actor)
    return usage


def delete(database: Database, tenant_id: UUID, *, confirm_name: str, actor: Actor) -> str:
    """Deletes the business and everything it owns (its data keys too, so copies of its ciphertexts become
    unreadable); the audit log is kept. ``confirm_name`` must be the business's name, exactly: an operator
    deletes what they looked at, not a mistyped id. Returns the name deleted."""
    with database.transaction() as session:
        tenant = _locked(session, tenant_id)
        name = tenant.name
        if confirm_name.strip() != name:
            raise BadRequest("Type the business's name exactly to confirm the deletion")
        delete_tenant(session, tenant_id, actor=actor)
    _on_platform_chain(database, tenant_id, AuditAction.TENANT_DELETED, actor)
    return name
