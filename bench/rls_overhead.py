"""Row-level-security overhead on representative inbox queries.

Seeds N tenants x M conversations (each with its own contact) in the embedded PostgreSQL, then times
the same queries three ways, interleaved in random order over the same tenants:

* ``rls``          -- as engium_app, tenant bound with set_config(..., true), no tenant filter in SQL
                      (the policy alone scopes the query, as the application relies on);
* ``rls_explicit`` -- as engium_app with the binding *and* an explicit ``WHERE tenant_id = $1``;
* ``baseline``     -- as a throw-away BYPASSRLS role with only an explicit ``WHERE tenant_id = $1``
                      (RLS off: the cost of tenancy by convention).

Latency is client-observed, per statement (``query``), plus the whole transaction (``txn``:
BEGIN, the tenant binding where RLS needs it, the query, COMMIT). The headline is the p95 ratio
rls/baseline of the statement latency; the target is <= 1.05.

Usage:
    .venv/bin/python bench/rls_overhead.py                # 1,000 tenants x 1,000 conversations
    .venv/bin/python bench/rls_overhead.py --quick        # 100 x 200, fewer iterations
    .venv/bin/python bench/rls_overhead.py --data-dir /var/tmp/engium-bench   # reuse a seeded dir
"""

from __future__ import annotations

import argparse
import gc
import random
import secrets
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from benchlib import (
    emit,
    libpq_url,
    log,
    machine_info,
    setup_logging,
    summarize_ms,
    superuser_url,
)
from engium.kit.database import Database

TENANT_PREFIX = "bench-rls-"
BYPASS_ROLE = "engium_bench_bypass"
# The app engine runs with plan_cache_mode=force_custom_plan (see engium.kit.database); every variant
# gets the same connection options, so the comparison isolates the policy.
DEFAULT_PLAN_CACHE_MODE = "force_custom_plan"

COLUMNS = "id, contact_id, channel, status, subject, last_message_at"

# name -> (statement relying on RLS alone, statement with explicit tenant filter)
QUERIES: dict[str, tuple[str, str]] = {
    "list_recent_50": (
        f"select {COLUMNS} from conversations order by last_message_at desc, id desc limit 50",
        f"select {COLUMNS} from conversations where tenant_id = %(t)s "
        "order by last_message_at desc, id desc limit 50",
    ),
    "get_by_id": (
        f"select {COLUMNS} from conversations where id = %(c)s",
        f"select {COLUMNS} from conversations where tenant_id = %(t)s and id = %(c)s",
    ),
    "count_open": (
        "select count(*) from conversations where status = 'open'",
        "select count(*) from conversations where tenant_id = %(t)s and status = 'open'",
    ),
}
VARIANTS = ("rls", "rls_explicit", "baseline")


@dataclass(frozen=True)
class Sizes:
    tenants: int
    conversations: int
    iterations: int
    sample_tenants: int


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, help="embedded PostgreSQL data dir (default: a fresh temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the temp data dir (default: removed)")
    parser.add_argument("--quick", action="store_true", help="CI size: 100 tenants x 200 conversations")
    parser.add_argument("--tenants", type=int, help="tenants to seed (default 1000; quick 100)")
    parser.add_argument("--conversations", type=int, help="conversations per tenant (default 1000; quick 200)")
    parser.add_argument("--iterations", type=int, help="timed runs per query per variant (default 2000; quick 1000)")
    parser.add_argument("--sample-tenants", type=int, default=200, help="distinct tenants queried")
    parser.add_argument(
        "--plan-cache-mode",
        choices=("force_custom_plan", "auto", "force_generic_plan"),
        default=DEFAULT_PLAN_CACHE_MODE,
        help="plan_cache_mode for all three connections (default: what the app engine uses)",
    )
    parser.add_argument("--seed-only", action="store_true", help="seed (or verify the seed) and exit")
    parser.add_argument("--seed", type=int, default=1, help="random seed for the run order")
    parser.add_argument("--verbose", action="store_true")
    return parser.parse_args()


