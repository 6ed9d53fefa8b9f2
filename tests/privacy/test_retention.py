"""Retention with proof: a run removes exactly what has expired, records the counts in the audit log in
the same transaction, leaves other tenants alone, and the audit chain still verifies afterwards."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from uuid import UUID

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from engium.audit.checkpoints import DirectoryAnchorStore, anchor_dir, seal_with_settings
from engium.audit.personal import SealingKey
from engium.audit.signing import verifier_keys
from engium.audit.verify import verify_database
from engium.jobs import periodic_tasks, worker_app
from engium.kit.database import Database
from engium.privacy.data_map import STORES
from engium.privacy.policy import LIMITS
from engium.privacy.retention import dry_run, run_for_tenant
from engium.privacy.retention_rules import RULES
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import TenantHandle, audit_events
from tests.privacy.seeding import NOW, remaining, seed

EXPECTED = {
    "contacts": 1, "conversations": 2, "messages": 4, "bookings": 1, "webhook_deliveries": 2,
    "inbound_deliveries": 0, "procrastinate_jobs": 0, "sessions": 1, "widget_sessions": 0, "invitations": 1,
    "widget_privacy_challenges": 0, "contact_proofs": 0,
    "privacy_requests": 0, "privacy_certificates": 0, "privacy_exports": 0, "outbound_mail": 2,
    "subject_keys.contact": 1, "subject_keys.network": 1, "audit_events": 0,
}


@pytest.fixture(scope="module")
def owner_engine(database: Database) -> Iterator[Engine]:
    engine = create_engine(database.urls.owner, poolclass=NullPool)
    yield engine
    engine.dispose()


def _keys(runtime: Runtime, tenant: TenantHandle, idle: UUID, regular: UUID) -> None:
    """A content key of the idle contact, and network keys of a long-gone month and of this month."""
    with tenant_transaction(runtime.database, tenant.id) as session:
        for key in (SealingKey.of_contact(idle), SealingKey("network", regular, date(2015, 1, 1)),
                    SealingKey.network(regular)):
            runtime.subject_keys.seal(session, tenant.id, key, b'{"ip": "198.51.100.4"}')


def _seeded_with_keys(runtime: Runtime, tenant: TenantHandle) -> tuple[UUID, UUID]:
    seeded = seed(runtime, tenant)
    (idle,) = seeded.expired["contacts"]
    regular = sorted(seeded.kept["contacts"])[0]
    _keys(runtime, tenant, idle, regular)
    return idle, regular


def _key_count(runtime: Runtime, tenant: TenantHandle) -> int:
    with tenant_transaction(runtime.database, tenant.id) as session:
        return int(session.execute(text("select count(*) from subject_keys")).scalar_one())


def test_every_table_the_map_gives_a_retention_setting_has_a_purge_rule_and_back() -> None:
    by_map = {(s.table, s.retention) for s in STORES if s.retention in LIMITS}
    by_rules = {(r.table, r.setting) for r in RULES}
    # Kept by other means: rows removed by a rule's cascade (messages with their conversation, assistant
    # state too; a booking's confirmations and reminders; a request's certificate).
    by_cascade = {("messages", "conversation_days"), ("assistant_states", "conversation_days"),
                  ("satisfaction_ratings", "conversation_days"), ("email_thread_messages", "conversation_days"),
                  ("booking_messages", "booking_days"),
                  ("privacy_certificates", "request_evidence_days")}
    assert by_map - by_rules - by_cascade == set()
    assert by_rules - by_map == set()
    for rule in RULES:
        assert rule.setting in LIMITS


def test_a_run_removes_exactly_what_expired_and_records_the_counts(
    runtime: Runtime, owner_engine: Engine, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    seeded = seed(runtime, tenant)
    (idle,) = seeded.expired["contacts"]
    _keys(runtime, tenant, idle, sorted(seeded.kept["contacts"])[0])
    untouched = seed(runtime, other_tenant)
    other_before = {t: remaining(runtime, other_tenant.id, t) for t in {*untouched.expired, *untouched.kept}}
    with tenant_transaction(runtime.database, tenant.id) as session:
        preview = dry_run(session, tenant.id, NOW)
    # A dry run removes nothing and predicts exactly.
    assert all(seeded.expired[t] <= remaining(runtime, tenant.id, t) for t in seeded.expired)
    assert _key_count(runtime, tenant) == 3

    report = run_for_tenant(runtime.database, tenant.id, now=NOW)

    assert report.counts == EXPECTED
    assert preview.counts == EXPECTED
    for table, expired in seeded.expired.items():
        assert not expired & remaining(runtime, tenant.id, table), table
    for table, kept in seeded.kept.items():
        assert kept <= remaining(runtime, tenant.id, table), table
    assert _key_count(runtime, tenant) == 1  # this month's network key
    assert {t: remaining(runtime, other_tenant.id, t) for t in other_before} == other_before
    # The proof: one event per batch, with the counts and the settings in force, by the system.
    (proof,) = [e for e in audit_events(runtime, tenant) if e["action"] == "retention.purged"]
    assert proof["actor_kind"] == "system"
    assert proof["actor_id"] == "privacy.retention"
    assert proof["details"]["counts"] == EXPECTED
    assert proof["details"]["complete"] is True
    assert proof["details"]["settings"]["conversation_days"] == LIMITS["conversation_days"].default
    assert "Ada" not in str(proof["details"])
    # The chain, sealed and verified after the purge, is intact.
    seal_with_settings(runtime.database, runtime.settings)
    result = verify_database(owner_engine, verifier_keys(runtime.settings),
                             DirectoryAnchorStore(anchor_dir(runtime.settings)), tenant.id)
    assert result.broken == []


def test_batches_resume_until_done_each_with_its_own_proof(runtime: Runtime, tenant: TenantHandle) -> None:
    seeded = seed(runtime, tenant, conversations_each=5)
    report = run_for_tenant(runtime.database, tenant.id, now=NOW, batch=2)
    assert report.counts["conversations"] == 5 + 5
    assert report.batches >= 3
    proofs = [e["details"] for e in audit_events(runtime, tenant) if e["action"] == "retention.purged"]
    assert len(proofs) == report.batches
    assert [p["complete"] for p in proofs] == [False] * (len(proofs) - 1) + [True]
    assert sum(p["counts"]["conversations"] for p in proofs) == 10
    assert not seeded.expired["conversations"] & remaining(runtime, tenant.id, "conversations")
    # Nothing left: a second run removes nothing and still leaves its proof.
    again = run_for_tenant(runtime.database, tenant.id, now=NOW)
    assert again.total == 0
    assert len([e for e in audit_events(runtime, tenant) if e["action"] == "retention.purged"]) == len(proofs) + 1


def test_longer_settings_keep_more(runtime: Runtime, tenant: TenantHandle) -> None:
    seed(runtime, tenant)
    with tenant_transaction(runtime.database, tenant.id) as session:
        session.execute(text("insert into privacy_settings (tenant_id, delivery_log_days) values (:t, 365)"),
                        {"t": tenant.id})
        preview = dry_run(session, tenant.id, NOW)
    # The delivery settled 60 days ago is kept under 365 days; the one of 400 days ago still goes.
    assert preview.counts["webhook_deliveries"] == 1
    assert preview.counts["conversations"] == EXPECTED["conversations"]


def test_the_job_runtime_runs_retention_and_prepares_audit_months_daily(runtime: Runtime) -> None:
    registry = periodic_tasks(runtime, worker_app(runtime, periodic=False))
    names = {task.task.name: task.cron for task in registry.periodic_tasks.values()}
    assert names["privacy.retention"] == "0 0 * * *"
    assert names["audit.prepare_months"] == "0 0 * * *"
    assert names["privacy.request_clocks"] == "0 */1 * * *"


def test_audit_partitions_are_prepared_a_year_ahead_by_the_app_role(runtime: Runtime,
                                                                    owner_engine: Engine) -> None:
    with runtime.database.transaction() as session:
        months = list(session.execute(text("select audit_prepare_months(14)")).scalars())
    assert len(months) == 15
    assert None not in months
    with owner_engine.connect() as conn:
        names = set(conn.execute(text("select relname from pg_class where relname like 'audit_events_2%'"))
                    .scalars())
    assert set(months) <= names
    with runtime.database.transaction() as session:
        # Capped: the function never creates more than two years ahead, whatever it is asked.
        assert len(list(session.execute(text("select audit_prepare_months(1000)")).scalars())) == 25


def test_finished_jobs_of_the_tenant_go_and_no_other_tenants_or_waiting_ones(
    runtime: Runtime, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    insert = text(
        "insert into procrastinate_jobs (queue_name, task_name, args, status) "
        "values ('default', 'channels.send', cast(:args as jsonb), cast(:status as procrastinate_job_status)) "
        "returning id"
    )
    ids: dict[str, int] = {}
    with runtime.database.transaction() as session:
        for name, owner, status in (("old", tenant, "succeeded"), ("waiting", tenant, "todo"),
                                    ("other", other_tenant, "failed")):
            args = json.dumps({"tenant_id": str(owner.id), "message_id": "m"})
            ids[name] = int(session.execute(insert, {"args": args, "status": status}).scalar_one())
        # Every event of theirs a month old: finished (or deferred) long ago.
        session.execute(text("insert into procrastinate_events (job_id, type) select id, 'succeeded' "
                             "from procrastinate_jobs where id = any(:ids)"), {"ids": list(ids.values())})
        session.execute(text("update procrastinate_events set at = now() - interval '30 days' "
                             "where job_id = any(:ids)"), {"ids": list(ids.values())})
    report = run_for_tenant(runtime.database, tenant.id, now=NOW)
    assert report.counts["procrastinate_jobs"] == 1
    with runtime.database.transaction() as session:
        left = set(session.execute(text("select id from procrastinate_jobs where id = any(:ids)"),
                                   {"ids": list(ids.values())}).scalars())
        session.execute(text("delete from procrastinate_jobs where id = any(:ids)"), {"ids": list(left)})
    assert left == {ids["waiting"], ids["other"]}
