"""Streams chains out of PostgreSQL into chain walkers: each chain cut into seq ranges (segments),
walked by several connections at once, all reading one snapshot (ADR 0033); small chains many to a
query (ADR 0050).

Per event, the database sends the canonical encoding of ``audit_event_fields`` (the very bytes
``audit_append`` hashed: the same expression as ``audit_canonical``, one field after another) with the
stored ``prev_hash`` and ``hash``; this process hashes it and checks every link. Formatting the fields
is the database's part either way (timestamps, inet and jsonb text exist only there); sending one
``bytea`` instead of a 14-element array, and an inlined ``audit_event_fields`` (migration 0027), is
what makes the database's part cheap, and several segments at once use more than one core.
"""

from __future__ import annotations

import itertools
import operator
import queue
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg

from engium.audit.chain import FIELD_NAMES, ChainWalker

MIN_SEQ, MAX_SEQ = -(2**63), 2**63 - 1
# Seqs per segment: large enough that a query's planning and start-up are noise, small enough that
# a chain of millions spreads over every worker.
SEGMENT_SEQS = 250_000
# A head claiming an absurd last seq must not turn into millions of (empty) queries.
MAX_SEGMENTS_PER_CHAIN = 1_024
# Rows arrive in batches while PostgreSQL keeps producing the next ones: the server formats while
# this process hashes.
_STREAM_ROWS = 10_000

_CANONICAL = " || ".join(f"octet_length(f[{i}])::text || ':' || f[{i}] || ','" for i in range(1, len(FIELD_NAMES) + 1))
# OFFSET 0 keeps the subquery whole, so the fields array is built once per event rather than once per
# reference to it. An array of any other shape yields NULL (reported as malformed): a missing element
# makes the whole concatenation NULL.
_SEGMENT = (
    f"select seq, case when cardinality(f) = {len(FIELD_NAMES)} then convert_to({_CANONICAL}, 'UTF8') end, "
    "prev_hash, hash from ("
    "  select e.seq, e.prev_hash, e.hash, audit_event_fields(e) as f from audit_events e"
    "   where e.tenant_id = %s and e.seq between %s and %s order by e.seq offset 0"
    ") as rows order by seq"
)
# Whole small chains, many to a query (ADR 0050): the same bytes, with the tenant first. A query costs
# about 3 ms however few its rows (planning and starting a scan of every monthly partition, a round
# trip), which was most of the time of a log of many chains of a few hundred events each. The tenant
# comes as text: a ``UUID`` object built per row cost more than the rest of the walk of that row.
_CHAINS = (
    f"select rows.tenant_id::text, rows.seq, case when cardinality(f) = {len(FIELD_NAMES)} "
    f"then convert_to({_CANONICAL}, 'UTF8') end, rows.prev_hash, rows.hash from ("
    "  select e.tenant_id, e.seq, e.prev_hash, e.hash, audit_event_fields(e) as f from audit_events e"
    "   where e.tenant_id = any(%s::uuid[]) order by e.tenant_id, e.seq offset 0"
    ") as rows order by rows.tenant_id, rows.seq"
)
# A chain of at most this many expected events is walked with others in one query, up to this many
# events (and chains) a query: the rows are sorted in memory (work_mem) before they are sent.
SMALL_CHAIN_EVENTS = 5_000
CHAINS_PER_QUERY = 256
_SNAPSHOT_ID = re.compile(r"^[0-9A-F]+-[0-9A-F]+(-[0-9A-F]+)?$")


@dataclass(frozen=True)
class Segment:
    """Events ``first``..``last`` (inclusive) of one chain; the first and last segments are open-ended, so
    together they hold every row of the tenant, whatever its seq."""

    tenant_id: UUID
    first: int
    last: int


@dataclass(frozen=True)
class ChainPlan:
    tenant_id: UUID
    wanted: frozenset[int]
    start: tuple[int, bytes]
    segments: Sequence[Segment]
    # Events its head promises (0: unknown); only groups small chains into one query.
    expected_events: int = 0


