"""Tenant provisioning and settings."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.audit import recorder as audit
from engium.audit.actions import ActorKind, AuditAction
from engium.errors import NotFound
from engium.tenancy.binding import bind_tenant
from engium.tenancy.models import Tenant, TenantSettings
from engium.tenancy.schemas import SettingsUpdate

# Sending null for these keeps the current value; the optional contact fields can be cleared.
NOT_NULLABLE = frozenset(
    {
        "business_name", "timezone", "opening_hours", "faqs", "escalation_rules", "assistant_persona",
        "mfa_required", "ai_accept_retention", "link_allow_list", "widget_allowed_origins",
        "csat_enabled",
    }
)
# Changes whose new value is evidence in itself (P4: when did this tenant accept retention? P3: who
# loosened the guard?). Scalars only, never free text.
AUDITED_VALUES = ("ai_accept_retention", "guard_threshold", "csat_enabled")


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


def accepts_model_retention(session: Session) -> bool:
    """Whether the bound tenant accepted model providers that may retain what they are sent; False when
    no tenant is bound (RLS shows no settings row): fail closed."""
    return bool(session.execute(select(TenantSettings.ai_accept_retention)).scalar_one_or_none())


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


def delete_tenant(session: Session, tenant_id: uuid.UUID, *, actor: tuple[ActorKind, str] | None = None) -> None:
    """Deletes the tenant and, by ON DELETE CASCADE, everything it owns, its data keys included:
    ciphertexts copied out earlier (backups, dumps) can no longer be decrypted. The audit chain stays
    (no foreign key: evidence outlives the tenant) and records the deletion."""
    bind_tenant(session, tenant_id)
    tenant = get_tenant(session)
    audit.record(session, None, AuditAction.TENANT_DELETED, resource_type="tenant", resource_id=tenant_id, actor=actor)
    session.delete(tenant)
    session.flush()
    # The cascade emptied the chunk partition; dropping it removes the files too (vectors are personal data).
    session.execute(text("select knowledge_drop_partition(:t)"), {"t": tenant_id})
