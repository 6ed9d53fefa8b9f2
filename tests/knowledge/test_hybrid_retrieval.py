"""retrieve(): hybrid, cited, and confined to one tenant's partition, provably so."""

from __future__ import annotations

import dataclasses
import inspect
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from engium.access.permissions import Role
from engium.access.principal import Principal, PrincipalKind
from engium.knowledge import retrieval, service
from engium.knowledge.maintenance import index_partition
from engium.knowledge.parsing import SourceKind
from engium.knowledge.repository import ScoredChunk
from engium.knowledge.retrieval import Citation, MatchKind, retrieve
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from engium.tenancy.service import delete_tenant
from tests.conftest import TenantHandle, make_tenant
from tests.knowledge.helpers import partition_name, partitions_of

SALON = [
    ("Prices", "Haircuts cost 30 euros. A beard trim costs 15 euros. Colouring starts at 60 euros."),
    ("Parking", "Cars can be left for free in the courtyard behind the building."),
    ("Gift cards", "Gift vouchers with the code GV-2024 are valid for one year."),
]


def owner(tenant_id: uuid.UUID) -> Principal:
    return Principal(kind=PrincipalKind.API_KEY, id=uuid.uuid4(), tenant_id=tenant_id, role=Role.OWNER)


def add_salon_documents(runtime: Runtime, tenant_id: uuid.UUID) -> dict[str, uuid.UUID]:
    ids = {}
    with tenant_transaction(runtime.database, tenant_id) as session:
        for title, content in SALON:
            source = service.DocumentSource(title=title, kind=SourceKind.TEXT, body=content)
            ids[title] = service.add_document(session, owner(tenant_id), runtime.embedder, source).id
    return ids


def chunk_ids(session: Session, tenant_id: uuid.UUID) -> set[uuid.UUID]:
    return set(
        session.execute(text("select id from knowledge_chunks where tenant_id = :t"), {"t": tenant_id}).scalars()
    )


def test_retrieve_keeps_its_published_signature_and_citation_fields() -> None:
    assert retrieve.__module__ == "engium.knowledge.retrieval"
    parameters = inspect.signature(retrieve).parameters
    assert list(parameters) == ["session", "tenant_id", "query", "embedder", "k"]
    assert parameters["k"].default == 5
    assert [f.name for f in dataclasses.fields(Citation)] == [
        "document_id", "document_title", "chunk_id", "ordinal", "start_offset", "end_offset", "content", "score",
        "matched_by",
    ]
    assert Citation.__dataclass_params__.frozen  # type: ignore[attr-defined]
    assert {m.value for m in MatchKind} == {"vector", "text", "both"}


def test_two_tenants_with_identical_documents_never_see_each_others_chunks(runtime: Runtime) -> None:
    alice, bob = make_tenant(runtime), make_tenant(runtime)
    alice_docs, bob_docs = add_salon_documents(runtime, alice.id), add_salon_documents(runtime, bob.id)
    with tenant_transaction(runtime.database, bob.id) as session:
        bobs_chunks = chunk_ids(session, bob.id)
    with tenant_transaction(runtime.database, alice.id) as session:
        alices_chunks = chunk_ids(session, alice.id)
        for query in ("How much is a beard trim?", "parking", "GV-2024", "haircut prices colouring voucher"):
            citations = retrieve(session, alice.id, query, runtime.embedder, k=10)
            assert citations, query
            assert {c.chunk_id for c in citations} <= alices_chunks, query
            assert not {c.chunk_id for c in citations} & bobs_chunks, query
            assert {c.document_id for c in citations} <= set(alice_docs.values()), query
        # Naming Bob's tenant while bound to Alice prunes to Bob's partition, where RLS shows nothing.
        assert retrieve(session, bob.id, "How much is a beard trim?", runtime.embedder, k=10) == []
    assert alices_chunks.isdisjoint(bobs_chunks)
    assert len(alices_chunks) == len(bobs_chunks) == 3
    assert set(alice_docs.values()).isdisjoint(bob_docs.values())
    with runtime.database.transaction() as session:  # no tenant bound: nothing at all
        assert retrieve(session, alice.id, "beard trim", runtime.embedder) == []


