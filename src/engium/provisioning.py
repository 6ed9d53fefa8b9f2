"""Opening a new business: the tenant, its settings, its knowledge partition and its owner.

Above both tenancy (the business) and identity (who may act in it): neither needs the other to exist.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from engium.access.permissions import Role
from engium.audit import recorder as audit
from engium.audit.actions import ActorKind, AuditAction
from engium.identity import invitations
from engium.identity import service as identity
from engium.identity.credentials import PasswordHashing
from engium.identity.models import Membership
from engium.tenancy.binding import bind_tenant
from engium.tenancy.models import Tenant, TenantSettings


@dataclass(frozen=True)
class ProvisionedTenant:
    tenant_id: uuid.UUID
    # Set when the owner's account was created here with a password; otherwise the owner is invited.
    owner_user_id: uuid.UUID | None
    owner_invitation: invitations.IssuedInvitation | None = None


def provision_tenant(
    session: Session,
    hashing: PasswordHashing,
    *,
    name: str,
    owner_email: str,
    owner_password: str | None,
    timezone: str = "UTC",
    operator: str = "",
) -> ProvisionedTenant:
    """Creates a tenant, its settings and its owner. Binds the transaction to the new tenant.

    With ``owner_password`` a new account is created for the owner (an address that already has an
    account is a conflict: its password is its holder's). Without, the owner is invited and redeems the
    invitation by setting a password or signing in with their existing account. ``operator`` names who
    ran the command, for the audit log."""
    tenant_id = uuid.uuid4()
    bind_tenant(session, tenant_id)
    # public_id: the tenant's id in webhook URLs; 9 random bytes = 12 URL-safe characters.
    session.add(Tenant(id=tenant_id, name=name, public_id=secrets.token_urlsafe(9)))
    session.flush()
    # The tenant's own knowledge chunk partition (P2); the function checks the tenants row just flushed.
    session.execute(text("select knowledge_ensure_partition()"))
    actor = (ActorKind.OPERATOR, operator) if operator else None
    audit.record(session, None, AuditAction.TENANT_CREATED, resource_type="tenant", resource_id=tenant_id, actor=actor)
    session.add(TenantSettings(tenant_id=tenant_id, business_name=name, timezone=timezone))
    session.flush()
    if owner_password is None:
        inviter = invitations.Inviter(None, operator or "operator")
        issued = invitations.invite(session, inviter, tenant_id=tenant_id, email=owner_email, role=Role.OWNER)
        return ProvisionedTenant(tenant_id=tenant_id, owner_user_id=None, owner_invitation=issued)
    owner_id = identity.create_account(session, hashing, email=owner_email, password=owner_password, actor=actor)
    session.add(Membership(tenant_id=tenant_id, user_id=owner_id, role=Role.OWNER.value))
    session.flush()
    audit.record(
        session, None, AuditAction.MEMBER_ADDED, resource_type="user", resource_id=owner_id,
        details={"role": Role.OWNER.value}, actor=actor,
    )
    return ProvisionedTenant(tenant_id=tenant_id, owner_user_id=owner_id)
