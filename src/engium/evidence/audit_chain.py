"""Audit-chain verification (the real ``audit/verify.py`` run) and the window's signed checkpoints.

The verification covers the whole chain, not only the window: a break before the window would make
every later hash, the window's included, unprovable. The checkpoints sealed in the window are listed
with their signatures, so an auditor can check them against the published key without Engium.
"""

from __future__ import annotations

from typing import Any

from engium.audit.verify import TenantReport
from engium.evidence import repository
from engium.evidence.files import EvidenceFile, json_file
from engium.evidence.scope import PlatformScope, TenantScope


def report_dict(report: TenantReport) -> dict[str, Any]:
    return {
        "tenant_id": str(report.tenant_id), "intact": not report.findings, "events": report.events,
        "checkpoints": report.checkpoints, "anchored_checkpoints": report.anchored,
        "unsealed_events": report.unsealed,
        "findings": [{"seq": f.seq, "reason": f.reason} for f in sorted(report.findings)],
    }


def collect(scope: TenantScope) -> list[EvidenceFile]:
    report = scope.verify_chain()
    window = scope.window
    return [
        json_file("verification.json", {"verified_at": scope.now.isoformat(), **report_dict(report)}),
        json_file("checkpoints.json", {
            "window": window.as_dict(),
            "checkpoints": repository.checkpoints(scope.session, window.start, window.end),
        }),
    ]


def collect_platform(scope: PlatformScope) -> list[EvidenceFile]:
    """Every chain's result in one table (the operator's export only: it names every tenant)."""
    reports = [report_dict(r) for r in scope.chain_reports]
    return [json_file("verification.json", {
        "verified_at": scope.now.isoformat(), "intact": all(r["intact"] for r in reports),
        "chains": len(reports), "events": sum(r["events"] for r in reports), "reports": reports,
    })]
