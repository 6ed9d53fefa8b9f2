"""A tenant's privacy settings: how long each kind of record is kept, and which deadlines requests run on.

No row in ``privacy_settings`` means the defaults below. Periods that are ``None`` keep records until
someone deletes them. The floors are in the table's checks as well as here: the audit log keeps at least
a year (SOC 2), evidence of handled requests at least a year.
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
class PrivacyPolicy:
    # Resolved conversations with no message for this long are deleted with their messages.
    conversation_days: int | None = None
    # Contacts with no conversation, message or booking for this long are erased (keys destroyed too).
    contact_inactive_days: int | None = None
    # Bookings that ended this long ago are deleted.
    booking_days: int | None = None
    # The delivery log of outbound webhooks (payloads name contacts and bookings by id).
    webhook_delivery_days: int = 30
    # Customers' IP addresses and user agents in the audit log: their monthly keys are destroyed after this.
    network_metadata_days: int = 90
    # Whole months of the audit log, removed by the operator after export (engium audit remove-month).
    audit_months: int = 24
    # Handled data-subject requests and their certificates: proof the business answered.
    request_evidence_days: int = 1095
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
