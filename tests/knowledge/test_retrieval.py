"""Queries prune to the bound tenant's one partition; exact search is exact; deletes cascade."""

from __future__ import annotations

import math
import random
import re
import uuid
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.orm import Session

from engium.knowledge import repository as knowledge
from engium.knowledge.vector import to_literal
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import TenantHandle, make_tenant
from tests.knowledge.helpers import add_random_document, partition_name, random_vector

NEAREST = (
    "select id from knowledge_chunks where tenant_id = $1 order by embedding <=> cast($2 as vector) limit $3"
)
FULL_TEXT = (
    "select id, ts_rank(tsv, websearch_to_tsquery('english', $2)) from knowledge_chunks "
    "where tenant_id = $1 and tsv @@ websearch_to_tsquery('english', $2) limit $3"
)


def partitions_in_plan(session: Session, name: str, sql: str, args: str, executions: int = 7) -> tuple[set[str], str]:
    """Prepares ``sql``, executes it past the point where PostgreSQL would switch to a generic plan
    (5 executions), and returns the chunk partitions the plan of the next execution names."""
    session.execute(text(f"prepare {name} as {sql}"))
    try:
        for _ in range(executions):
            session.execute(text(f"execute {name}({args})")).all()
        plan = "\n".join(session.execute(text(f"explain execute {name}({args})")).scalars())
    finally:
        session.execute(text(f"deallocate {name}"))
    return set(re.findall(r"knowledge_chunks_[0-9a-f]{32}", plan)), plan


def test_prepared_queries_touch_only_the_bound_tenants_partition(runtime: Runtime, tenant: TenantHandle) -> None:
    rng = random.Random(10)
    others = [make_tenant(runtime) for _ in range(2)]
    for owner in (tenant, *others):
        with tenant_transaction(runtime.database, owner.id) as session:
            add_random_document(session, owner.id, rng, 5, "haircut prices")
    q = to_literal(random_vector(rng))
    with tenant_transaction(runtime.database, tenant.id) as session:
        assert session.execute(text("show plan_cache_mode")).scalar_one() == "force_custom_plan"
        for sql, args in ((NEAREST, f"'{tenant.id}', '{q}', 5"), (FULL_TEXT, f"'{tenant.id}', 'haircut', 5")):
            named, plan = partitions_in_plan(session, f"q_{uuid.uuid4().hex}", sql, args)
            assert named == {partition_name(tenant.id)}, plan
            assert "Subplans Removed" not in plan, plan  # pruned while planning, not at executor start
        # The same statement under a generic plan keeps every partition in the plan (pruned only when it
        # runs, after they are all locked): what force_custom_plan exists to prevent.
        session.execute(text("set local plan_cache_mode = force_generic_plan"))
        named, plan = partitions_in_plan(session, f"q_{uuid.uuid4().hex}", NEAREST, f"'{tenant.id}', '{q}', 5")
        assert "Subplans Removed" in plan, plan


def test_the_repository_statements_never_get_a_generic_plan(runtime: Runtime, tenant: TenantHandle) -> None:
    rng = random.Random(11)
    with tenant_transaction(runtime.database, tenant.id) as session:
        add_random_document(session, tenant.id, rng, 5)
        for _ in range(8):  # psycopg prepares a statement server-side from its sixth execution
            knowledge.nearest_chunks(session, tenant.id, random_vector(rng), 3)
            knowledge.full_text(session, tenant.id, "chunk", 3)
        counts = session.execute(
            text(
                "select generic_plans, custom_plans from pg_prepared_statements "
                "where not from_sql and statement like '%knowledge_chunks%'"
            )
        ).all()
    assert len(counts) >= 2
    assert all(generic == 0 and custom > 0 for generic, custom in counts), counts


def cosine_distance(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return 1.0 - dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


def test_exact_search_returns_the_true_nearest_neighbours(runtime: Runtime, tenant: TenantHandle) -> None:
    rng = random.Random(12)
    with tenant_transaction(runtime.database, tenant.id) as session:
        _, chunks = add_random_document(session, tenant.id, rng, 300)
        by_ordinal = {i: c for i, c in enumerate(chunks)}
        for _ in range(10):
            query = random_vector(rng)
            found = knowledge.nearest_chunks(session, tenant.id, query, 10)
            expected = sorted(range(len(chunks)), key=lambda i: cosine_distance(query, chunks[i].embedding))[:10]
            assert [c.ordinal for c in found] == expected
            for chunk in found:
                assert math.isclose(chunk.score, cosine_distance(query, by_ordinal[chunk.ordinal].embedding),
                                     abs_tol=1e-5)


def test_full_text_ranks_matching_chunks(runtime: Runtime, tenant: TenantHandle) -> None:
    embedding = [1.0] + [0.0] * 383
    texts = ["We open at nine on Saturdays.", "Haircuts cost 30 euros; a beard trim costs 15.", "Parking is free."]
    with tenant_transaction(runtime.database, tenant.id) as session:
        knowledge.add_document(
            session, tenant.id, title="FAQ", source_kind=knowledge.SourceKind.FAQ, content=" ".join(texts),
            chunks=[knowledge.ChunkInput(t, 0, len(t), embedding) for t in texts],
        )
        found = knowledge.full_text(session, tenant.id, "haircut price", 5)
        assert found == []  # websearch_to_tsquery ANDs the terms: "price" is in no chunk
        found = knowledge.full_text(session, tenant.id, "haircut", 5)
        assert [c.content for c in found] == [texts[1]]
        assert found[0].score > 0


def test_deleting_a_document_deletes_its_chunks(runtime: Runtime, tenant: TenantHandle) -> None:
    rng = random.Random(13)
    with tenant_transaction(runtime.database, tenant.id) as session:
        doomed, _ = add_random_document(session, tenant.id, rng, 6, "doomed")
        kept, _ = add_random_document(session, tenant.id, rng, 2, "kept")
    with tenant_transaction(runtime.database, tenant.id) as session:
        assert knowledge.delete_document(session, tenant.id, doomed)
    with tenant_transaction(runtime.database, tenant.id) as session:
        rows = session.execute(text("select document_id, count(*) from knowledge_chunks group by 1")).all()
    assert rows == [(kept, 2)]
