"""One partition per tenant, created with it and dropped with it; the database refuses the rest."""

from __future__ import annotations

import random
import uuid

import pytest
from psycopg import errors as pg_errors
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from engium.knowledge import repository as knowledge
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from engium.tenancy.service import delete_tenant
from tests.conftest import TenantHandle, make_tenant
from tests.knowledge.helpers import add_random_document, partition_name, partitions_of, random_vector


def test_provisioning_creates_exactly_one_partition_and_deleting_the_tenant_drops_it(runtime: Runtime) -> None:
    doomed = make_tenant(runtime)
    with tenant_transaction(runtime.database, doomed.id) as session:
        assert partitions_of(session, doomed.id) == [partition_name(doomed.id)]
        add_random_document(session, doomed.id, random.Random(1), 3)
    with runtime.database.transaction() as session:
        delete_tenant(session, doomed.id)
    with runtime.database.transaction() as session:
        assert partitions_of(session, doomed.id) == []
        assert session.execute(text("select to_regclass(:n)"), {"n": partition_name(doomed.id)}).scalar() is None


def test_ensure_partition_is_idempotent(runtime: Runtime, tenant: TenantHandle) -> None:
    with tenant_transaction(runtime.database, tenant.id) as session:
        again = session.execute(text("select knowledge_ensure_partition()")).scalar_one()
        assert again == partition_name(tenant.id)
        assert partitions_of(session, tenant.id) == [again]


def test_ensure_partition_refuses_without_a_tenant_or_for_a_made_up_one(runtime: Runtime) -> None:
    with pytest.raises(DBAPIError) as unbound, runtime.database.transaction() as session:
        session.execute(text("select knowledge_ensure_partition()"))
    assert isinstance(unbound.value.orig, pg_errors.InsufficientPrivilege)
    made_up = uuid.uuid4()
    with pytest.raises(DBAPIError) as missing, tenant_transaction(runtime.database, made_up) as session:
        session.execute(text("select knowledge_ensure_partition()"))
    assert isinstance(missing.value.orig, pg_errors.ForeignKeyViolation)
    with runtime.database.transaction() as session:
        assert partitions_of(session, made_up) == []


def test_drop_partition_refuses_a_live_tenant_and_any_other_tenant(
    runtime: Runtime, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    with pytest.raises(DBAPIError) as other, tenant_transaction(runtime.database, tenant.id) as session:
        session.execute(text("select knowledge_drop_partition(:t)"), {"t": other_tenant.id})
    assert isinstance(other.value.orig, pg_errors.InsufficientPrivilege)
    with pytest.raises(DBAPIError) as live, tenant_transaction(runtime.database, tenant.id) as session:
        session.execute(text("select knowledge_drop_partition(:t)"), {"t": tenant.id})
    assert isinstance(live.value.orig, pg_errors.ObjectInUse)
    with runtime.database.transaction() as session:
        assert partitions_of(session, tenant.id) == [partition_name(tenant.id)]
        assert partitions_of(session, other_tenant.id) == [partition_name(other_tenant.id)]


def test_partitions_force_rls_have_no_policy_and_grant_the_app_nothing(runtime: Runtime, tenant: TenantHandle) -> None:
    name = partition_name(tenant.id)
    with runtime.database.transaction() as session:
        row = session.execute(
            text(
                "select c.relrowsecurity, c.relforcerowsecurity, "
                "(select count(*) from pg_policy p where p.polrelid = c.oid), "
                "has_table_privilege('engium_app', c.oid, 'select, insert, update, delete, truncate') "
                "from pg_class c where c.relname = :n"
            ),
            {"n": name},
        ).one()
    assert tuple(row) == (True, True, 0, False)
    for statement in (f"select count(*) from {name}", f"delete from {name}"):
        with pytest.raises(DBAPIError) as denied, tenant_transaction(runtime.database, tenant.id) as session:
            session.execute(text(statement))
        assert isinstance(denied.value.orig, pg_errors.InsufficientPrivilege), statement


def test_no_tenant_bound_sees_no_chunks_or_documents(runtime: Runtime, tenant: TenantHandle) -> None:
    with tenant_transaction(runtime.database, tenant.id) as session:
        add_random_document(session, tenant.id, random.Random(2), 2)
    with runtime.database.transaction() as session:
        assert session.execute(text("select count(*) from knowledge_chunks")).scalar_one() == 0
        assert session.execute(text("select count(*) from knowledge_documents")).scalar_one() == 0


def test_a_tenant_can_neither_write_nor_read_another_tenants_chunks(
    runtime: Runtime, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    rng = random.Random(3)
    with tenant_transaction(runtime.database, other_tenant.id) as session:
        victim_document, victim_chunks = add_random_document(session, other_tenant.id, rng, 4, "secret")
    with pytest.raises(DBAPIError) as raised, tenant_transaction(runtime.database, tenant.id) as session:
        session.execute(
            text(
                "insert into knowledge_chunks (tenant_id, id, document_id, ordinal, content, start_offset, "
                "end_offset, embedding) values (:b, :id, :d, 99, 'planted', 0, 7, cast(:e as vector))"
            ),
            {"b": other_tenant.id, "id": uuid.uuid4(), "d": victim_document, "e": str(random_vector(rng))},
        )
    assert isinstance(raised.value.orig, pg_errors.InsufficientPrivilege)
    with tenant_transaction(runtime.database, tenant.id) as session:
        # Naming the victim's tenant id prunes to its partition, and RLS still shows nothing there.
        assert knowledge.nearest_chunks(session, other_tenant.id, victim_chunks[0].embedding, 10) == []
        assert knowledge.full_text(session, other_tenant.id, "secret", 10) == []
        assert session.execute(text("select count(*) from knowledge_chunks")).scalar_one() == 0
        assert not knowledge.delete_document(session, other_tenant.id, victim_document)
    with tenant_transaction(runtime.database, other_tenant.id) as session:
        assert len(knowledge.nearest_chunks(session, other_tenant.id, victim_chunks[0].embedding, 10)) == 4


def test_index_partition_waits_for_the_threshold_then_builds_hnsw(runtime: Runtime) -> None:
    big = make_tenant(runtime)
    name = partition_name(big.id)
    with tenant_transaction(runtime.database, big.id) as session:
        document_id, _ = add_random_document(session, big.id, random.Random(4), 5)
        assert session.execute(text("select knowledge_index_partition()")).scalar_one() is False
        session.execute(
            text(
                "insert into knowledge_chunks (tenant_id, id, document_id, ordinal, content, start_offset, "
                "end_offset, embedding) select :t, gen_random_uuid(), :d, 5 + g, 'bulk', 0, 4, "
                "(select array_agg(random() - 0.5 + 0 * d + 0 * g) from generate_series(1, 384) d)::vector "
                "from generate_series(1, 10000) g"
            ),
            {"t": big.id, "d": document_id},
        )
        assert session.execute(text("select knowledge_index_partition()")).scalar_one() is True
        indexes = session.execute(
            text("select indexname from pg_indexes where tablename = :n and indexdef like '%hnsw%'"), {"n": name}
        ).scalars()
        assert list(indexes) == [f"{name}_hnsw"]
        plan = "\n".join(
            session.execute(
                text(
                    "explain select id from knowledge_chunks where tenant_id = :t "
                    "order by embedding <=> cast(:q as vector) limit 10"
                ),
                {"t": big.id, "q": str(random_vector(random.Random(5)))},
            ).scalars()
        )
        assert f"{name}_hnsw" in plan
    with runtime.database.transaction() as session:
        delete_tenant(session, big.id)
