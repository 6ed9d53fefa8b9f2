"""Curves, not points: how the cost of the hot reads and of audit verification grows as the work grows.

Five curves, each measured with the other benchmarks' own seeding and timing (nothing re-implemented here),
each family in its own fresh embedded PostgreSQL:

* ``inbox_tenants``: the authenticated conversation list (the API's statement,
  ``conversations.repository.conversation_page_sql``, first page of 50) as ``engium_app`` under forced RLS,
  as tenants grow 10 -> 10,000 (100 conversations each); seeding and timing from ``rls_overhead.py``;
* ``inbox_conversations``: the same read for one tenant whose conversations grow 1,000 -> 1,000,000;
* ``search``: message search (``search.py``'s statement, seeding and kinds of query) as one tenant's
  messages grow 1,000 -> 1,000,000 (each size its own tenant; the GIN index is rebuilt over all of them);
* ``retrieval``: ``retrieve()`` p50/p99 and recall@10 (``retrieval.py``'s synthetic clustered chunks, COPY
  load, HNSW build through the maintenance path from 10,000 chunks) as chunks per tenant grow 1,000 -> 100,000;
* ``audit``: ``verify_database`` (the real verifier, after a real seal: ``audit.py``'s verify phase) as one
  chain grows 10,000 -> 10,000,000 events. The chain is bulk-loaded by COPY with every hash computed by
  ``engium.audit.chain.event_hash`` over the canonical fields; a single wrong byte would fail verification.

Writes the JSON (also printed on stdout) and one PNG chart per curve (``scaling_charts.py``).

Usage:
    .venv/bin/python bench/scaling.py --quick                    # small sizes, ~3 min; output in $TMPDIR
    OMP_NUM_THREADS=1 .venv/bin/python bench/scaling.py          # full sizes into docs/perf/ (~40 min, 2 cores)
    .venv/bin/python bench/scaling.py --curves audit --max-audit-events 1000000 --merge
    .venv/bin/python bench/scaling.py --charts-from docs/perf/scaling.json   # redraw the PNGs only
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import random
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

import audit as audit_bench
import retrieval as retrieval_bench
import rls_overhead
import search as search_bench
from benchlib import default_tmp_root, emit, libpq_url, log, machine_info, setup_logging, summarize_ms, superuser_url
from engium.audit.chain import FORMAT, GENESIS, event_hash
from engium.config import Settings
from engium.conversations.repository import conversation_page_params, conversation_page_sql
from engium.kit.database import Database
from scaling_charts import draw_charts

CURVES = ("inbox_tenants", "inbox_conversations", "search", "retrieval", "audit")
DOCS_PERF = Path(__file__).resolve().parents[1] / "docs" / "perf"
# The API's first page: the statement GET /api/v1/conversations runs (limit + 1 rows: is there a next page).
LIST_PARAMS = conversation_page_params(cursor=None, limit=50)
LIST_SQL, _LIST_COLUMNS = conversation_page_sql(LIST_PARAMS)
# Tenants of the one-big-tenant curve are numbered past any tenants-curve size (rls_overhead.tenant_name).
BIG_TENANT_BASE = 900_000
SAMPLE_TENANTS = 200
AUDIT_DETAILS = '{"amount": 42}'  # jsonb's own text form of it, as audit_event_fields renders it
AUDIT_COPY = (
    "copy audit_events (tenant_id, seq, occurred_at, actor_kind, actor_id, ip, user_agent, request_id, action, "
    "resource_type, resource_id, outcome, details, prev_hash, hash) from stdin"
)


@dataclass(frozen=True)
class Sizes:
    tenants: list[int]
    conversations_per_tenant: int
    conversations: list[int]
    messages: list[int]
    chunks: list[int]
    audit_events: list[int]
    iterations: int  # timed list reads per point
    search_runs: int  # timed searches per kind of query per point
    retrieval_queries: int


FULL = Sizes(
    tenants=[10, 30, 100, 300, 1_000, 3_000, 10_000],
    conversations_per_tenant=100,
    conversations=[1_000, 3_000, 10_000, 30_000, 100_000, 300_000, 1_000_000],
    messages=[1_000, 10_000, 100_000, 300_000, 1_000_000],
    chunks=[1_000, 3_000, 10_000, 30_000, 100_000],
    audit_events=[10_000, 100_000, 1_000_000, 3_000_000, 10_000_000],
    iterations=1_000,
    search_runs=60,
    retrieval_queries=100,
)
QUICK = Sizes(
    tenants=[10, 30, 100],
    conversations_per_tenant=20,
    conversations=[1_000, 3_000, 10_000],
    messages=[1_000, 10_000],
    chunks=[1_000, 3_000],
    audit_events=[10_000, 30_000],
    iterations=200,
    search_runs=10,
    retrieval_queries=20,
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes (a few minutes), output in $TMPDIR")
    parser.add_argument("--curves", default=",".join(CURVES), help=f"comma-separated subset of {','.join(CURVES)}")
    parser.add_argument("--max-tenants", type=int, help="cap of the inbox tenants curve")
    parser.add_argument("--max-conversations", type=int, help="cap of the one-tenant inbox curve")
    parser.add_argument("--max-messages", type=int, help="cap of the search curve (messages in the tenant)")
    parser.add_argument("--max-chunks", type=int, help="cap of the retrieval curve (chunks per tenant)")
    parser.add_argument("--max-audit-events", type=int, help="cap of the audit curve (events in the chain)")
    parser.add_argument("--iterations", type=int, help="timed list reads per inbox round (default 1000; quick 200)")
    parser.add_argument("--search-runs", type=int, help="timed searches per kind of query (default 60; quick 10)")
    parser.add_argument("--retrieval-queries", type=int, help="timed retrieve() per size (default 100; quick 20)")
    parser.add_argument("--out-dir", type=Path, help="where the JSON and PNGs go (default docs/perf; quick: $TMPDIR)")
    parser.add_argument("--merge", action="store_true", help="keep the other curves of an existing scaling.json")
    parser.add_argument("--charts-from", type=Path, help="only redraw the charts from this scaling.json")
    parser.add_argument("--tmp-root", type=Path, help="where the embedded databases live while measuring")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--verbose", action="store_true")
    return parser.parse_args()


def sizes_from(args: argparse.Namespace) -> Sizes:
    base = QUICK if args.quick else FULL

    def capped(values: list[int], cap: int | None) -> list[int]:
        return [v for v in values if cap is None or v <= cap] or values[:1]

    return Sizes(
        tenants=capped(base.tenants, args.max_tenants),
        conversations_per_tenant=base.conversations_per_tenant,
        conversations=capped(base.conversations, args.max_conversations),
        messages=capped(base.messages, args.max_messages),
        chunks=capped(base.chunks, args.max_chunks),
        audit_events=capped(base.audit_events, args.max_audit_events),
        iterations=args.iterations or base.iterations,
        search_runs=args.search_runs or base.search_runs,
        retrieval_queries=args.retrieval_queries or base.retrieval_queries,
    )


@contextmanager
def fresh_database(root: Path, name: str) -> Iterator[tuple[Database, Path]]:
    """A migrated embedded PostgreSQL of its own for one curve family, removed afterwards."""
    data_dir = Path(tempfile.mkdtemp(prefix=f"engium-bench-scaling-{name}-", dir=root))
    database = Database.open(app_url=None, owner_url=None, data_dir=data_dir, pool_size=2)
    try:
        database.migrate()
        yield database, data_dir
    finally:
        database.close()
        shutil.rmtree(data_dir, ignore_errors=True)


def log_log_slopes(xs: list[float], ys: list[float]) -> list[float | None]:
    """d log(y) / d log(x) per segment: 0 = flat, 1 = linear in the size; where it changes, the curve bends."""
    slopes: list[float | None] = []
    for (x0, y0), (x1, y1) in zip(zip(xs, ys, strict=True), zip(xs[1:], ys[1:], strict=True), strict=False):
        ok = min(x0, x1, y0, y1) > 0 and x0 != x1
        slopes.append(round(math.log(y1 / y0) / math.log(x1 / x0), 3) if ok else None)
    return slopes


# ------------------------------------------------------------------------------------------------- inbox


def time_list_reads(
    app: psycopg.Connection[Any], tenants: list[uuid.UUID], iterations: int, rng: random.Random, rounds: int = 3
) -> dict[str, Any]:
    """The API's first page in a tenant-bound transaction (rls_overhead.run_bound), over ``tenants``:
    ``rounds`` rounds of ``iterations`` reads, and the round with the median p99 reported. On a machine
    shared with other work one round's p99 (its 10 slowest of 1,000) is often another process's time slice;
    the median round is the curve's point, every round's p99 is kept beside it."""
    for tenant in tenants:  # every sampled tenant's page once into the buffer cache, as rls_overhead does
        rls_overhead.run_bound(app, LIST_SQL, LIST_PARAMS, tenant)
    for _ in range(20):  # past psycopg's automatic prepare (after 5 executions)
        rls_overhead.run_bound(app, LIST_SQL, LIST_PARAMS, rng.choice(tenants))
    measured = sorted((_list_round(app, tenants, iterations, rng) for _ in range(rounds)),
                      key=lambda r: float(r["query"]["p99_ms"]))
    return {**measured[len(measured) // 2], "rounds_p99_ms": [r["query"]["p99_ms"] for r in measured]}


def _list_round(
    app: psycopg.Connection[Any], tenants: list[uuid.UUID], iterations: int, rng: random.Random
) -> dict[str, Any]:
    statement_ns: list[int] = []
    txn_ns: list[int] = []
    rows: set[int] = set()
    gc.collect()
    gc.disable()
    try:
        for _ in range(iterations):
            q_ns, t_ns, n = rls_overhead.run_bound(app, LIST_SQL, LIST_PARAMS, rng.choice(tenants))
            statement_ns.append(q_ns)
            txn_ns.append(t_ns)
            rows.add(n)
    finally:
        gc.enable()
    return {"query": summarize_ms(statement_ns), "txn": summarize_ms(txn_ns), "rows_per_page": sorted(rows)}


def tenant_ids(su: psycopg.Connection[Any], first: int, last: int, limit: int) -> list[uuid.UUID]:
    rows = su.execute(
        "select id from tenants where name between %s and %s order by random() limit %s",
        (rls_overhead.tenant_name(first), rls_overhead.tenant_name(last), limit),
    ).fetchall()
    su.rollback()
    return [row[0] for row in rows]


def inbox_curves(root: Path, sizes: Sizes, wanted: set[str], rng: random.Random) -> dict[str, Any]:
    curves: dict[str, Any] = {}
    with fresh_database(root, "inbox") as (database, _), psycopg.connect(superuser_url(database)) as su:
        app = rls_overhead.connect(libpq_url(database.urls.app), rls_overhead.DEFAULT_PLAN_CACHE_MODE)
        try:
            if "inbox_tenants" in wanted:
                curves["inbox_tenants"] = _tenants_curve(su, app, sizes, rng)
            if "inbox_conversations" in wanted:
                curves["inbox_conversations"] = _conversations_curve(su, app, sizes, rng)
        finally:
            app.close()
    return curves


def _tenants_curve(
    su: psycopg.Connection[Any], app: psycopg.Connection[Any], sizes: Sizes, rng: random.Random
) -> dict[str, Any]:
    per_tenant = sizes.conversations_per_tenant
    points: list[dict[str, Any]] = []
    seeded = 0
    for count in sizes.tenants:
        started = time.perf_counter()
        rls_overhead.seed_tenant_range(su, seeded + 1, count, per_tenant)
        seed_s = time.perf_counter() - started
        analyze_s = rls_overhead.vacuum_analyze(su)
        seeded = count
        sample = tenant_ids(su, 1, count, SAMPLE_TENANTS)
        timing = time_list_reads(app, sample, sizes.iterations, rng)
        points.append({
            "tenants": count, "conversations_total": count * per_tenant, "sampled_tenants": len(sample),
            "seed_s": round(seed_s, 1), "vacuum_analyze_s": round(analyze_s, 1), **timing,
            "table_sizes": rls_overhead.table_sizes(su),
            "plan": rls_overhead.explain_bound(app, LIST_SQL, LIST_PARAMS, sample[0]),
        })
        su.rollback()
        log.info("inbox, %s tenants: p50 %.3f ms, p99 %.3f ms", count, timing["query"]["p50_ms"],
                 timing["query"]["p99_ms"])
    return {"conversations_per_tenant": per_tenant, "points": points,
            "p99_log_log_slopes": log_log_slopes([float(p["tenants"]) for p in points],
                                                 [p["query"]["p99_ms"] for p in points])}


def _conversations_curve(
    su: psycopg.Connection[Any], app: psycopg.Connection[Any], sizes: Sizes, rng: random.Random
) -> dict[str, Any]:
    points: list[dict[str, Any]] = []
    for index, count in enumerate(sizes.conversations):
        number = BIG_TENANT_BASE + index
        started = time.perf_counter()
        rls_overhead.seed_tenant_range(su, number, number, count)
        seed_s = time.perf_counter() - started
        analyze_s = rls_overhead.vacuum_analyze(su)
        tenant = tenant_ids(su, number, number, 1)
        timing = time_list_reads(app, tenant, sizes.iterations, rng)
        points.append({
            "conversations_in_tenant": count, "seed_s": round(seed_s, 1), "vacuum_analyze_s": round(analyze_s, 1),
            **timing, "table_sizes": rls_overhead.table_sizes(su),
            "plan": rls_overhead.explain_bound(app, LIST_SQL, LIST_PARAMS, tenant[0],
                                               "analyze, buffers, costs off, timing off, summary off"),
        })
        su.rollback()
        log.info("inbox, one tenant with %s conversations: p50 %.3f ms, p99 %.3f ms", count,
                 timing["query"]["p50_ms"], timing["query"]["p99_ms"])
    return {"points": points,
            "p99_log_log_slopes": log_log_slopes([float(p["conversations_in_tenant"]) for p in points],
                                                 [p["query"]["p99_ms"] for p in points])}


# ------------------------------------------------------------------------------------------------ search


def search_curve(root: Path, sizes: Sizes, rng: random.Random) -> dict[str, Any]:
    points: list[dict[str, Any]] = []
    with fresh_database(root, "search") as (database, _), psycopg.connect(superuser_url(database)) as su:
        for count in sizes.messages:
            prefix = f"{search_bench.TENANT_PREFIX}{count}-"
            seeding = search_bench.seed(su, count, 1, prefix)
            row = su.execute(
                "select t.id, (select count(*) from messages m where m.tenant_id = t.id) from tenants t "
                "where t.name like %s", (prefix + "%",)).fetchone()
            assert row is not None
            su.rollback()
            tenant, in_tenant = row[0], int(row[1])
            results, hits = search_bench.measure(database, [tenant], sizes.search_runs, 50, rng)
            points.append({
                "messages_in_tenant": in_tenant, "messages_in_database": seeding["messages"],
                "seed_s": seeding["seed_s"], "index_build_s": seeding["index_build_s"],
                "table_size": seeding["table_size"], "index_size": seeding["index_size"],
                "all": results.pop("all"), "kinds": results, "rows_on_first_page": hits,
            })
            log.info("search, %s messages in the tenant: p50 %.2f ms, p99 %.2f ms", in_tenant,
                     points[-1]["all"]["p50_ms"], points[-1]["all"]["p99_ms"])
    return {"kinds": [label for label, _ in search_bench.KINDS], "points": points,
            "p99_log_log_slopes": log_log_slopes([float(p["messages_in_tenant"]) for p in points],
                                                 [p["all"]["p99_ms"] for p in points])}


# --------------------------------------------------------------------------------------------- retrieval


def retrieval_curve(root: Path, sizes: Sizes, seed: int) -> dict[str, Any]:
    points: list[dict[str, Any]] = []
    texts = retrieval_bench.TextMaker(seed)
    with fresh_database(root, "retrieval") as (database, _), psycopg.connect(superuser_url(database)) as su:
        su.execute("set synchronous_commit = off")
        su.commit()
        for index, count in enumerate(sizes.chunks):
            # load_scenario seeds its generator with ord(name): one character per size.
            scenario = retrieval_bench.Scenario(chr(ord("a") + index), 1, count, 1, sizes.retrieval_queries)
            tenants, truths, loading = retrieval_bench.load_scenario(su, scenario, texts, seed)
            indexing = retrieval_bench.index_if_large(database, tenants, count)
            measured = retrieval_bench.measure(database, truths)
            measured.pop("recall_at_10_by_tenant")
            points.append({"chunks_per_tenant": count, "loading": loading, "indexing": indexing, **measured})
            log.info("retrieval, %s chunks: p50 %.2f ms, p99 %.2f ms, recall@10 %.3f", count,
                     measured["retrieve"]["p50_ms"], measured["retrieve"]["p99_ms"], measured["recall_at_10_min"])
    return {"hnsw_from_chunks": 10_000, "points": points,
            "p99_log_log_slopes": log_log_slopes([float(p["chunks_per_tenant"]) for p in points],
                                                 [p["retrieve"]["p99_ms"] for p in points])}


# ------------------------------------------------------------------------------------------------- audit


def extend_chain(
    su: psycopg.Connection[Any], tenant_id: uuid.UUID, after: tuple[int, bytes], count: int, base: datetime
) -> tuple[int, bytes]:
    """Appends events ``after[0] + 1``.. (``count`` of them) to one chain by COPY, each hashed over its canonical
    fields with the audit module's own ``event_hash``, and moves the chain's head; returns the new (seq, hash)."""
    tenant = str(tenant_id)
    seconds: dict[int, str] = {}  # the timestamp text up to the seconds, per second (one event per microsecond)
    last_seq, prev = after
    batch: list[str] = []
    with su.cursor() as cursor, cursor.copy(AUDIT_COPY) as copy:
        for seq in range(last_seq + 1, last_seq + count + 1):
            second = seconds.get(seq // 1_000_000)
            if second is None:
                second = (base + timedelta(seconds=seq // 1_000_000)).strftime("%Y-%m-%dT%H:%M:%S")
                seconds[seq // 1_000_000] = second
            seq_text = str(seq)
            fields = (FORMAT, tenant, seq_text, f"{second}.{seq % 1_000_000:06d}Z", "user", f"user-{seq % 32}",
                      "203.0.113.7", "bench/1.0", f"req-{seq_text}", "booking.created", "booking", seq_text,
                      "success", AUDIT_DETAILS)
            digest = event_hash(prev, fields)
            batch.append("\t".join(fields[1:]) + f"\t\\\\x{prev.hex()}\t\\\\x{digest.hex()}\n")
            prev = digest
            if len(batch) >= 20_000:
                copy.write("".join(batch))
                batch.clear()
        copy.write("".join(batch))
    last_seq += count
    su.execute(
        "insert into audit_heads (tenant_id, last_seq, last_hash) values (%s, %s, %s) on conflict (tenant_id) "
        "do update set last_seq = excluded.last_seq, last_hash = excluded.last_hash",
        (tenant_id, last_seq, prev),
    )
    su.commit()
    return last_seq, prev


def audit_curve(root: Path, sizes: Sizes) -> dict[str, Any]:
    points: list[dict[str, Any]] = []
    with fresh_database(root, "audit") as (database, data_dir), psycopg.connect(superuser_url(database)) as su:
        settings = Settings(data_dir=data_dir)
        su.execute("set synchronous_commit = off")
        tenant = uuid.uuid4()
        head = (0, GENESIS)
        # Whole seconds, in the past: every event is older than the checkpoint that seals it.
        base = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=6)
        for count in sizes.audit_events:
            started = time.perf_counter()
            head = extend_chain(su, tenant, head, count - head[0], base)
            load_s = time.perf_counter() - started
            started = time.perf_counter()
            su.autocommit = True
            su.execute("vacuum (analyze) audit_events")
            su.autocommit = False
            vacuum_s = time.perf_counter() - started
            size = su.execute("select pg_size_pretty(sum(pg_total_relation_size(c.oid))) from pg_inherits i "
                              "join pg_class c on c.oid = i.inhrelid where i.inhparent = 'audit_events'::regclass"
                              ).fetchone()
            su.rollback()
            verification = audit_bench.verify_phase(database, settings, 3 if count <= 3_000_000 else 1)
            best = max(verification["runs"], key=lambda r: r["events_per_second"] or 0)
            points.append({
                "events": count, "load_s": round(load_s, 1), "vacuum_analyze_s": round(vacuum_s, 1),
                "table_size": str(size[0]) if size else None, "verify_s": best["seconds"],
                "events_per_s": best["events_per_second"], "runs": verification["runs"],
            })
            log.info("audit, %s events: verified in %.2f s (%s events/s)", count, best["seconds"],
                     best["events_per_second"])
    return {"points": points,
            "seconds_log_log_slopes": log_log_slopes([float(p["events"]) for p in points],
                                                     [p["verify_s"] for p in points])}


# -------------------------------------------------------------------------------------------------- main


# curve -> (the field its size is in, the field its latency summary is in): the largest size is the headline.
HEADLINE_FIELDS: dict[str, tuple[str, str]] = {
    "inbox_tenants": ("tenants", "query"),
    "inbox_conversations": ("conversations_in_tenant", "query"),
    "search": ("messages_in_tenant", "all"),
    "retrieval": ("chunks_per_tenant", "retrieve"),
}


def headline(curves: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, (size, latency) in HEADLINE_FIELDS.items():
        if name in curves:
            point = curves[name]["points"][-1]
            found[name] = {size: point[size], "p50_ms": point[latency]["p50_ms"], "p99_ms": point[latency]["p99_ms"]}
    if "retrieval" in curves:
        found["retrieval"]["recall_at_10_min"] = curves["retrieval"]["points"][-1]["recall_at_10_min"]
    if "audit" in curves:
        point = curves["audit"]["points"][-1]
        found["audit"] = {key: point[key] for key in ("events", "verify_s", "events_per_s")}
    return found


def main() -> None:
    args = parse_args()
    setup_logging(args.verbose)
    out_dir: Path = args.out_dir or (default_tmp_root() / "engium-scaling-quick" if args.quick else DOCS_PERF)
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / "scaling.json"
    if args.charts_from:
        for path in draw_charts(json.loads(args.charts_from.read_text()), out_dir):
            log.info("wrote %s", path)
        return
    wanted = {c.strip() for c in args.curves.split(",") if c.strip()}
    unknown = wanted - set(CURVES)
    if unknown:
        raise SystemExit(f"unknown curve(s) {sorted(unknown)}; choose from {', '.join(CURVES)}")
    sizes = sizes_from(args)
    rng = random.Random(args.seed)
    root = args.tmp_root or default_tmp_root()
    curves: dict[str, Any] = {}
    if args.merge and json_path.exists():
        curves = dict(json.loads(json_path.read_text()).get("curves", {}))
    result: dict[str, Any] = {"benchmark": "scaling", "quick": bool(args.quick), "machine": machine_info()}

    def save() -> None:
        """After every curve: a run cut short still leaves what it measured."""
        result["curves"] = {name: curves[name] for name in CURVES if name in curves}
        result["headline"] = headline(curves)
        json_path.write_text(json.dumps(result, indent=1) + "\n")

    steps: list[tuple[set[str], Callable[[], dict[str, Any]]]] = [
        ({"inbox_tenants", "inbox_conversations"}, lambda: inbox_curves(root, sizes, wanted, rng)),
        ({"search"}, lambda: {"search": search_curve(root, sizes, rng)}),
        ({"retrieval"}, lambda: {"retrieval": retrieval_curve(root, sizes, args.seed)}),
        ({"audit"}, lambda: {"audit": audit_curve(root, sizes)}),
    ]
    for names, measure in steps:
        if names & wanted:
            started = time.perf_counter()
            curves.update(measure())
            log.info("%s measured in %.0f s", "/".join(sorted(names & wanted)), time.perf_counter() - started)
            save()
    result["charts"] = [path.name for path in draw_charts(result, out_dir)]
    save()
    emit(result)


if __name__ == "__main__":
    main()