def sizes_from(args: argparse.Namespace) -> Sizes:
    quick = bool(args.quick)
    return Sizes(
        tenants=args.tenants or (100 if quick else 1000),
        conversations=args.conversations or (200 if quick else 1000),
        iterations=args.iterations or (1000 if quick else 2000),
        sample_tenants=args.sample_tenants,
    )


# ---------------------------------------------------------------------------------------------- seeding

SEED_TENANTS = """
insert into tenants (id, name)
select gen_random_uuid(), %(prefix)s || lpad(g::text, 6, '0')
  from generate_series(%(first)s::int, %(last)s::int) g
"""

SEED_CONTACTS = """
insert into contacts (tenant_id, id, name, email, created_at, updated_at)
select t.id, gen_random_uuid(), 'Contact ' || g, 'contact' || g || '@example.com', ts, ts
  from tenants t
 cross join generate_series(1, %(per_tenant)s::int) g
 cross join lateral (select now() - random() * interval '365 days' + g * interval '0 s' as ts) x
 where t.name >= %(lo)s and t.name <= %(hi)s
"""

SEED_CONVERSATIONS = """
insert into conversations
       (tenant_id, id, contact_id, channel, status, subject, created_at, updated_at, last_message_at)
select c.tenant_id, gen_random_uuid(), c.id,
       (array['web', 'sms', 'whatsapp', 'email'])[1 + floor(random() * 4)::int],
       (array['open', 'open', 'pending', 'escalated', 'resolved', 'resolved', 'resolved',
              'resolved'])[1 + floor(random() * 8)::int],
       'Question from ' || c.name, c.created_at, lm, lm
  from contacts c
  join tenants t on t.id = c.tenant_id
 cross join lateral (select c.created_at + random() * (now() - c.created_at) as lm) x
 where t.name >= %(lo)s and t.name <= %(hi)s
"""


def tenant_name(n: int) -> str:
    return f"{TENANT_PREFIX}{n:06d}"


