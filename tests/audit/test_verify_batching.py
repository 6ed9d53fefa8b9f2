"""Small chains are walked many to a query, and a chain longer than one connection's share of the work is
cut for every connection (ADR 0050): neither changes what verification finds."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

import psycopg
from sqlalchemy import Connection, Engine

from engium.audit.chain import ChainWalker
from engium.audit.chain_scan import (
    CHAINS_PER_QUERY,
    MAX_SEQ,
    MIN_SEQ,
    SMALL_CHAIN_EVENTS,
    ChainPlan,
    Segment,
    _tasks,
    plan_segments,
    walk_chain,
    walk_chains,
)
from engium.audit.verify import MIN_SEGMENT_SEQS, segment_length
from engium.runtime import Runtime
from tests.audit import tamper
from tests.audit.conftest import append, seal
from tests.conftest import make_tenant

Attack = Callable[[Connection, UUID], None]
# The first broken seq the walk itself reports (a cut tail is the head's and the checkpoints' to see).
ATTACKS: list[tuple[Attack | None, int | None]] = [
    (None, None),
    (lambda conn, tenant: tamper.modify_details(conn, tenant, 2), 2),
    (lambda conn, tenant: tamper.delete_event(conn, tenant, 3), 3),
    (lambda conn, tenant: tamper.swap_events(conn, tenant, 1, 4), 1),
    (lambda conn, tenant: tamper.truncate_after(conn, tenant, 2), None),
    (None, None),
]


def _state(walker: ChainWalker) -> tuple[object, ...]:
    return walker.events, walker.last_seq, walker.last_hash, walker.hashes, walker.findings


def test_chains_walked_many_to_a_query_find_what_walking_each_alone_finds(
    runtime: Runtime, owner_engine: Engine, superuser_engine: Engine
) -> None:
    tenants = [make_tenant(runtime).id for _ in ATTACKS]
    for n, tenant in enumerate(tenants):
        for k in range(5 + n):
            append(runtime, tenant, details={"n": n, "k": k})
    seal(runtime)  # before the tampering, so that the next test's seal finds nothing new here to refuse
    with tamper.triggers_disabled(superuser_engine) as conn:
        for tenant, (attack, _) in zip(tenants, ATTACKS, strict=True):
            if attack is not None:
                attack(conn, tenant)
    plans = [ChainPlan(t, frozenset({2, 4}), (0, bytes(32)), plan_segments(t, 0, None), 6) for t in tenants]
    assert len(_tasks(plans, workers=1)) == 1  # every chain in one query
    cargs, cparams = owner_engine.dialect.create_connect_args(owner_engine.url)
    with psycopg.connect(*cargs, **cparams) as main:
        main.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        together = list(walk_chains(main, plans, lambda: psycopg.connect(*cargs, **cparams), workers=1))
        alone = [walk_chain(main, plan) for plan in plans]
    assert [_state(w) for w in together] == [_state(w) for w in alone]
    for walker, (_, broken) in zip(together, ATTACKS, strict=True):
        assert walker.events > 0
        assert (min(walker.findings).seq if walker.findings else None) == broken, walker.findings


def _plan(n: int, expected: int, segments: list[Segment] | None = None) -> ChainPlan:
    tenant = UUID(int=n + 1)
    return ChainPlan(tenant, frozenset(), (0, bytes(32)), segments or plan_segments(tenant, 0, expected), expected)


def test_small_chains_are_shared_between_the_workers_and_large_ones_walked_alone() -> None:
    big = _plan(0, 600_000, plan_segments(UUID(int=1), 0, 600_000, 250_000))
    small = [_plan(n, 900) for n in range(1, 301)]
    medium = _plan(301, SMALL_CHAIN_EVENTS + 1)
    tasks = _tasks([big, *small, medium], workers=2)
    walked = sorted((index, k) for task in tasks for index, k, _ in task)
    assert walked == sorted([(0, 0), (0, 1), (0, 2), *((n, 0) for n in range(1, 302))])
    batches = [task for task in tasks if len(task) > 1]
    assert len(batches) >= 2
    for task in batches:
        assert len(task) <= CHAINS_PER_QUERY
        assert sum(900 for _ in task) <= SMALL_CHAIN_EVENTS
        assert all(segment.first == MIN_SEQ and segment.last == MAX_SEQ for _, _, segment in task)
    assert [(301, 0, medium.segments[0])] in tasks


def test_two_small_chains_and_two_workers_make_two_queries() -> None:
    assert len(_tasks([_plan(1, 1_000), _plan(2, 1_000)], workers=2)) == 2


def test_a_chain_longer_than_one_connections_share_is_cut_for_every_connection() -> None:
    assert segment_length(expected=100_000, workers=2, segment_seqs=250_000) == 50_000
    assert segment_length(expected=3_000_000, workers=2, segment_seqs=250_000) == 250_000
    assert segment_length(expected=2_000, workers=2, segment_seqs=250_000) == MIN_SEGMENT_SEQS
    assert segment_length(expected=100_000, workers=2, segment_seqs=2) == 2
    assert len(plan_segments(UUID(int=1), 0, 100_000, segment_length(100_000, 2, 250_000))) == 2
