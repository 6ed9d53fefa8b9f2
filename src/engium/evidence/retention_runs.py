"""Retention runs: every ``retention.purged`` proof of the window (counts, cutoffs, settings in force), and
the window's changes to the retention settings (``privacy.settings_updated``, with the new periods).

A run with nothing to remove still leaves a proof with zeros (privacy/retention.py), so days without a
proof are days the purge did not run; they are listed (from the day the tenant was created, up to today).
"""

from __future__ import annotations

from datetime import UTC, timedelta

from engium.audit.actions import AuditAction
from engium.evidence import repository
from engium.evidence.files import EvidenceFile, json_file
from engium.evidence.scope import TenantScope


def collect(scope: TenantScope) -> list[EvidenceFile]:
    window = scope.window
    runs = repository.events(scope.session, (AuditAction.RETENTION_PURGED,), window.start, window.end)
    ran_on = {r["occurred_at"].astimezone(UTC).date() for r in runs}
    first_day = max(window.first_day, repository.tenant_created_at(scope.session).astimezone(UTC).date())
    last_day = min(window.last_day, scope.now.date())
    days = [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]
    removed: dict[str, int] = {}
    for run in runs:
        for category, count in (run["details"].get("counts") or {}).items():
            removed[category] = removed.get(category, 0) + int(count)
    changes = repository.events(scope.session, (AuditAction.PRIVACY_SETTINGS_UPDATED,), window.start, window.end)
    summary = {
        "window": window.as_dict(),
        "batches": len(runs),
        "days_with_a_run": len(ran_on),
        "days_without_a_run": [d.isoformat() for d in days if d not in ran_on],
        "removed": dict(sorted(removed.items())),
        "runs": runs,
    }
    return [json_file("runs.json", summary),
            json_file("settings-changes.json", {"window": window.as_dict(), "events": changes})]
