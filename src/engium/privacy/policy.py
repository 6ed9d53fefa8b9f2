"""A tenant's privacy settings: how long each kind of record is kept, and which deadlines requests run on.

No row in ``privacy_settings`` means the defaults. Every period has a documented floor and ceiling
(:data:`LIMITS`, shown in docs/privacy.md and enforced by the API's schema and by the table's checks):
floors protect evidence (the audit log keeps at least 13 months, one full SOC 2 audit period plus the
month being sealed; handled requests a year) and replay protection (delivery logs at least 7 days);
ceilings keep "for ever" out of a retention policy.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.audit import recorder as audit
from engium.audit.actions import AuditAction
from engium.privacy.models import PrivacySettings

Regime = Literal["gdpr", "ccpa"]


@dataclass(frozen=True)
class Limit:
    default: int
    minimum: int
    maximum: int
    unit: Literal["days", "months"]
    what: str


LIMITS: dict[str, Limit] = {
    "conversation_days": Limit(730, 30, 3650, "days",
                               "conversations (with their messages and assistant state) with no message since"),
    "contact_inactive_days": Limit(1095, 30, 3650, "days",
                                   "contacts with no conversation, booking or change since (keys destroyed too)"),
    "booking_days": Limit(1095, 30, 3650, "days", "bookings that ended before"),
    "delivery_log_days": Limit(30, 7, 365, "days",
                               "outbound webhook deliveries and e-mails that are no longer pending, and inbound "
                               "replay ids"),
    "job_days": Limit(7, 1, 90, "days", "finished background jobs of the business"),
    "session_days": Limit(30, 1, 365, "days", "staff sessions and invitations that expired before"),
    "network_metadata_days": Limit(90, 30, 730, "days",
                                   "customers' IP addresses and user agents in the audit log (monthly keys)"),
    "audit_months": Limit(24, 13, 120, "months", "whole sealed months of the audit log, once exported"),
    "request_evidence_days": Limit(1095, 365, 3650, "days", "handled data-subject requests and certificates"),
}


@dataclass(frozen=True)
class PrivacyPolicy:
    conversation_days: int = LIMITS["conversation_days"].default
    contact_inactive_days: int = LIMITS["contact_inactive_days"].default
    booking_days: int = LIMITS["booking_days"].default
    delivery_log_days: int = LIMITS["delivery_log_days"].default
    job_days: int = LIMITS["job_days"].default
    session_days: int = LIMITS["session_days"].default
    network_metadata_days: int = LIMITS["network_metadata_days"].default
    audit_months: int = LIMITS["audit_months"].default
    request_evidence_days: int = LIMITS["request_evidence_days"].default
    regime: Regime = "gdpr"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


POLICY_FIELDS = tuple(f.name for f in fields(PrivacyPolicy))


def current_policy(session: Session) -> PrivacyPolicy:
    """The bound tenant's policy (the defaults while it has set nothing)."""
    row = session.execute(select(PrivacySettings)).scalar_one_or_none()
    if row is None:
        return PrivacyPolicy()
    return PrivacyPolicy(**{name: getattr(row, name) for name in POLICY_FIELDS})


def update_policy(session: Session, principal: Principal, changes: dict[str, Any]) -> PrivacyPolicy:
    """Applies ``changes`` (validated by the caller's schema; the table's checks are the backstop)."""
    before = current_policy(session)
    after = PrivacyPolicy(**{**before.as_dict(), **changes})
    changed = sorted(name for name in POLICY_FIELDS if getattr(before, name) != getattr(after, name))
    if not changed:
        return before
    values = {**after.as_dict(), "updated_at": datetime.now(UTC)}
    session.execute(
        insert(PrivacySettings).values(tenant_id=principal.tenant_id, **values)
        .on_conflict_do_update(index_elements=["tenant_id"], set_=values)
    )
    audit.record(
        session, principal, AuditAction.PRIVACY_SETTINGS_UPDATED, resource_type="privacy_settings",
        resource_id=principal.tenant_id,
        # The new periods are evidence in themselves (what did the business promise, and since when).
        details={"fields": changed, **{name: getattr(after, name) for name in changed}},
    )
    return after
