"""What the periodic tasks look for, and the triggers they fire (triggers.py).

* the audit log's verification: a broken chain or anchor (``audit-chain:<tenant>``), a checkpoint whose
  signature fails (``audit-signature:<tenant>``);
* bursts in the audit log over ``ENGIUM_INCIDENTS_BURST_WINDOW_MINUTES``: failed sign-ins
  (``auth-burst:<tenant>``) and guard strikes (``guard-burst:<tenant>``), counted per chain;
* a stored credential that fails to decrypt (``decryption:<tenant>``), reported by the vault's hook.

Verification and counting read every tenant's chain, so they run as the owner role on a connection of
their own, as ``engium audit verify`` does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from engium.audit import recorder as audit
from engium.audit.actions import ActorKind, AuditAction, Outcome
from engium.audit.checkpoints import DirectoryAnchorStore, anchor_dir
from engium.audit.recorder import PLATFORM_TENANT
from engium.audit.signing import verifier_keys
from engium.audit.verify import VerifyReport, verify_database
from engium.incidents.triggers import Fired, Trigger, fire
from engium.kit.database import Database

if TYPE_CHECKING:
    from engium.config import Settings

VERIFY_COMPONENT = "incidents.verify_audit"
BURST_COMPONENT = "incidents.watch_bursts"
DECRYPTION_COMPONENT = "incidents.decryption"
AUTH_FAILURES = ("auth.login_failed",)
GUARD_STRIKES = ("guard.flagged", "guard.action_gated", "guard.output_blocked")
# What an altered audit log may hide or expose: the events' actors, addresses and sealed references.
AUDIT_CATEGORIES = ("network", "reference")


@contextmanager
def owner_engine(database: Database) -> Iterator[Engine]:
    engine = create_engine(database.urls.owner, poolclass=NullPool)
    try:
        yield engine
    finally:
        engine.dispose()


def _tenants(database: Database, ids: set[UUID]) -> list[UUID]:
    """Real tenants only: the platform chain's nil id has no one to notify."""
    with database.transaction() as session:
        known = {UUID(str(t)) for t in session.execute(text("select privacy_tenant_ids()")).scalars()}
    return sorted((ids - {PLATFORM_TENANT}) & known, key=str)


def triggers_of(report: VerifyReport, tenants: list[UUID]) -> list[Trigger]:
    found = []
    for tenant in report.tenants:
        if not tenant.findings:
            continue
        affected = [tenant.tenant_id] if tenant.tenant_id in tenants else []
        signature = [f for f in tenant.findings if "signature" in f.reason or "unknown key" in f.reason]
        chain = [f for f in tenant.findings if f not in signature]
        for kind, findings, title in (
            ("audit-signature", signature, "Audit checkpoint signature failed verification"),
            ("audit-chain", chain, "Audit log chain or anchor verification failed"),
        ):
            if findings:
                first = min(findings)
                found.append(Trigger(
                    key=f"{kind}:{tenant.tenant_id}", title=title, severity="high",
                    detail=f"{len(findings)} finding(s); first: {first.describe()}",
                    tenant_ids=affected, categories=AUDIT_CATEGORIES,
                ))
    return found


def verify_audit_log(database: Database, settings: Settings) -> tuple[VerifyReport, list[Fired]]:
    """Verifies every chain; fires a trigger per broken chain; records the result in the platform chain."""
    keys = verifier_keys(settings)
    with owner_engine(database) as engine:
        report = verify_database(engine, keys, DirectoryAnchorStore(anchor_dir(settings)))
    broken = {t.tenant_id for t in report.tenants if t.findings}
    fired = [fire(database, trigger, settings.incidents, component=VERIFY_COMPONENT)
             for trigger in triggers_of(report, _tenants(database, broken) if broken else [])]
    with database.transaction() as session:
        audit.record(session, None, AuditAction.AUDIT_VERIFIED, resource_type="audit_log",
                     outcome=Outcome.SUCCESS if report.ok else Outcome.FAILED,
                     actor=(ActorKind.SYSTEM, VERIFY_COMPONENT),
                     details={**report.summary(), "broken_chains": len(broken)})
    return report, fired


@dataclass(frozen=True)
class Burst:
    kind: str
    tenant_id: UUID
    count: int


_COUNT = text(
    "select tenant_id, count(*) from audit_events "
    "where occurred_at > now() - make_interval(mins => :minutes) and action = any(:actions) "
    "group by tenant_id having count(*) > :threshold"
)


def find_bursts(database: Database, settings: Settings) -> list[Burst]:
    config = settings.incidents
    found = []
    with owner_engine(database) as engine, engine.connect() as conn:
        for kind, actions, threshold in (("auth-burst", AUTH_FAILURES, config.auth_failure_threshold),
                                         ("guard-burst", GUARD_STRIKES, config.guard_strike_threshold)):
            rows = conn.execute(_COUNT, {"minutes": config.burst_window_minutes, "actions": list(actions),
                                         "threshold": threshold})
            found += [Burst(kind, UUID(str(row[0])), int(row[1])) for row in rows]
    return found


def watch_bursts(database: Database, settings: Settings) -> list[Fired]:
    bursts = find_bursts(database, settings)
    known = _tenants(database, {b.tenant_id for b in bursts}) if bursts else []
    minutes = settings.incidents.burst_window_minutes
    fired = []
    for burst in bursts:
        what = "failed sign-ins" if burst.kind == "auth-burst" else "prompt-injection guard strikes"
        fired.append(fire(database, Trigger(
            key=f"{burst.kind}:{burst.tenant_id}", title=f"Burst of {what}", severity="medium",
            detail=f"{burst.count} {what} in {minutes} minutes (chain {burst.tenant_id})",
            tenant_ids=[burst.tenant_id] if burst.tenant_id in known else [],
            categories=("credentials",) if burst.kind == "auth-burst" else ("communications",),
        ), settings.incidents, component=BURST_COMPONENT))
    return fired


def decryption_failed(database: Database, settings: Settings, tenant_id: UUID, table: str) -> Fired:
    return fire(database, Trigger(
        key=f"decryption:{tenant_id}", title="Stored credentials failed to decrypt", severity="high",
        detail=f"a stored credential ({table}) of chain {tenant_id} failed authentication on decryption",
        # Second-factor secrets (users) are sealed under the platform's own vault tenant: no business to tell.
        tenant_ids=[] if table == "users" else _tenants(database, {tenant_id}), categories=("credentials",),
    ), settings.incidents, component=DECRYPTION_COMPONENT)
