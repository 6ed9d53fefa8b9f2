"""UPDATE, DELETE and TRUNCATE of audit rows fail for the app, the owner, and a replica-mode superuser."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from engium.runtime import Runtime
from tests.audit.conftest import append, audit_partitions, seal
from tests.conftest import TenantHandle

CHANGES = (
    "update {table} set seq = seq + 1000 where tenant_id = :t",
    "delete from {table} where tenant_id = :t",
    "truncate {table}",
)
TABLES = ("audit_events", "audit_checkpoints")


def _refused(engine: Engine, statement: str, tenant: TenantHandle, prepare: Callable[[Connection], None]) -> str:
    """Runs the statement in a transaction that is always rolled back; returns the error text."""
    with engine.connect() as conn:
        try:
            prepare(conn)
            with pytest.raises(DBAPIError) as refused:
                conn.execute(text(statement), {"t": tenant.id})
            return str(refused.value.orig)
        finally:
            conn.rollback()


@pytest.fixture
def sealed_tenant(runtime: Runtime, tenant: TenantHandle) -> TenantHandle:
    append(runtime, tenant.id)
    seal(runtime)
    return tenant


def _count(engine: Engine, tenant: TenantHandle) -> tuple[int, int]:
    with engine.connect() as conn:
        return (
            conn.execute(text("select count(*) from audit_events where tenant_id = :t"), {"t": tenant.id}).scalar_one(),
            conn.execute(text("select count(*) from audit_checkpoints where tenant_id = :t"), {"t": tenant.id})
            .scalar_one(),
        )


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("change", CHANGES)
def test_app_role_cannot_change_audit_rows(
    runtime: Runtime, sealed_tenant: TenantHandle, owner_engine: Engine, table: str, change: str
) -> None:
    before = _count(owner_engine, sealed_tenant)

    def bind(conn: Connection) -> None:
        conn.execute(text("select set_config('engium.tenant_id', :t, true)"), {"t": str(sealed_tenant.id)})

    error = _refused(runtime.database.app_engine, change.format(table=table), sealed_tenant, bind)
    assert "permission denied" in error
    assert _count(owner_engine, sealed_tenant) == before


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("change", CHANGES)
def test_owner_role_cannot_change_audit_rows(
    sealed_tenant: TenantHandle, owner_engine: Engine, table: str, change: str
) -> None:
    before = _count(owner_engine, sealed_tenant)
    error = _refused(owner_engine, change.format(table=table), sealed_tenant, lambda _: None)
    assert "permission denied" in error
    assert _count(owner_engine, sealed_tenant) == before


def test_owner_cannot_truncate_a_monthly_partition(sealed_tenant: TenantHandle, owner_engine: Engine) -> None:
    partitions = audit_partitions(owner_engine)
    assert "audit_events_default" in partitions
    assert len(partitions) >= 13
    for partition in partitions:
        error = _refused(owner_engine, f"truncate {partition}", sealed_tenant, lambda _: None)
        assert "permission denied" in error


@pytest.mark.parametrize("change", CHANGES)
def test_always_triggers_fire_for_a_superuser_in_replica_mode(
    sealed_tenant: TenantHandle, superuser_engine: Engine, owner_engine: Engine, change: str
) -> None:
    def replica(conn: Connection) -> None:
        conn.execute(text("set local session_replication_role = replica"))

    before = _count(owner_engine, sealed_tenant)
    if change.startswith("truncate"):
        partitions = audit_partitions(superuser_engine)
    else:
        # Row triggers fire only for rows that exist: the partition that holds the tenant's event.
        with superuser_engine.connect() as conn:
            partitions = list(conn.execute(
                text("select distinct tableoid::regclass::text from audit_events where tenant_id = :t"),
                {"t": sealed_tenant.id},
            ).scalars())
        assert partitions
    for table in (*TABLES, *partitions):
        error = _refused(superuser_engine, change.format(table=table), sealed_tenant, replica)
        assert "append-only" in error, (table, error)
    assert _count(owner_engine, sealed_tenant) == before
