"""Annex II of the DPA: the technical and organisational measures, read from the running system.

Every number here is queried when the DPA is generated, as the app role sees it for the bound tenant:
nothing is typed by hand, so the annex cannot claim a measure the system does not take.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.orm import Session

from engium.audit.checkpoints import AnchorStore
from engium.audit.signing import KeyRing
from engium.audit.verify import verify_bound_tenant

# Ordinary and partitioned tables (not the per-tenant partitions themselves, whose number grows with the
# tenants) in the application's schema that force row-level security, and all such tables.
FORCED_RLS = text(
    "select count(*) filter (where c.relforcerowsecurity), count(*) from pg_class c "
    "join pg_namespace n on n.oid = c.relnamespace "
    "where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition"
)
# The tables that do not force it, and whether they have a tenant column (a tenant table would be a finding).
NOT_FORCED = text(
    "select c.relname, exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' "
    "and not a.attisdropped) from pg_class c join pg_namespace n on n.oid = c.relnamespace "
    "where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition and not c.relforcerowsecurity "
    "order by c.relname"
)
KEY_VERSIONS = text("select version, state, created_at, root_key_id from tenant_data_keys order by version")
LAST_CHECKPOINT = text("select seq, sealed_at from audit_checkpoints order by seq desc limit 1")
RETENTION_RUNS = text(
    "select count(*), max(occurred_at) from audit_events where action = 'retention.purged'"
)
TENANT_SETTINGS = text("select mfa_required, guard_threshold from tenant_settings")


@dataclass(frozen=True)
class AuditSetup:
    """How the audit log is sealed and checked in this deployment (from Settings)."""

    seal_interval_seconds: float
    keys: KeyRing
    anchors: AnchorStore


@dataclass(frozen=True)
class GuardSetup:
    enabled: bool
    layers: tuple[str, ...]
    default_threshold: float


def _stamp(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else None


def measures(session: Session, tenant_id: UUID, audit: AuditSetup, guard: GuardSetup) -> dict[str, Any]:
    """The bound tenant's measures in force now, as plain values (stored in the signed DPA document)."""
    forced, tables = session.execute(FORCED_RLS).one()
    not_forced = session.execute(NOT_FORCED).all()
    versions = [{"version": v, "state": s, "created_at": _stamp(c), "root_key_id": r}
                for v, s, c, r in session.execute(KEY_VERSIONS).all()]
    rotations = [v["created_at"] for v in versions if v["version"] > 1]
    checkpoint = session.execute(LAST_CHECKPOINT).one_or_none()
    runs, last_run = session.execute(RETENTION_RUNS).one()
    mfa_required, threshold = session.execute(TENANT_SETTINGS).one()
    report = verify_bound_tenant(session, tenant_id, audit.keys, audit.anchors)
    return {
        "row_level_security": {"forced_tables": int(forced), "tables": int(tables),
                               "not_forced": [name for name, _ in not_forced],
                               "tenant_tables_not_forced": [name for name, tenant in not_forced if tenant]},
        "encryption": {"algorithm": "AES-256-GCM envelope encryption, per-tenant data keys",
                       "key_versions": versions, "last_rotation": rotations[-1] if rotations else None},
        "mfa": {"required_for_all_members": bool(mfa_required)},
        "audit_log": {
            "seal_interval_seconds": audit.seal_interval_seconds,
            "last_checkpoint_seq": int(checkpoint[0]) if checkpoint else None,
            "last_checkpoint_at": _stamp(checkpoint[1]) if checkpoint else None,
            "verified_at": _stamp(datetime.now(UTC)), "verified_ok": not report.findings,
            "verified_events": report.events, "verified_checkpoints": report.checkpoints,
        },
        "retention": {"runs": int(runs), "last_run": _stamp(last_run)},
        "guard": {"enabled": guard.enabled, "layers": list(guard.layers),
                  "threshold": float(threshold) if threshold is not None else guard.default_threshold},
    }