def seeded_sizes(su: psycopg.Connection[Any]) -> tuple[int, int]:
    row = su.execute(
        "select count(*), coalesce((select count(*) from conversations v join tenants t on t.id = v.tenant_id "
        "where t.name like %(p)s), 0) from tenants where name like %(p)s",
        {"p": TENANT_PREFIX + "%"},
    ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def seed(su: psycopg.Connection[Any], sizes: Sizes) -> dict[str, float]:
    """Bulk load as the superuser (it is exempt from RLS, even FORCEd RLS; see the report note)."""
    have_tenants, have_conversations = seeded_sizes(su)
    if have_tenants == sizes.tenants and have_conversations == sizes.tenants * sizes.conversations:
        log.info("reusing %s seeded tenants / %s conversations", have_tenants, have_conversations)
        return {"seed_s": 0.0, "analyze_s": 0.0, "reused": 1.0}
    if have_tenants:
        log.info("removing a differently sized earlier seed (%s tenants)", have_tenants)
        su.execute("delete from tenants where name like %(p)s", {"p": TENANT_PREFIX + "%"})
        su.commit()

    started = time.perf_counter()
    seed_tenant_range(su, 1, sizes.tenants, sizes.conversations)
    seed_s = time.perf_counter() - started
    analyze_s = vacuum_analyze(su)
    log.info("seed %.1fs, vacuum analyze %.1fs", seed_s, analyze_s)
    return {"seed_s": round(seed_s, 2), "analyze_s": round(analyze_s, 2), "reused": 0.0}


def seed_tenant_range(su: psycopg.Connection[Any], first: int, last: int, conversations: int) -> None:
    """Tenants ``first``..``last`` (by number, see :func:`tenant_name`), each with ``conversations``
    conversations and a contact per conversation, in batches of at most ~200,000 rows per transaction."""
    started = time.perf_counter()
    su.execute("set synchronous_commit = off")
    batch = max(1, min(100, 200_000 // max(1, conversations)))
    for lo in range(first, last + 1, batch):
        hi = min(last, lo + batch - 1)
        bounds = {"lo": tenant_name(lo), "hi": tenant_name(hi)}
        su.execute(SEED_TENANTS, {"prefix": TENANT_PREFIX, "first": lo, "last": hi})
        su.execute(SEED_CONTACTS, {**bounds, "per_tenant": conversations})
        su.execute(SEED_CONVERSATIONS, bounds)
        su.commit()
        elapsed = time.perf_counter() - started
        log.info("seeded tenants %s..%s (%.1fs, %.0f conversations/s)", lo, hi, elapsed,
                 (hi - first + 1) * conversations / elapsed)


def vacuum_analyze(su: psycopg.Connection[Any]) -> float:
    """Vacuums and analyzes the seeded tables (visibility map and statistics as in steady state); seconds."""
    started = time.perf_counter()
    su.autocommit = True
    try:
        su.execute("vacuum (analyze) tenants, contacts, conversations")
    finally:
        su.autocommit = False
    return time.perf_counter() - started


def table_sizes(su: psycopg.Connection[Any]) -> dict[str, str]:
    rows = su.execute(
        "select relname, pg_size_pretty(pg_total_relation_size(oid)) from pg_class "
        "where relname in ('contacts', 'conversations') order by relname"
    ).fetchall()
    return {str(r[0]): str(r[1]) for r in rows}


# ------------------------------------------------------------------------------------- bypass role


def create_bypass_role(su: psycopg.Connection[Any]) -> str:
    """A role with BYPASSRLS and read access only: the honest 'RLS off' baseline."""
    password = secrets.token_urlsafe(24)
    su.autocommit = True
    try:
        drop_bypass_role(su)
        su.execute(
            sql.SQL("create role {} login nosuperuser nocreatedb nocreaterole bypassrls noinherit password {}").format(
                sql.Identifier(BYPASS_ROLE), sql.Literal(password)
            )
        )
        su.execute(sql.SQL("grant connect on database engium to {}").format(sql.Identifier(BYPASS_ROLE)))
        su.execute(sql.SQL("grant usage on schema public to {}").format(sql.Identifier(BYPASS_ROLE)))
        su.execute(
            sql.SQL("grant select on tenants, contacts, conversations to {}").format(sql.Identifier(BYPASS_ROLE))
        )
    finally:
        su.autocommit = False
    return password


def drop_bypass_role(su: psycopg.Connection[Any]) -> None:
    exists = su.execute("select 1 from pg_roles where rolname = %s", (BYPASS_ROLE,)).fetchone()
    if exists:
        su.execute(sql.SQL("drop owned by {}").format(sql.Identifier(BYPASS_ROLE)))
        su.execute(sql.SQL("drop role {}").format(sql.Identifier(BYPASS_ROLE)))


# ------------------------------------------------------------------------------------------ timing


@dataclass(frozen=True)
class Task:
    query: str
    variant: str
    tenant: uuid.UUID
    conversation: uuid.UUID


def pick_targets(su: psycopg.Connection[Any], count: int) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Random bench tenants and, for each, a few random conversation ids."""
    rows = su.execute(
        """
        select t.id, array(select v.id from conversations v where v.tenant_id = t.id
                            order by random() limit 8)
          from tenants t where t.name like %(p)s order by random() limit %(n)s
        """,
        {"p": TENANT_PREFIX + "%", "n": count},
    ).fetchall()
    su.rollback()
    return {row[0]: list(row[1]) for row in rows}


def run_bound(
    conn: psycopg.Connection[Any], statement: str, params: dict[str, Any], tenant: uuid.UUID | None
) -> tuple[int, int, int]:
    """One transaction: the tenant binding (unless ``tenant`` is None), the statement, COMMIT.
    Returns (statement ns, transaction ns, rows)."""
    t0 = time.perf_counter_ns()
    with conn.transaction():
        if tenant is not None:
            conn.execute(
                "select set_config('engium.tenant_id', %s, true), set_config('engium.user_id', '', true)",
                (str(tenant),),
            )
        q0 = time.perf_counter_ns()
        rows = conn.execute(statement, params).fetchall()
        q1 = time.perf_counter_ns()
    t1 = time.perf_counter_ns()
    return q1 - q0, t1 - t0, len(rows)


def run_one(
    conn: psycopg.Connection[Any], statement: str, task: Task, bind: bool
) -> tuple[int, int, int]:
    """Returns (statement ns, transaction ns, rows)."""
    params = {"t": task.tenant, "c": task.conversation}
    return run_bound(conn, statement, params, task.tenant if bind else None)


def explain_bound(
    conn: psycopg.Connection[Any], statement: str, params: dict[str, Any], tenant: uuid.UUID | None,
    options: str = "costs off",
) -> list[str]:
    with conn.transaction():
        if tenant is not None:
            conn.execute("select set_config('engium.tenant_id', %s, true)", (str(tenant),))
        rows = conn.execute(f"explain ({options}) " + statement, params).fetchall()
    return [str(r[0]) for r in rows]


def explain(conn: psycopg.Connection[Any], statement: str, task: Task, bind: bool) -> list[str]:
    params = {"t": task.tenant, "c": task.conversation}
    return explain_bound(conn, statement, params, task.tenant if bind else None)


def measure(
    connections: dict[str, psycopg.Connection[Any]],
    targets: dict[uuid.UUID, list[uuid.UUID]],
    iterations: int,
    rng: random.Random,
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    tenants = list(targets)

    def statement_for(query: str, variant: str) -> tuple[str, bool]:
        implicit, explicit = QUERIES[query]
        if variant == "rls":
            return implicit, True
        if variant == "rls_explicit":
            return explicit, True
        return explicit, False

    def make_tasks(n: int) -> list[Task]:
        tasks: list[Task] = []
        for _ in range(n):
            tenant = rng.choice(tenants)
            conversation = rng.choice(targets[tenant])
            # The same tenant/row for every variant of a query: the variants see identical work.
            for query in QUERIES:
                for variant in VARIANTS:
                    tasks.append(Task(query, variant, tenant, conversation))
        rng.shuffle(tasks)
        return tasks

    plans: dict[str, list[str]] = {}
    probe = make_tasks(1)[0]
    for query in QUERIES:
        for variant in VARIANTS:
            statement, bind = statement_for(query, variant)
            plans[f"{query}/{variant}"] = explain(connections[variant], statement, probe, bind)

    # Warm-up: every sampled tenant's rows into shared buffers through every variant (so no variant
    # pays the first, cold visit), then enough extra runs for psycopg to prepare the statements
    # (it prepares after 5 executions).
    warm = [Task(q, v, t, targets[t][0]) for t in tenants for q in QUERIES for v in VARIANTS]
    warm += make_tasks(max(20, iterations // 10))
    for task in warm:
        statement, bind = statement_for(task.query, task.variant)
        run_one(connections[task.variant], statement, task, bind)

    samples: dict[tuple[str, str], tuple[list[int], list[int]]] = {
        (q, v): ([], []) for q in QUERIES for v in VARIANTS
    }
    row_counts: dict[tuple[str, str], set[int]] = {(q, v): set() for q in QUERIES for v in VARIANTS}
    tasks = make_tasks(iterations)
    started = time.perf_counter()
    gc.collect()
    gc.disable()  # collector pauses would land on whichever variant happens to be running
    try:
        _run_all(tasks, connections, statement_for, samples, row_counts)
    finally:
        gc.enable()
    log.info("timed %s statements in %.1fs", len(tasks), time.perf_counter() - started)


    results: dict[str, Any] = {}
    for query in QUERIES:
        per_variant: dict[str, Any] = {}
        for variant in VARIANTS:
            stmt, txn = samples[(query, variant)]
            per_variant[variant] = {"query": summarize_ms(stmt), "txn": summarize_ms(txn)}
        base_q, base_t = per_variant["baseline"]["query"], per_variant["baseline"]["txn"]
        for variant in ("rls", "rls_explicit"):
            mine_q, mine_t = per_variant[variant]["query"], per_variant[variant]["txn"]
            per_variant[f"{variant}_vs_baseline"] = {
                "query_p50_ratio": round(mine_q["p50_ms"] / base_q["p50_ms"], 4),
                "query_p95_ratio": round(mine_q["p95_ms"] / base_q["p95_ms"], 4),
                "txn_p50_ratio": round(mine_t["p50_ms"] / base_t["p50_ms"], 4),
                "txn_p95_ratio": round(mine_t["p95_ms"] / base_t["p95_ms"], 4),
            }
        results[query] = per_variant
    # A correctness guard: the RLS-scoped and explicitly-filtered statements must agree on row counts
    # per task kind (list=50, get=1). count_open returns one row either way.
    for query in QUERIES:
        counts = {v: sorted(row_counts[(query, v)]) for v in VARIANTS}
        if len({tuple(c) for c in counts.values()}) != 1:
            log.warning("row counts differ between variants for %s: %s", query, counts)
    return results, plans


def _run_all(
    tasks: list[Task],
    connections: dict[str, psycopg.Connection[Any]],
    statement_for: Callable[[str, str], tuple[str, bool]],
    samples: dict[tuple[str, str], tuple[list[int], list[int]]],
    row_counts: dict[tuple[str, str], set[int]],
) -> None:
    for task in tasks:
        statement, bind = statement_for(task.query, task.variant)
        q_ns, t_ns, nrows = run_one(connections[task.variant], statement, task, bind)
        stmt, txn = samples[(task.query, task.variant)]
        stmt.append(q_ns)
        txn.append(t_ns)
        row_counts[(task.query, task.variant)].add(nrows)


def connect(url: str, plan_cache_mode: str) -> psycopg.Connection[Any]:
    return psycopg.connect(url, options=f"-c plan_cache_mode={plan_cache_mode}")


def main() -> None:
    args = parse_args()
    setup_logging(args.verbose)
    sizes = sizes_from(args)
    rng = random.Random(args.seed)

    temp_dir: Path | None = None
    data_dir: Path = args.data_dir
    if data_dir is None:
        temp_dir = Path(tempfile.mkdtemp(prefix="engium-bench-rls-"))
        data_dir = temp_dir
    log.info("data dir %s; sizes %s", data_dir, sizes)

    database = Database.open(app_url=None, owner_url=None, data_dir=data_dir, pool_size=1)
    try:
        database.migrate()
        su_url = superuser_url(database)
        with psycopg.connect(su_url) as su:
            seeding = seed(su, sizes)
            sizes_on_disk = table_sizes(su)
            su.rollback()
            if args.seed_only:
                emit({"benchmark": "rls_overhead", "seed_only": True, **seeding, "table_sizes": sizes_on_disk})
                return
            password = create_bypass_role(su)
            bypass_url = (
                make_url(su_url).set(username=BYPASS_ROLE, password=password).render_as_string(hide_password=False)
            )
            targets = pick_targets(su, sizes.sample_tenants)
            server_version = str(su.execute("show server_version").fetchone()[0])  # type: ignore[index]
            su.rollback()
            try:
                app_url = libpq_url(database.urls.app)
                mode = args.plan_cache_mode
                connections = {
                    "rls": connect(app_url, mode),
                    "rls_explicit": connect(app_url, mode),
                    "baseline": connect(bypass_url, mode),
                }
                try:
                    results, plans = measure(connections, targets, sizes.iterations, rng)
                finally:
                    for conn in connections.values():
                        conn.close()
            finally:
                su.rollback()
                su.autocommit = True
                drop_bypass_role(su)
        for name, lines in plans.items():
            log.info("plan %s:\n  %s", name, "\n  ".join(lines))

        worst = max(results[q]["rls_vs_baseline"]["query_p95_ratio"] for q in QUERIES)
        emit(
            {
                "benchmark": "rls_overhead",
                "quick": bool(args.quick),
                "tenants": sizes.tenants,
                "conversations_per_tenant": sizes.conversations,
                "conversations_total": sizes.tenants * sizes.conversations,
                "iterations_per_query_variant": sizes.iterations,
                "plan_cache_mode": args.plan_cache_mode,
                "sampled_tenants": len(targets),
                "postgres": server_version,
                "table_sizes": sizes_on_disk,
                **seeding,
                "results": results,
                "plans": {k: [line.strip() for line in v] for k, v in plans.items()},
                "headline": {
                    "metric": "statement p95, rls / baseline (BYPASSRLS + explicit WHERE tenant_id)",
                    "worst_query_p95_ratio": worst,
                    "target_ratio": 1.05,
                    "meets_target": worst <= 1.05,
                },
                "machine": machine_info(),
            }
        )
    finally:
        database.close()
        if temp_dir is not None and not args.keep:
            shutil.rmtree(temp_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
