"""Raw SQL as engium_app: the database itself refuses cross-tenant reads and writes."""

from __future__ import annotations

import uuid

import pytest
from psycopg import errors as pg_errors
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from engium.kit.database import Database
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import TenantHandle, make_tenant
from tests.tenancy.catalog_queries import tenant_tables
from tests.tenancy.fixtures import populated_tenant

pytestmark = pytest.mark.usefixtures("database")


@pytest.fixture(scope="module")
def tenant_a(runtime: Runtime) -> TenantHandle:
    return populated_tenant(runtime)


@pytest.fixture(scope="module")
def tables(database: Database) -> list[str]:
    with database.app_engine.connect() as conn:
        found = tenant_tables(conn, app_readable=True)
    assert len(found) >= 13
    return found


def count_as_tenant(database: Database, table: str, tenant_id: uuid.UUID | None) -> int:
    with database.transaction() as session:
        if tenant_id is not None:
            session.execute(text("select set_config('engium.tenant_id', :t, true)"), {"t": str(tenant_id)})
        return int(session.execute(text(f"select count(*) from {table}")).scalar_one())


def test_a_bound_tenant_sees_its_rows_in_every_table(
    database: Database, tenant_a: TenantHandle, tables: list[str]
) -> None:
    empty = [t for t in tables if count_as_tenant(database, t, tenant_a.id) == 0]
    assert empty == []


def test_no_tenant_bound_sees_zero_rows_in_every_table(
    database: Database, tenant_a: TenantHandle, tables: list[str]
) -> None:
    visible = {t: count_as_tenant(database, t, None) for t in tables}
    assert visible == dict.fromkeys(tables, 0)
    assert count_as_tenant(database, "tenants", None) == 0
    assert count_as_tenant(database, "users", None) == 0


def test_an_empty_tenant_setting_also_sees_nothing(
    database: Database, tenant_a: TenantHandle, tables: list[str]
) -> None:
    # After set_config has been used once, current_setting returns '' rather than NULL.
    with database.transaction() as session:
        session.execute(text("select set_config('engium.tenant_id', '', true)"))
        counts = [session.execute(text(f"select count(*) from {t}")).scalar_one() for t in tables]
    assert set(counts) == {0}


def test_another_tenant_sees_none_of_the_rows(
    runtime: Runtime, database: Database, tenant_a: TenantHandle, tables: list[str]
) -> None:
    tenant_b = make_tenant(runtime)
    with tenant_transaction(database, tenant_b.id) as session:
        leaked = session.execute(
            text(" union all ".join(f"select tenant_id from {t} where tenant_id = :a" for t in tables)),
            {"a": tenant_a.id},
        ).all()
    assert leaked == []


def test_inserting_a_row_for_another_tenant_fails_in_every_table(
    runtime: Runtime, database: Database, tenant_a: TenantHandle, tables: list[str]
) -> None:
    tenant_b = make_tenant(runtime)
    for table in tables:
        # The RLS WITH CHECK runs before NOT NULL and foreign-key checks, so a bare row suffices.
        with pytest.raises(DBAPIError) as raised, tenant_transaction(database, tenant_a.id) as session:
            session.execute(text(f"insert into {table} (tenant_id) values (:b)"), {"b": tenant_b.id})
        assert isinstance(raised.value.orig, pg_errors.InsufficientPrivilege), table


def test_moving_a_row_to_another_tenant_fails(runtime: Runtime, database: Database, tenant_a: TenantHandle) -> None:
    tenant_b = make_tenant(runtime)
    with pytest.raises(DBAPIError) as raised, tenant_transaction(database, tenant_a.id) as session:
        session.execute(text("update contacts set tenant_id = :b"), {"b": tenant_b.id})
    assert isinstance(raised.value.orig, pg_errors.InsufficientPrivilege)


# The trust centre's histories: the app may add to them, never rewrite them (migration 0019_trust_centre).
APPEND_ONLY = ("subprocessor_changes", "subprocessor_objections", "dpa_versions", "dpa_acceptances")


def test_updates_and_deletes_cannot_reach_another_tenant(
    runtime: Runtime, database: Database, tenant_a: TenantHandle, tables: list[str]
) -> None:
    tenant_b = make_tenant(runtime)
    for table in tables:
        if table.startswith("audit_") or table in APPEND_ONLY:
            # Append-only: DELETE is refused outright (tests/audit covers every role; tests/trust the register).
            with pytest.raises(DBAPIError) as refused, tenant_transaction(database, tenant_b.id) as session:
                session.execute(text(f"delete from {table} where tenant_id = :a"), {"a": tenant_a.id})
            assert isinstance(refused.value.orig, pg_errors.InsufficientPrivilege), table
            continue
        with tenant_transaction(database, tenant_b.id) as session:
            deleted = session.execute(text(f"delete from {table} where tenant_id = :a"), {"a": tenant_a.id})
            assert deleted.rowcount == 0, table  # type: ignore[attr-defined]
    assert [t for t in tables if count_as_tenant(database, t, tenant_a.id) == 0] == []


def test_creating_a_tenant_other_than_the_bound_one_fails(database: Database) -> None:
    with pytest.raises(DBAPIError) as raised, tenant_transaction(database, uuid.uuid4()) as session:
        session.execute(text("insert into tenants (id, name) values (:id, 'x')"), {"id": uuid.uuid4()})
    assert isinstance(raised.value.orig, pg_errors.InsufficientPrivilege)


def test_the_owner_role_is_subject_to_rls_too(database: Database, tenant_a: TenantHandle) -> None:
    engine = database.owner_engine()
    try:
        with engine.connect() as conn:
            assert conn.execute(text("select count(*) from contacts")).scalar_one() == 0
    finally:
        engine.dispose()


def test_partitions_and_chain_heads_are_not_readable_directly(database: Database, tenant_a: TenantHandle) -> None:
    with database.app_engine.connect() as conn:
        hidden = [t for t in tenant_tables(conn) if t not in tenant_tables(conn, app_readable=True)]
    assert "audit_heads" in hidden
    assert any(t.startswith("audit_events_") for t in hidden)
    for table in hidden:
        with pytest.raises(DBAPIError) as raised, tenant_transaction(database, tenant_a.id) as session:
            session.execute(text(f"select count(*) from {table}"))
        assert isinstance(raised.value.orig, pg_errors.InsufficientPrivilege), table


def test_credential_tables_are_not_readable_across_tenants_by_the_app(
    database: Database, tenant_a: TenantHandle
) -> None:
    with database.transaction() as session:
        assert session.execute(text("select count(*) from api_keys")).scalar_one() == 0
        assert session.execute(text("select count(*) from sessions")).scalar_one() == 0
        with pytest.raises(DBAPIError):
            session.execute(text("set role engium_auth"))
