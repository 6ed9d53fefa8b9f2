"""The registry of what an evidence archive holds: one entry per section, in archive order.

Adding a section is a few lines: write ``collect(scope) -> list[EvidenceFile]`` in its own module (file
paths relative to the section's folder), then add ``Section("name", "what it proves", module.collect)`` to
:data:`TENANT_SECTIONS` (one tenant's rows, under its RLS) or :data:`PLATFORM_SECTIONS` (operator-level
records). The archive, manifest, signature and audit record need no change; docs/evidence.md lists the
sections for auditors. ``subprocessors-and-dpa`` and ``incidents`` were
added this way.
"""

from __future__ import annotations

from engium.evidence import (
    access_review,
    audit_chain,
    incident_history,
    key_history,
    migrations,
    retention_runs,
    subject_requests,
    trust_history,
)
from engium.evidence.scope import PlatformScope, Section, TenantScope

TENANT_SECTIONS: tuple[Section[TenantScope], ...] = (
    Section("access-review", "members, roles, MFA state, API keys with creator and last use; the window's "
            "access changes", access_review.collect),
    Section("audit-chain", "the audit chain verified end to end; the window's signed checkpoints",
            audit_chain.collect),
    Section("key-rotation", "data-key versions and rotation dates; the window's rotations (no key material)",
            key_history.collect),
    Section("retention", "the window's retention runs with what each removed", retention_runs.collect),
    Section("subject-requests", "data-subject requests with their deadlines met, missed or pending",
            subject_requests.collect),
    Section("subprocessors-and-dpa", "the subprocessor register's dated changes and objections; every DPA "
            "version with its hash and signature, and its acceptance", trust_history.collect),
    Section("incidents", "the incident notices the business received in the window", incident_history.collect_notices),
)

PLATFORM_SECTIONS: tuple[Section[PlatformScope], ...] = (
    Section("migrations", "schema migrations applied against those this code ships", migrations.collect),
    Section("audit-chains", "every chain's verification, the platform chain included (operator export only)",
            audit_chain.collect_platform, for_tenant_exports=False),
    Section("incidents", "every incident open in the window: timeline, affected tenants, and whether the "
            "72-hour regulator clock and the businesses' deadline were met (operator export only)",
            incident_history.collect_incidents, for_tenant_exports=False),
)
