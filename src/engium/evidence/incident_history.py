"""Incidents: for a tenant, the notices it received in the window; for the operator, every incident open
in the window with its timeline and whether each GDPR clock was met (the regulator within 72 hours of
awareness, the affected businesses by their deadline)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engium.evidence import repository
from engium.evidence.files import EvidenceFile, json_file
from engium.evidence.scope import PlatformScope, TenantScope
from engium.incidents.repository import operator_transaction


def collect_notices(scope: TenantScope) -> list[EvidenceFile]:
    window = scope.window
    notices = repository.incident_notifications(scope.session, window.start, window.end)
    return [json_file("notifications.json", {"window": window.as_dict(), "notifications": notices})]


def clock(done_at: datetime | None, due_at: datetime, now: datetime) -> str:
    if done_at is not None:
        return "met" if done_at <= due_at else "missed"
    return "missed" if now > due_at else "pending"


def collect_incidents(scope: PlatformScope) -> list[EvidenceFile]:
    window = scope.window
    items: list[dict[str, Any]] = []
    with operator_transaction(scope.database) as session:
        for incident in repository.incidents(session, window.start, window.end):
            items.append({
                **incident,
                "regulator_clock": clock(incident["regulator_notified_at"], incident["regulator_due_at"], scope.now),
                "tenants_clock": "met" if set(incident["tenant_ids"]) <= set(incident["notified_tenant_ids"])
                and incident["status"] in ("notified", "closed") else
                clock(None, incident["tenants_due_at"], scope.now),
                "timeline": repository.incident_timeline(session, incident["id"]),
            })
    return [json_file("incidents.json", {"window": window.as_dict(), "as_of": scope.now.isoformat(),
                                         "incidents": items})]