def test_hybrid_ranking_finds_meaning_and_exact_terms_and_cites_the_span(runtime: Runtime) -> None:
    tenant = make_tenant(runtime)
    ids = add_salon_documents(runtime, tenant.id)
    with tenant_transaction(runtime.database, tenant.id) as session:
        # No word in common with the parking text: only the embedding can find it.
        where_to_park = retrieve(session, tenant.id, "Is there somewhere for my automobile?", runtime.embedder, k=3)
        assert where_to_park[0].document_id == ids["Parking"]
        assert where_to_park[0].matched_by is MatchKind.VECTOR
        # A code that means nothing to the embedding, but full text matches it exactly.
        code = retrieve(session, tenant.id, "GV-2024", runtime.embedder, k=3)
        assert code[0].document_id == ids["Gift cards"]
        assert code[0].matched_by is MatchKind.BOTH
        trim = retrieve(session, tenant.id, "beard trim price", runtime.embedder, k=3)
        top = trim[0]
        assert (top.document_id, top.document_title, top.ordinal) == (ids["Prices"], "Prices", 0)
        assert top.matched_by is MatchKind.BOTH
        assert top.score == pytest.approx(2 / (retrieval.RRF_K + 1))
        assert [c.score for c in trim] == sorted((c.score for c in trim), reverse=True)
        stored = session.execute(
            text("select content from knowledge_documents where tenant_id = :t and id = :d"),
            {"t": tenant.id, "d": top.document_id},
        ).scalar_one()
        assert stored[top.start_offset:top.end_offset] == top.content
        assert retrieve(session, tenant.id, "  ", runtime.embedder) == []
        assert len(retrieve(session, tenant.id, "salon", runtime.embedder, k=1)) == 1
        assert len(retrieve(session, tenant.id, "salon", runtime.embedder, k=0)) == 1  # clamped


def test_fusion_rewards_agreement_and_breaks_ties_by_vector_rank() -> None:
    def hit(name: str) -> ScoredChunk:
        return ScoredChunk(uuid.uuid5(uuid.NAMESPACE_DNS, name), uuid.uuid4(), 0, name, 0, 1, 0.0)

    a, b, c, d = hit("a"), hit("b"), hit("c"), hit("d")
    fused = retrieval.fuse([a, b, c], [c, d], k=4)
    assert [(chunk.content, kind) for chunk, _, kind in fused] == [
        ("c", MatchKind.BOTH), ("a", MatchKind.VECTOR), ("b", MatchKind.VECTOR), ("d", MatchKind.TEXT)
    ]
    assert fused[0][1] == pytest.approx(1 / 63 + 1 / 61)
    assert len(retrieval.fuse([a, b], [], k=1)) == 1


def test_the_text_leg_needs_two_of_the_querys_words() -> None:
    assert retrieval.pairwise_tsquery([]) is None
    assert retrieval.pairwise_tsquery(["trim"]) == "'trim'"
    assert retrieval.pairwise_tsquery(["beard", "trim", "beard", "price"]) == (
        "('beard' & 'trim') | ('beard' & 'price') | ('trim' & 'price')"
    )
    assert retrieval.tsquery_literal("o'neil\\x") == "'o''neil\\\\x'"
    many = retrieval.pairwise_tsquery([f"w{i}" for i in range(20)])
    assert many is not None
    assert many.count("&") == 28


def test_queries_with_tsquery_syntax_and_quotes_are_just_words(runtime: Runtime) -> None:
    tenant = make_tenant(runtime)
    add_salon_documents(runtime, tenant.id)
    with tenant_transaction(runtime.database, tenant.id) as session:
        for query in ("beard' & !trim", "\\' | ('", "a:* <-> b", "O'Neil's beard trim", "the of and", "!!!", "'"):
            citations = retrieve(session, tenant.id, query, runtime.embedder, k=3)
            assert len(citations) == 3, query
        matched = retrieve(session, tenant.id, "beard' & !trim", runtime.embedder, k=1)[0]
        assert (matched.document_title, matched.matched_by) == ("Prices", MatchKind.BOTH)