def plan_segments(tenant_id: UUID, after: int, expected_last: int | None, seqs: int = SEGMENT_SEQS) -> list[Segment]:
    """Cuts the chain expected to hold ``after + 1``..``expected_last`` into segments of ``seqs`` seqs.

    The bounds only spread the work: the first segment starts at the lowest possible seq and the last
    one ends at the highest, so a row outside the expected range is still walked (and reported)."""
    span = (expected_last - after) if expected_last is not None else 0
    count = min(max(-(-span // seqs), 1), MAX_SEGMENTS_PER_CHAIN)
    size = max(-(-span // count), 1)
    cuts = [after + size * k for k in range(1, count)]
    firsts = [MIN_SEQ, *(c + 1 for c in cuts)]
    lasts = [*cuts, MAX_SEQ]
    return [Segment(tenant_id, first, last) for first, last in zip(firsts, lasts, strict=True)]


def walk_segment(driver: psycopg.Connection[Any], segment: Segment, wanted: frozenset[int]) -> ChainWalker:
    walker = ChainWalker(segment.tenant_id, wanted, segment=True)
    with driver.cursor(binary=True) as cursor:
        rows = cursor.stream(_SEGMENT, (segment.tenant_id, segment.first, segment.last), size=_STREAM_ROWS)
        walker.feed_encoded(rows)
    return walker


def walk_small_chains(
    driver: psycopg.Connection[Any], segments: Sequence[Segment], wanted: Sequence[frozenset[int]]
) -> list[ChainWalker]:
    """The walkers of whole chains (one segment each, of distinct tenants), all read by one query."""
    if not all(_whole_chain(segment) for segment in segments):
        raise ValueError("only whole chains are walked several to a query")
    walkers = {
        str(s.tenant_id): ChainWalker(s.tenant_id, w, segment=True) for s, w in zip(segments, wanted, strict=True)
    }
    if len(walkers) != len(segments):
        raise ValueError("a chain is walked once per query")
    with driver.cursor(binary=True) as cursor:
        rows = cursor.stream(_CHAINS, ([s.tenant_id for s in segments],), size=_STREAM_ROWS)
        without_tenant = operator.itemgetter(1, 2, 3, 4)
        for tenant_id, chain_rows in itertools.groupby(rows, key=operator.itemgetter(0)):
            walkers[tenant_id].feed_encoded(map(without_tenant, chain_rows))
    return [walkers[str(segment.tenant_id)] for segment in segments]


def _whole_chain(segment: Segment) -> bool:
    return segment.first == MIN_SEQ and segment.last == MAX_SEQ


def walk_chain(driver: psycopg.Connection[Any], plan: ChainPlan) -> ChainWalker:
    """One chain, segment after segment, on one connection."""
    walker = ChainWalker(plan.tenant_id, plan.wanted, plan.start)
    for segment in plan.segments:
        walker.join(walk_segment(driver, segment, plan.wanted))
    return walker


# One query's worth of segments: (index of the plan, index of the segment in it, the segment).
_Task = list[tuple[int, int, Segment]]


def _tasks(plans: Sequence[ChainPlan], workers: int) -> list[_Task]:
    """Every segment of a chain is a query of its own (larger ones first), but small whole chains go
    several to a query: at most ``SMALL_CHAIN_EVENTS`` expected events and ``CHAINS_PER_QUERY`` chains
    each, and no more than one worker's share of them, so that every worker still gets some."""
    tasks: list[_Task] = []
    small: list[tuple[int, ChainPlan]] = []
    for index, plan in enumerate(plans):
        if len(plan.segments) == 1 and _whole_chain(plan.segments[0]) and plan.expected_events <= SMALL_CHAIN_EVENTS:
            small.append((index, plan))
        else:
            tasks.extend([(index, k, segment)] for k, segment in enumerate(plan.segments))
    share = -(-sum(plan.expected_events for _, plan in small) // max(workers, 1))
    budget = max(1, min(SMALL_CHAIN_EVENTS, share))
    batch: _Task = []
    events = 0
    for index, plan in small:
        if batch and (events + plan.expected_events > budget or len(batch) >= CHAINS_PER_QUERY):
            tasks.append(batch)
            batch, events = [], 0
        batch.append((index, 0, plan.segments[0]))
        events += plan.expected_events
    if batch:
        tasks.append(batch)
    return tasks


def _run(driver: psycopg.Connection[Any], task: _Task, plans: Sequence[ChainPlan]) -> list[ChainWalker]:
    if len(task) == 1:
        index, _, segment = task[0]
        return [walk_segment(driver, segment, plans[index].wanted)]
    return walk_small_chains(driver, [segment for _, _, segment in task], [plans[index].wanted for index, _, _ in task])


def snapshot_id(driver: psycopg.Connection[Any]) -> str:
    """Exports the snapshot of ``driver``'s (repeatable read) transaction for the other workers."""
    row = driver.execute("select pg_export_snapshot()").fetchone()
    exported = str(row[0]) if row else ""
    if not _SNAPSHOT_ID.match(exported):
        raise RuntimeError(f"unexpected snapshot id {exported!r}")
    return exported


def _import_snapshot(driver: psycopg.Connection[Any], exported: str) -> None:
    driver.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    driver.read_only = True
    # A utility statement takes no parameters; the id was checked against its format when exported.
    driver.execute(f"set transaction snapshot '{exported}'")


def walk_chains(
    main: psycopg.Connection[Any],
    plans: Sequence[ChainPlan],
    connect: Callable[[], psycopg.Connection[Any]],
    workers: int,
) -> Iterator[ChainWalker]:
    """Every chain's walker, in ``plans`` order. With ``workers`` > 1, ``main`` (in a repeatable read
    transaction) exports its snapshot and ``workers - 1`` more connections from ``connect`` import it, so
    every segment is read as of the same instant; ``main`` walks segments too."""
    tasks = _tasks(plans, workers)
    pending: queue.SimpleQueue[_Task] = queue.SimpleQueue()
    for task in tasks:
        pending.put(task)
    done: dict[tuple[int, int], ChainWalker] = {}
    errors: list[BaseException] = []

    def work(driver: psycopg.Connection[Any]) -> None:
        while not errors:
            try:
                task = pending.get_nowait()
            except queue.Empty:
                return
            for (index, k, _), walker in zip(task, _run(driver, task, plans), strict=True):
                done[index, k] = walker

    def helper(exported: str) -> None:
        try:
            with connect() as driver:
                _import_snapshot(driver, exported)
                work(driver)
                driver.rollback()
        except BaseException as exc:  # handed to the caller's thread, which raises it
            errors.append(exc)

    threads: list[threading.Thread] = []
    if workers > 1 and len(tasks) > 1:
        exported = snapshot_id(main)
        threads = [threading.Thread(target=helper, args=(exported,), daemon=True)
                   for _ in range(min(workers, len(tasks)) - 1)]
    for thread in threads:
        thread.start()
    try:
        work(main)
    except BaseException as exc:
        errors.append(exc)
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    for index, plan in enumerate(plans):
        walker = ChainWalker(plan.tenant_id, plan.wanted, plan.start)
        for k in range(len(plan.segments)):
            walker.join(done.pop((index, k)))
        yield walker
