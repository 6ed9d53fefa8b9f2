"""A produced export kept for the business to hand over: sealed under the person's own key (so their
erasure makes it unreadable at once) and readable for EXPORT_DAYS, after which the daily retention run
deletes it (privacy/retention.py). Read back as the JSON bundle, or as a page a person can read
(web/pages/privacy_export.py); every read is audited."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.audit import recorder as audit
from engium.audit.actions import AuditAction
from engium.audit.personal import SealingKey, sealer_of
from engium.errors import NotFound
from engium.privacy.models import PrivacyExport

EXPORT_DAYS = 30


def keep(session: Session, tenant_id: UUID, request_id: UUID, contact_id: UUID, bundle: dict[str, Any]) -> None:
    """Stores the bundle sealed under the contact's key; without a sealer nothing is stored (fail closed:
    never in clear)."""
    sealer = sealer_of(session)
    if sealer is None:
        return
    plaintext = json.dumps(bundle, default=str, sort_keys=True).encode()
    now = datetime.now(UTC)
    session.add(PrivacyExport(
        tenant_id=tenant_id, request_id=request_id, contact_id=contact_id, bytes=len(plaintext),
        sealed=sealer.seal(session, tenant_id, SealingKey.of_contact(contact_id), plaintext),
        created_at=now, expires_at=now + timedelta(days=EXPORT_DAYS)))
    session.flush()


def read(session: Session, principal: Principal, request_id: UUID) -> tuple[dict[str, Any], datetime]:
    """The kept bundle and when it expires; 404 when there is none, it expired or the person was erased."""
    kept = session.get(PrivacyExport, (principal.tenant_id, request_id))
    if kept is None or kept.expires_at <= datetime.now(UTC):
        raise NotFound("no export is kept for this request (none was produced, or it expired)")
    sealer = sealer_of(session)
    opened = sealer.open(session, principal.tenant_id, SealingKey.of_contact(kept.contact_id).id, kept.sealed) \
        if sealer is not None else None
    if opened is None:
        raise NotFound("this export can no longer be read: the person's data was erased")
    audit.record(session, principal, AuditAction.PRIVACY_EXPORT_DOWNLOADED, resource_type="privacy_request",
                 resource_id=request_id, details={"contact_id": kept.contact_id, "kept": True})
    bundle: dict[str, Any] = json.loads(opened)
    return bundle, kept.expires_at


def kept_for(session: Session) -> set[UUID]:
    """The requests of the bound tenant with a readable (unexpired) export."""
    query = select(PrivacyExport.request_id).where(PrivacyExport.expires_at > func.now())
    return set(session.execute(query).scalars())


def delete_expired(session: Session, now: datetime) -> int:
    """The bound tenant's exports past their date (the retention run)."""
    result = session.execute(delete(PrivacyExport).where(PrivacyExport.expires_at <= now))
    return int(getattr(result, "rowcount", 0) or 0)
