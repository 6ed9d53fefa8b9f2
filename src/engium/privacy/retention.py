"""Retention with proof: removes what each tenant's settings say has expired, and records that it did.

Driven by the personal-data map through ``retention_rules.py``. A run works tenant by tenant, each in
batches: every batch is one transaction under the tenant's RLS that deletes at most ``batch`` rows per
rule and records a ``retention.purged`` event with what it removed, per category, in that same
transaction. So the proof can never be lost while the rows are gone (or the other way round), and a run
interrupted anywhere (a worker killed, the database restarted) has lost nothing: the next run starts from
what is left. A run with nothing to remove still records one event with zeros: the proof that it ran.

Customers' IP addresses and user agents in the audit log are removed by destroying the monthly network
keys they were sealed under (ADR 0021); the audit log itself loses whole months only once they are
sealed and exported (``audit_months``, ADR 0030, audit/pruning.py): the export and the checkpoint that
closes the range are prepared before the first batch, and the events go in the first batch's transaction,
with its proof. A run without an archive location (``audit_archive=None``) keeps every audit month.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.audit import recorder as audit
from engium.audit.actions import ActorKind, AuditAction
from engium.audit.pruning import (
    AuditArchive,
    MonthsPlan,
    PreparedPrune,
    month_start,
    months_before,
    plan_months,
    prepare,
    remove,
)
from engium.crypto.subject_keys import destroy_keys_of_contacts, destroy_network_keys_before
from engium.kit.database import Database
from engium.privacy import export_store
from engium.privacy.policy import LIMITS, PrivacyPolicy, current_policy
from engium.privacy.retention_rules import RULES, Rule, delete_batch_sql
from engium.tenancy.binding import tenant_transaction

COMPONENT = "privacy.retention"
DEFAULT_BATCH = 1000
DRY_RUN_BATCH = 2**31 - 1
NETWORK_KEYS = "subject_keys.network"
CONTACT_KEYS = "subject_keys.contact"
AUDIT_EVENTS = "audit_events"
NOT_EXPORTED = "kept: not exported (this run has no archive location)"


@dataclass
class RetentionReport:
    """What one tenant's run removed (or, dry, would remove), per category: a table, a table taken along
    by a cascade (``messages``), or destroyed keys."""

    tenant_id: UUID
    dry_run: bool
    cutoffs: dict[str, str]
    counts: dict[str, int] = field(default_factory=dict)
    batches: int = 0
    # Audit months removed (or, dry, that would be), with their event counts, and why expired ones stayed.
    audit_months: dict[str, int] = field(default_factory=dict)
    audit_kept: str | None = None

    def add(self, category: str, rows: int) -> None:
        self.counts[category] = self.counts.get(category, 0) + rows

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def as_dict(self) -> dict[str, Any]:
        return {"tenant_id": str(self.tenant_id), "dry_run": self.dry_run, "cutoffs": self.cutoffs,
                "counts": dict(sorted(self.counts.items())), "total": self.total, "batches": self.batches,
                "audit_months": self.audit_months, "audit_kept": self.audit_kept}


def first_kept_month(now: datetime, days: int) -> date:
    """Network keys of months that ended before ``now - days`` are destroyed; the month that holds the
    cutoff is kept whole (a key covers a calendar month)."""
    cutoff = now - timedelta(days=days)
    return date(cutoff.year, cutoff.month, 1)


def cutoffs_of(policy: PrivacyPolicy, now: datetime) -> dict[str, datetime]:
    return {rule.setting: now - timedelta(days=getattr(policy, rule.setting)) for rule in RULES}


def _params(tenant_id: UUID, rule: Rule, cutoffs: dict[str, datetime], batch: int) -> dict[str, Any]:
    # The tenant only for the job table, which has no RLS; every other rule relies on the bound tenant.
    return {"cutoff": cutoffs[rule.setting], "batch": batch, "tenant": str(tenant_id)}


def _empty_report(tenant_id: UUID, dry: bool, policy: PrivacyPolicy, now: datetime) -> RetentionReport:
    cutoffs = {name: moment.isoformat() for name, moment in cutoffs_of(policy, now).items()}
    cutoffs["network_metadata_days"] = first_kept_month(now, policy.network_metadata_days).isoformat()
    cutoffs["audit_months"] = months_before(month_start(now.astimezone(UTC)), policy.audit_months).isoformat()
    return RetentionReport(tenant_id, dry, cutoffs, {rule.table: 0 for rule in RULES} | {AUDIT_EVENTS: 0})


def _audit_plan(session: Session, report: RetentionReport, policy: PrivacyPolicy, now: datetime) -> MonthsPlan:
    plan = plan_months(session, policy.audit_months, now)
    if plan.unsealed:
        report.audit_kept = "kept: expired months not yet sealed by a signed checkpoint"
    return plan


def dry_run(session: Session, tenant_id: UUID, now: datetime) -> RetentionReport:
    """What a run would remove now for the bound tenant, exactly: the purge itself, in a savepoint that is
    rolled back (a count per rule would count twice what one rule's cascade takes before another's)."""
    policy = current_policy(session)
    savepoint = session.begin_nested()
    try:
        report, _complete = _purge(session, tenant_id, policy, now, DRY_RUN_BATCH)
    finally:
        savepoint.rollback()
    report.dry_run = True
    # Audit months: what is expired and sealed now; the real run exports them first, then removes them.
    plan = _audit_plan(session, report, policy, now)
    report.add(AUDIT_EVENTS, plan.events)
    report.audit_months = plan.months
    return report


def system_principal(tenant_id: UUID) -> Principal:
    return Principal.system(tenant_id, COMPONENT)


Acting = Callable[[UUID], Principal]


AuditMonths = PreparedPrune | str | None


def purge_batch(session: Session, principal: Principal, now: datetime, batch: int,
                audit_months: AuditMonths = None) -> tuple[RetentionReport, bool]:
    """One batch for the bound tenant, with its ``retention.purged`` event; True when nothing is left.
    ``audit_months``: the prepared removal of audit months (or why they are kept), for the first batch."""
    policy = current_policy(session)
    report, complete = _purge(session, principal.tenant_id, policy, now, batch)
    if isinstance(audit_months, PreparedPrune):
        outcome = remove(session, audit_months)
        if isinstance(outcome, int):
            report.add(AUDIT_EVENTS, outcome)
            report.audit_months = audit_months.months
        else:
            report.audit_kept = outcome
    elif audit_months is not None:
        report.audit_kept = audit_months
    audit.record(
        session, principal, AuditAction.RETENTION_PURGED,
        resource_type="privacy_settings", resource_id=principal.tenant_id,
        # Counts, cutoffs and settings only: the proof of what went, never what it said.
        details={**{k: v for k, v in report.as_dict().items() if k != "tenant_id"}, "complete": complete,
                 "settings": {name: getattr(policy, name) for name in LIMITS}},
    )
    return report, complete


def _purge(session: Session, tenant_id: UUID, policy: PrivacyPolicy, now: datetime,
           batch: int) -> tuple[RetentionReport, bool]:
    report = _empty_report(tenant_id, False, policy, now)
    report.batches = 1
    cutoffs = cutoffs_of(policy, now)
    complete = True
    for rule in RULES:
        row = session.execute(text(delete_batch_sql(rule)), _params(tenant_id, rule, cutoffs, batch)).one()
        removed = int(row[0])
        report.add(rule.table, removed)
        for index, (child, _column) in enumerate(rule.cascades):
            report.add(child, int(row[1 + index]))
        if rule.table == "contacts":
            # Their personal values in the audit log go with them (ADR 0021).
            report.add(CONTACT_KEYS, destroy_keys_of_contacts(session, list(row[-1])))
        complete = complete and removed < batch
    report.add("privacy_exports", export_store.delete_expired(session, now))
    report.add(NETWORK_KEYS, destroy_network_keys_before(session, first_kept_month(now, policy.network_metadata_days)))
    return report, complete


def _prepare_audit_months(database: Database, tenant_id: UUID, archive: AuditArchive | None,
                          now: datetime) -> AuditMonths:
    with tenant_transaction(database, tenant_id) as session:
        audit_months = current_policy(session).audit_months
        plan = plan_months(session, audit_months, now)
    if not plan.events:
        return "kept: expired months not yet sealed by a signed checkpoint" if plan.unsealed else None
    if archive is None:
        return NOT_EXPORTED
    return prepare(database, tenant_id, archive, plan, audit_months)


def run_for_tenant(database: Database, tenant_id: UUID, *, now: datetime | None = None, batch: int = DEFAULT_BATCH,
                   max_batches: int = 10_000, acting: Acting = system_principal,
                   audit_archive: AuditArchive | None = None) -> RetentionReport:
    """Purges the tenant's expired rows batch by batch until nothing expired is left. ``acting``: who the
    proof names (the system's scheduler, or the operator who ran ``engium retention run``).
    ``audit_archive``: where expired, sealed audit months are exported before they are removed."""
    moment = now or datetime.now(UTC)
    total: RetentionReport | None = None
    audit_months = _prepare_audit_months(database, tenant_id, audit_archive, moment)
    for _ in range(max_batches):
        with tenant_transaction(database, tenant_id) as session:
            report, complete = purge_batch(session, acting(tenant_id), moment, batch,
                                           audit_months if total is None else None)
        if total is None:
            total = report
        else:
            total.batches += 1
            for category, rows in report.counts.items():
                total.add(category, rows)
        if complete:
            break
    assert total is not None
    return total


def tenant_ids(database: Database) -> list[UUID]:
    """Every tenant, through the one cross-tenant function that lists them (migration 0017)."""
    with database.transaction() as session:
        return [UUID(str(t)) for t in session.execute(text("select privacy_tenant_ids()")).scalars()]


def purge_onboarding(database: Database) -> tuple[int, int]:
    """Deletes password-reset links and sign-up requests a week past their expiry (global tables, migration
    0033: no tenant's purge reaches them); records the counts on the platform chain. Returns the counts."""
    with database.transaction() as session:
        resets, signups = session.execute(text("select * from onboarding_purge()")).one()
        audit.record(session, None, AuditAction.RETENTION_PURGED, resource_type="onboarding",
                     actor=(ActorKind.SYSTEM, "privacy.retention"),
                     details={"counts": {"password_resets": int(resets), "signup_requests": int(signups)}})
    return int(resets), int(signups)


def run_all(database: Database, *, now: datetime | None = None, batch: int = DEFAULT_BATCH,
            on_tenant: Callable[[RetentionReport], None] | None = None,
            acting: Acting = system_principal, audit_archive: AuditArchive | None = None) -> list[RetentionReport]:
    reports = []
    for tenant_id in tenant_ids(database):
        report = run_for_tenant(database, tenant_id, now=now, batch=batch, acting=acting, audit_archive=audit_archive)
        reports.append(report)
        if on_tenant is not None:
            on_tenant(report)
    return reports
