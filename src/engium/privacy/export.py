"""The subject export (GDPR Art. 15 and 20, CCPA right to know): everything the personal-data map says
belongs to one customer, as one machine-readable JSON bundle.

It walks ``subject_links.LINKS`` (every customer store of the map) and adds the audit events about the
person with their sealed values opened. Secrets that protect the person (token hashes, wrapped keys) are
left out; what they are is said in ``withheld``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.audit import recorder as audit
from engium.audit.actions import AuditAction
from engium.audit.personal import PERSONAL_FIELD, reveal
from engium.errors import NotFound
from engium.privacy import export_store, requests
from engium.privacy.data_map import store
from engium.privacy.subject_links import AUDIT_ABOUT, LINKS, select_sql

FORMAT = "engium-subject-export-v1"
EXPORTABLE = frozenset({"access", "export"})
# Stores that describe the handling of the person rather than the person: not part of the bundle's data
# (the requests themselves are listed separately), and never key material.
NOT_EXPORTED = frozenset({"subject_keys", "privacy_exports", "privacy_certificates"})


def _params(tenant_id: UUID, contact_id: UUID) -> dict[str, str]:
    return {"contact": str(contact_id), "tenant": str(tenant_id)}


def _audit_events(session: Session, tenant_id: UUID, contact_id: UUID) -> list[dict[str, Any]]:
    events = []
    for row in session.execute(text(AUDIT_ABOUT), _params(tenant_id, contact_id)).mappings():
        details = dict(row["details"])
        opened = reveal(session, tenant_id, details)
        details.pop(PERSONAL_FIELD, None)
        events.append({
            "seq": row["seq"], "occurred_at": row["occurred_at"].isoformat(), "actor_kind": row["actor_kind"],
            "actor_id": row["actor_id"], "action": row["action"], "resource_type": row["resource_type"],
            "resource_id": row["resource_id"], "outcome": row["outcome"], "details": details,
            "personal": opened.values, "erased_fields": list(opened.erased_fields),
        })
    return events


def build_bundle(session: Session, tenant_id: UUID, contact_id: UUID) -> dict[str, Any]:
    """The bundle for the bound tenant's contact (who must exist: the caller checked)."""
    data: dict[str, list[Any]] = {}
    withheld: dict[str, list[str]] = {}
    for table, link in LINKS.items():
        if table in NOT_EXPORTED:
            continue
        rows = list(session.execute(text(select_sql(link)), _params(tenant_id, contact_id)).scalars())
        data[table] = rows
        if link.withheld:
            withheld[table] = list(link.withheld)
    return {
        "format": FORMAT,
        "generated_at": datetime.now(UTC).isoformat(),
        "tenant_id": str(tenant_id),
        "contact_id": str(contact_id),
        "categories": {table: sorted({f.category.value for f in store(table).personal}) for table in data},
        "data": data,
        "audit_events": _audit_events(session, tenant_id, contact_id),
        "withheld": withheld,
    }


def fulfil_export(session: Session, principal: Principal, request_id: UUID) -> dict[str, Any]:
    """Builds the bundle for an open access or export request and completes it (audited with counts)."""
    request = requests.open_for(session, request_id, EXPORTABLE)
    if request.contact_id is None:
        raise NotFound("the request names no contact")
    bundle = build_bundle(session, principal.tenant_id, request.contact_id)
    counts = {table: len(rows) for table, rows in bundle["data"].items()}
    counts["audit_events"] = len(bundle["audit_events"])
    audit.record(session, principal, AuditAction.PRIVACY_EXPORT_DOWNLOADED, resource_type="privacy_request",
                 resource_id=request.id, details={"contact_id": request.contact_id, "counts": counts})
    requests.complete(session, principal, request, {"counts": counts})
    export_store.keep(session, principal.tenant_id, request.id, request.contact_id, bundle)
    return bundle
