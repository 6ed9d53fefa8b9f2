"""The subprocessor register's history and the DPA's versions: what was in force at any moment up to the
window's end, which subprocessors the tenant objected to, and which DPA version (by hash and signature)
was generated and accepted when and by whom."""

from __future__ import annotations

from engium.evidence import repository
from engium.evidence.files import EvidenceFile, json_file
from engium.evidence.scope import TenantScope


def collect(scope: TenantScope) -> list[EvidenceFile]:
    end, window = scope.window.end, scope.window.as_dict()
    return [
        json_file("subprocessor-changes.json",
                  {"window": window, "changes": repository.subprocessor_changes(scope.session, end)}),
        json_file("subprocessor-objections.json",
                  {"window": window, "objections": repository.subprocessor_objections(scope.session, end)}),
        json_file("dpa-versions.json", {"window": window, "versions": repository.dpa_versions(scope.session, end)}),
    ]
