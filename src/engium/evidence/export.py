"""Building an evidence archive: the operator's, over every tenant (CLI), or one tenant's own (API).

Tenant sections run inside that tenant's transaction as ``engium_app`` (RLS), like every other operator
command that goes tenant by tenant; only operator-level records (migrations, the chains' verification,
which reads ``audit_heads``) use the owner role. Each export is itself audited (ADR 0027): an
``evidence.exported`` event in the chain of every tenant whose records it read, in the transaction that read
them, naming the window, the sections and a digest of that tenant's files; the operator's export also leaves
one in the platform chain with the manifest's digest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from uuid import UUID

from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from engium.access.principal import Principal
from engium.audit import recorder as audit
from engium.audit.actions import ActorKind, AuditAction
from engium.audit.checkpoints import AnchorStore
from engium.audit.signing import KeyRing, SigningKey
from engium.audit.verify import TenantReport, verify_bound_tenant, verify_database
from engium.evidence.archive import build_archive, sha256_hex
from engium.evidence.files import EvidenceFile
from engium.evidence.scope import PlatformScope, TenantScope
from engium.evidence.sections import PLATFORM_SECTIONS, TENANT_SECTIONS
from engium.evidence.window import Window
from engium.kit.database import Database
from engium.tenancy.binding import tenant_transaction


def _generator() -> str:
    try:
        return f"engium {version('engium')}"
    except PackageNotFoundError:
        return "engium"


def _already(report: TenantReport) -> Callable[[], TenantReport]:
    return lambda: report


def collect_tenant(session: Session, tenant_id: UUID, window: Window, now: datetime,
                   verify_chain: Callable[[], TenantReport]) -> list[EvidenceFile]:
    scope = TenantScope(session, tenant_id, window, now, verify_chain)
    return [EvidenceFile(f"tenants/{tenant_id}/{section.name}/{item.path}", item.content)
            for section in TENANT_SECTIONS for item in section.collect(scope)]


def collect_platform(scope: PlatformScope, *, tenant_export: bool) -> list[EvidenceFile]:
    return [EvidenceFile(f"platform/{section.name}/{item.path}", item.content)
            for section in PLATFORM_SECTIONS if section.for_tenant_exports or not tenant_export
            for item in section.collect(scope)]


def digest_of(files: Sequence[EvidenceFile]) -> str:
    """One SHA-256 over the files' paths and hashes: the audit event names exactly what was exported."""
    lines = "".join(f"{f.path} {sha256_hex(f.content)}\n" for f in sorted(files, key=lambda f: f.path))
    return hashlib.sha256(lines.encode()).hexdigest()


def record_export(session: Session, principal: Principal | None, window: Window, details: dict[str, Any],
                  actor: tuple[ActorKind, str] | None = None) -> None:
    audit.record(session, principal, AuditAction.EVIDENCE_EXPORTED, resource_type="evidence",
                 resource_id=principal.tenant_id if principal else "platform",
                 details={"from": window.first_day.isoformat(), "to": window.last_day.isoformat(), **details},
                 actor=actor)


def _header(window: Window, kind: str, tenants: Sequence[UUID], platform: bool) -> dict[str, Any]:
    platform_sections = [s.name for s in PLATFORM_SECTIONS if platform or s.for_tenant_exports]
    return {"generator": _generator(), "window": window.as_dict(),
            "scope": {"kind": kind, "tenants": [str(t) for t in tenants]},
            "sections": {"tenant": [s.name for s in TENANT_SECTIONS], "platform": platform_sections}}


def export_operator(database: Database, signer: SigningKey, keys: KeyRing, anchors: AnchorStore, window: Window,
                    tenants: Sequence[UUID], operator: str, *, every_chain: bool = True,
                    now: datetime | None = None) -> bytes:
    """Every listed tenant's sections (each in its own tenant transaction) and the platform's.
    ``every_chain=False`` (an export of chosen tenants) verifies only their chains, not every one."""
    moment = now or datetime.now(UTC)
    # Every chain in one snapshot, with the owner role like `engium audit verify`: it alone reads audit_heads.
    engine = create_engine(database.urls.owner, poolclass=NullPool)
    try:
        if every_chain:
            chains = verify_database(engine, keys, anchors).tenants
        else:
            chains = [r for t in tenants for r in verify_database(engine, keys, anchors, t).tenants]
    finally:
        engine.dispose()
    reports = {r.tenant_id: r for r in chains}
    files: list[EvidenceFile] = []
    for tenant_id in tenants:
        report = reports.get(tenant_id, TenantReport(tenant_id))
        with tenant_transaction(database, tenant_id) as session:
            mine = collect_tenant(session, tenant_id, window, moment, _already(report))
            record_export(session, Principal.operator(tenant_id, operator), window,
                          {"sections": [s.name for s in TENANT_SECTIONS], "files": len(mine),
                           "digest": digest_of(mine)})
        files.extend(mine)
    platform = PlatformScope(database, window, moment, tuple(chains))
    files.extend(collect_platform(platform, tenant_export=False))
    archive = build_archive(files, _header(window, "operator", tenants, True), signer, moment)
    with database.transaction() as session:
        record_export(session, None, window, {"tenants": len(tenants), "files": len(files),
                                              "digest": digest_of(files)}, actor=(ActorKind.OPERATOR, operator))
    return archive


def export_tenant(session: Session, principal: Principal, database: Database, signer: SigningKey, keys: KeyRing,
                  anchors: AnchorStore, window: Window, *, now: datetime | None = None) -> bytes:
    """The principal's tenant only, read through its RLS-bound ``session``; audited in that transaction."""
    moment = now or datetime.now(UTC)
    tenant_id = principal.tenant_id
    files = collect_tenant(session, tenant_id, window, moment,
                           lambda: verify_bound_tenant(session, tenant_id, keys, anchors))
    files.extend(collect_platform(PlatformScope(database, window, moment), tenant_export=True))
    record_export(session, principal, window, {"sections": [s.name for s in TENANT_SECTIONS],
                                               "files": len(files), "digest": digest_of(files)})
    return build_archive(files, _header(window, "tenant", [tenant_id], False), signer, moment)
