"""Tenant provisioning and settings."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from engium.audit import recorder as audit
from engium.audit.actions import ActorKind, AuditAction
from engium.errors import NotFound
from engium.identity import invitations
from engium.identity import service as identity
from engium.identity.credentials import PasswordHashing
from engium.identity.models import Membership
from engium.identity.permissions import Role
from engium.identity.principal import Principal
from engium.kit.database import bind_tenant
from engium.tenancy.models import Tenant, TenantSettings
from engium.tenancy.schemas import SettingsUpdate

# Sending null for these keeps the current value; the optional contact fields can be cleared.
NOT_NULLABLE = frozenset(
    {
        "business_name", "timezone", "opening_hours", "faqs", "escalation_rules", "assistant_persona",
        "mfa_required", "ai_accept_retention", "link_allow_list", "widget_allowed_origins",
    }
)
# Changes whose new value is evidence in itself (P4: when did this tenant accept retention? P3: who
# loosened the guard?). Scalars only, never free text.
AUDITED_VALUES = ("ai_accept_retention", "guard_threshold")


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


def get_tenant(session: Session) -> Tenant:
    tenant = session.execute(select(Tenant)).scalar_one_or_none()
    # The platform's vault tenant (migration 0012) is no business: nothing may act in or delete it.
    if tenant is None or tenant.id == audit.PLATFORM_TENANT:
        raise NotFound("Tenant not found")
    return tenant


def get_settings(session: Session) -> TenantSettings:
    settings = session.execute(select(TenantSettings)).scalar_one_or_none()
    if settings is None:
        raise NotFound("Settings not found")
    return settings


def mfa_required(session: Session) -> bool:
    return bool(session.execute(select(TenantSettings.mfa_required)).scalar())


def update_settings(session: Session, principal: Principal, changes: SettingsUpdate) -> TenantSettings:
    settings = get_settings(session)
    values = changes.model_dump(exclude_unset=True)
    for key, value in values.items():
        if value is None and key in NOT_NULLABLE:
            continue
        setattr(settings, key, str(value) if key == "email" and value is not None else value)
    settings.updated_at = datetime.now(UTC)
    audit.record(
        session, principal, AuditAction.SETTINGS_UPDATED, resource_type="settings", resource_id=principal.tenant_id,
        details={"fields": sorted(values), **{k: values[k] for k in AUDITED_VALUES if values.get(k) is not None}},
    )
    if values.get("mfa_required"):
        # Sessions of members without TOTP no longer satisfy the policy: they must enrol first.
        session.execute(
            text(
                "update sessions s set mfa_verified = false from users u "
                "where u.id = s.user_id and not u.totp_enabled"
            )
        )
    session.flush()
    return settings


def delete_tenant(session: Session, tenant_id: uuid.UUID) -> None:
    """Deletes the tenant and, by ON DELETE CASCADE, everything it owns, its data keys included:
    ciphertexts copied out earlier (backups, dumps) can no longer be decrypted. The audit chain stays
    (no foreign key: evidence outlives the tenant) and records the deletion."""
    bind_tenant(session, tenant_id)
    tenant = get_tenant(session)
    audit.record(session, None, AuditAction.TENANT_DELETED, resource_type="tenant", resource_id=tenant_id)
    session.delete(tenant)
    session.flush()
    # The cascade emptied the chunk partition; dropping it removes the files too (vectors are personal data).
    session.execute(text("select knowledge_drop_partition(:t)"), {"t": tenant_id})