@pytest.fixture
def captured_statements(runtime: Runtime) -> Iterator[list[tuple[str, Any]]]:
    statements: list[tuple[str, Any]] = []

    def remember(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        statements.append((statement, parameters))

    engine = runtime.database.app_engine
    event.listen(engine, "before_cursor_execute", remember)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", remember)


def test_every_retrieval_statement_is_pruned_to_the_tenants_partition(
    runtime: Runtime, captured_statements: list[tuple[str, Any]]
) -> None:
    tenant = make_tenant(runtime)
    neighbours = [make_tenant(runtime) for _ in range(2)]
    for owner_tenant in (tenant, *neighbours):
        add_salon_documents(runtime, owner_tenant.id)
    with tenant_transaction(runtime.database, tenant.id) as session:
        captured_statements.clear()
        citations = retrieve(session, tenant.id, "beard trim prices", runtime.embedder, k=3)
        assert citations[0].matched_by is MatchKind.BOTH  # both legs ran and found the prices
        # Every partition a statement touched is locked until the transaction ends: exactly one.
        locked = session.execute(
            text(
                "select relation::regclass::text from pg_locks where pid = pg_backend_pid() "
                "and locktype = 'relation'"
            )
        ).scalars()
        assert {r for r in locked if re.fullmatch(r"knowledge_chunks_[0-9a-f]{32}", r)} == {partition_name(tenant.id)}
        # The vector statement names the chunks table itself; its plan names the one partition.
        vector_queries = [(s, p) for s, p in captured_statements if "from knowledge_chunks" in s]
        assert len(vector_queries) == 1
        # The text leg goes through knowledge_match_chunks(), which plans for the bound tenant only.
        assert any("knowledge_match_chunks" in s for s, _ in captured_statements)
        for statement, parameters in vector_queries:
            plan = "\n".join(
                str(row[0]) for row in session.connection().exec_driver_sql(f"explain {statement}", parameters)
            )
            assert set(re.findall(r"knowledge_chunks_[0-9a-f]{32}", plan)) == {partition_name(tenant.id)}, plan
            assert "Subplans Removed" not in plan, plan  # pruned while planning


def test_the_text_leg_can_use_the_full_text_index_that_rls_rules_out(runtime: Runtime) -> None:
    """Under RLS the planner may not use the GIN index for @@ (not leakproof); the definer function runs
    as the owner, whose policy is no barrier, so the index serves it."""
    tenant = make_tenant(runtime)
    documents = add_salon_documents(runtime, tenant.id)
    with tenant_transaction(runtime.database, tenant.id) as session:
        # Enough other chunks that matching through the index is clearly the better plan.
        session.execute(
            text(
                "insert into knowledge_chunks (tenant_id, id, document_id, ordinal, content, start_offset, "
                "end_offset, embedding) select :t, gen_random_uuid(), :d, g, 'filler text number ' || g, 0, 9, "
                "cast(:e as vector) from generate_series(1, 3000) g"
            ),
            {"t": tenant.id, "d": documents["Parking"], "e": str([1.0] + [0.0] * 383)},
        )
    statement = text(
        "explain select id from knowledge_chunks where tenant_id = :t and tsv @@ to_tsquery('english', 'beard')"
    )
    engine = runtime.database.owner_engine()
    try:
        with engine.begin() as owner:
            owner.execute(text(f"analyze {partition_name(tenant.id)}"))
            owner.execute(text("select set_config('engium.tenant_id', :t, true)"), {"t": str(tenant.id)})
            owner_plan = "\n".join(owner.execute(statement, {"t": tenant.id}).scalars())
    finally:
        engine.dispose()
    assert f"{partition_name(tenant.id)}_tsv_idx" in owner_plan, owner_plan
    with tenant_transaction(runtime.database, tenant.id) as session:
        app_plan = "\n".join(session.execute(statement, {"t": tenant.id}).scalars())
        assert "tsv_idx" not in app_plan, app_plan
        assert [c.content for c in retrieval.text_candidates(session, tenant.id, "beard trim", 5)] == [SALON[0][1]]
    # The function finds nothing for a tenant other than the bound one, nor without one, as RLS would.
    with tenant_transaction(runtime.database, tenant.id) as session:
        assert retrieval.text_candidates(session, uuid.uuid4(), "beard trim", 5) == []
    with runtime.database.transaction() as session:
        assert retrieval.text_candidates(session, tenant.id, "beard trim", 5) == []


def test_each_tenant_gets_its_own_partition_and_loses_it_with_the_tenant(runtime: Runtime) -> None:
    first, second = make_tenant(runtime), make_tenant(runtime)
    add_salon_documents(runtime, first.id)
    with runtime.database.transaction() as session:
        assert partitions_of(session, first.id) == [partition_name(first.id)]
        assert partitions_of(session, second.id) == [partition_name(second.id)]
        bound = session.execute(
            text(
                "select pg_get_expr(c.relpartbound, c.oid) from pg_inherits i join pg_class c on c.oid = i.inhrelid "
                "where i.inhparent = 'knowledge_chunks'::regclass and c.relname = :n"
            ),
            {"n": partition_name(first.id)},
        ).scalar_one()
        assert bound == f"FOR VALUES IN ('{first.id}')"
    with runtime.database.transaction() as session:
        delete_tenant(session, first.id)
    with runtime.database.transaction() as session:
        assert partitions_of(session, first.id) == []
        assert session.execute(text("select to_regclass(:n)"), {"n": partition_name(first.id)}).scalar() is None
        assert partitions_of(session, second.id) == [partition_name(second.id)]


def test_a_large_partition_gets_hnsw_and_retrieval_searches_it_wide_enough(runtime: Runtime) -> None:
    big = make_tenant(runtime)
    docs = add_salon_documents(runtime, big.id)
    with tenant_transaction(runtime.database, big.id) as session:
        small = index_partition(session, big.id)
        assert (small.chunks, small.built, small.indexed) == (3, False, False)
        # 10,000 more chunks: random directions around 20 centres, like topics in real knowledge.
        session.execute(
            text(
                "with centres as (select c, array_agg(random() - 0.5) as v from generate_series(1, 20) c "
                "cross join generate_series(1, 384) d group by c) "
                "insert into knowledge_chunks (tenant_id, id, document_id, ordinal, content, start_offset, "
                "end_offset, embedding) select :t, gen_random_uuid(), :d, 1 + g, 'bulk ' || g, 0, 4, "
                "(select array_agg(x + (random() - 0.5) * 0.6) from unnest(centres.v) x)::vector "
                "from generate_series(1, 10000) g join centres on centres.c = 1 + g % 20"
            ),
            {"t": big.id, "d": docs["Parking"]},
        )
        report = index_partition(session, big.id)
        assert (report.chunks, report.built, report.partition) == (10_003, True, partition_name(big.id))
        assert index_partition(session, big.id).had_index

        probes = session.execute(
            text("select embedding::text from knowledge_chunks where tenant_id = :t order by id limit 10"),
            {"t": big.id},
        ).scalars()
        queries = [[float(v) for v in probe.strip("[]").split(",")] for probe in probes]
        found = [[c.id for c in retrieval.nearest(session, big.id, q, 10)] for q in queries]
        assert session.execute(text("select current_setting('hnsw.ef_search')")).scalar_one() == str(
            retrieval.HNSW_EF_SEARCH
        )
        plan = "\n".join(
            session.execute(
                text(
                    "explain select id from knowledge_chunks where tenant_id = :t "
                    "order by embedding <=> cast(:q as vector) limit 10"
                ),
                {"t": big.id, "q": str(queries[0])},
            ).scalars()
        )
        assert f"{partition_name(big.id)}_hnsw" in plan
        session.execute(text("set local enable_indexscan = off"))
        exact = [[c.id for c in retrieval.nearest(session, big.id, q, 10)] for q in queries]
    recall = sum(len(set(f) & set(e)) for f, e in zip(found, exact, strict=True)) / (10 * len(queries))
    assert recall >= 0.95, recall
    events = [e for e in audit_events_of(runtime, big) if e[0] == "knowledge.partition_indexed"]
    assert events == [("knowledge.partition_indexed", {"chunks": 10_003, "index": "hnsw"})]
    with runtime.database.transaction() as session:
        delete_tenant(session, big.id)


def audit_events_of(runtime: Runtime, tenant: TenantHandle) -> list[tuple[str, dict[str, Any]]]:
    with tenant_transaction(runtime.database, tenant.id) as session:
        return [(row[0], row[1]) for row in session.execute(text("select action, details from audit_events"))]
