"""Full-text message search latency at scale: --messages (1,000,000) messages over --tenants (10) businesses.

Seeds with set-based SQL as the superuser (generate_series; the search index is dropped for the load and
rebuilt after, and its build time reported: what migration 0034 costs on a database of this size), then runs
the search statement the API runs (conversations/search.py: the GIN expression index, RLS, the joins, keyset
order and ts_headline of the page) as ``engium_app`` inside a tenant-bound transaction, for several kinds of
query, in random order over the tenants. Prints one JSON object: p50/p95/p99 per kind and overall.

    .venv/bin/python bench/search.py > search.json
    .venv/bin/python bench/search.py --quick        # 50,000 messages
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import emit, libpq_url, log, machine_info, setup_logging, summarize_ms
from engium.conversations.search import SearchFilters, search_statement
from engium.kit.database import Database
from engium.kit.pagination import PageRequest
from engium.tenancy.binding import tenant_transaction

TENANT_PREFIX = "bench-search-"
INDEX = "messages_body_search_idx"
# Real words at fixed ranks of a skewed vocabulary: rank decides how often a word occurs.
REAL_WORDS = ["appointment", "haircut", "colour", "price", "booking", "cancel", "tomorrow", "saturday", "kids",
              "balayage", "niños", "termin", "rendez-vous", "marcação", "refund"]
VOCABULARY = 5000
WORDS_PER_MESSAGE = 12
# Query kinds: (label, query text); the frequency follows from the word's rank (see seed()).
KINDS = [
    ("common_word", "appointment"),       # rank 0: in ~20% of messages
    ("frequent_word", "colour"),          # rank 2
    ("medium_word", "balayage"),          # rank ~200
    ("rare_word", "refund"),              # rank ~4,900
    ("two_words", "haircut saturday"),
    ("phrase", '"haircut price"'),
    ("either", "balayage or refund"),
    ("no_match", "zyxwvut"),
]
RANKS = {"appointment": 0, "haircut": 1, "colour": 2, "price": 3, "booking": 4, "cancel": 5, "tomorrow": 6,
         "saturday": 8, "kids": 12, "balayage": 200, "niños": 400, "termin": 600, "rendez-vous": 900,
         "marcação": 1500, "refund": 4900}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=None)
    parser.add_argument("--tenants", type=int, default=10)
    parser.add_argument("--queries", type=int, default=None, help="runs per kind")
    parser.add_argument("--limit", type=int, default=50, help="page size, as the API's default")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=15)
    return parser.parse_args()


SEED_VOCABULARY = """
create temporary table bench_vocabulary as
select g - 1 as rank, coalesce(r.word, 'w' || to_hex(g * 7919)) as word
  from generate_series(1, %(size)s::int) g
  left join (select * from jsonb_each_text(%(real)s::jsonb)) r(word, rank) on r.rank::int = g - 1
"""

SEED_TENANTS = """
insert into tenants (id, name) select gen_random_uuid(), %(prefix)s || g from generate_series(1, %(n)s::int) g
"""

SEED_CONTACTS = """
insert into contacts (tenant_id, id, name, email, created_at, updated_at)
select t.id, gen_random_uuid(), 'Customer ' || g, 'c' || g || '@' || t.name || '.example', now(), now()
  from tenants t cross join generate_series(1, %(per_tenant)s::int) g where t.name like %(like)s
"""

SEED_CONVERSATIONS = """
insert into conversations (tenant_id, id, contact_id, channel, status, subject, created_at, updated_at,
                           last_message_at)
select c.tenant_id, gen_random_uuid(), c.id, (array['web', 'sms', 'whatsapp', 'email'])[1 + (g %% 4)],
       'open', '', now(), now(), now()
  from contacts c join tenants t on t.id = c.tenant_id cross join generate_series(1, 2) g
 where t.name like %(like)s
"""

# Word ranks skewed towards the top (rank = size * u^3): a few words are in many messages, most in few.
SEED_MESSAGES = """
with vocabulary as (select array_agg(word order by rank) as words from bench_vocabulary)
insert into messages (tenant_id, id, conversation_id, direction, author_kind, body, created_at)
select v.tenant_id, gen_random_uuid(), v.id,
       case when g %% 2 = 0 then 'inbound' else 'outbound' end,
       case when g %% 2 = 0 then 'contact' else 'assistant' end,
       (select string_agg(vocabulary.words[1 + floor(%(size)s * power(random(), 3))::int + 0 * k], ' ')
          from generate_series(1, %(words)s::int) k where k > g * 0),
       now() - (random() * interval '365 days')
  from vocabulary,
       (select c.tenant_id, c.id from conversations c join tenants t on t.id = c.tenant_id
         where t.name like %(like)s) v
 cross join generate_series(1, %(per_conversation)s::int) g
"""


def seed(su: psycopg.Connection[Any], messages: int, tenants: int, prefix: str = TENANT_PREFIX) -> dict[str, Any]:
    """Seeds ``tenants`` businesses named ``prefix`` + number with ``messages`` messages between them
    (bench/scaling.py calls it once per size, each with its own prefix; the index covers them all)."""
    real = {word: rank for word, rank in RANKS.items()}
    started = time.perf_counter()
    su.execute("set synchronous_commit = off")
    su.execute("set maintenance_work_mem = '512MB'")
    su.execute(f"drop index if exists {INDEX}")
    su.execute("drop table if exists bench_vocabulary")
    su.execute(SEED_VOCABULARY, {"size": VOCABULARY, "real": psycopg.types.json.Jsonb(real)})
    su.execute(SEED_TENANTS, {"prefix": prefix, "n": tenants})
    contacts_per_tenant = max(1, messages // tenants // 40)  # 2 conversations each, 20 messages a conversation
    like = prefix + "%"
    su.execute(SEED_CONTACTS, {"per_tenant": contacts_per_tenant, "like": like})
    su.execute(SEED_CONVERSATIONS, {"like": like})
    conversations = su.execute(
        "select count(*) from conversations c join tenants t on t.id = c.tenant_id where t.name like %(like)s",
        {"like": like}).fetchone()[0]  # type: ignore[index]
    per_conversation = max(1, round(messages / conversations))
    log.info("seeding %s conversations x %s messages", conversations, per_conversation)
    su.execute(SEED_MESSAGES, {"words": WORDS_PER_MESSAGE, "size": VOCABULARY, "like": like,
                               "per_conversation": per_conversation})
    su.commit()
    seed_s = time.perf_counter() - started
    started = time.perf_counter()
    su.execute(f"create index {INDEX} on messages using gin (message_search_document(body))")
    su.commit()
    index_s = time.perf_counter() - started
    su.autocommit = True
    su.execute("vacuum (analyze) messages, conversations, contacts")
    su.autocommit = False
    total = su.execute("select count(*) from messages").fetchone()[0]  # type: ignore[index]
    sizes = su.execute(
        "select pg_size_pretty(pg_relation_size('messages')), pg_size_pretty(pg_relation_size(%(i)s::regclass))",
        {"i": INDEX}).fetchone()
    assert sizes is not None
    frequency = {
        word: su.execute("select count(*) from messages where message_search_document(body) @@ "
                         "websearch_to_tsquery('simple'::regconfig, %(q)s)", {"q": word}).fetchone()[0]  # type: ignore[index]
        for word in ("appointment", "colour", "balayage", "refund")
    }
    su.rollback()
    log.info("seeded %s messages in %.1fs; index built in %.1fs", total, seed_s, index_s)
    return {"messages": total, "conversations": conversations, "seed_s": round(seed_s, 1),
            "index_build_s": round(index_s, 1), "table_size": sizes[0], "index_size": sizes[1],
            "messages_matching_over_all_tenants": frequency}


def measure(database: Database, tenant_ids: list[uuid.UUID], runs: int, limit: int,
            rng: random.Random) -> tuple[dict[str, Any], dict[str, int]]:
    tasks = [(label, q, rng.choice(tenant_ids)) for label, q in KINDS for _ in range(runs)]
    rng.shuffle(tasks)
    samples: dict[str, list[int]] = {label: [] for label, _ in KINDS}
    hits: dict[str, int] = {label: 0 for label, _ in KINDS}
    page = PageRequest(cursor=None, limit=limit)
    for warm in (True, False):
        for label, q, tenant_id in (tasks[: len(KINDS) * 3] if warm else tasks):
            sql, params = search_statement(SearchFilters(q=q), page)
            with tenant_transaction(database, tenant_id) as session:
                started = time.perf_counter_ns()
                rows = session.execute(text(sql), params).all()
                elapsed = time.perf_counter_ns() - started
            if not warm:
                samples[label].append(elapsed)
                hits[label] = max(hits[label], len(rows))
    results = {label: summarize_ms(values) for label, values in samples.items()}
    results["all"] = summarize_ms([v for values in samples.values() for v in values])
    return results, hits


def main() -> None:
    args = parse_args()
    setup_logging()
    messages = args.messages or (50_000 if args.quick else 1_000_000)
    runs = args.queries or (30 if args.quick else 150)
    temp_dir = None if args.data_dir else Path(tempfile.mkdtemp(prefix="engium-bench-search-"))
    data_dir = args.data_dir or temp_dir
    assert data_dir is not None
    database = Database.open(app_url=None, owner_url=None, data_dir=data_dir, pool_size=2)
    try:
        database.migrate()
        assert database.embedded is not None, "the benchmark seeds the embedded PostgreSQL as its superuser"
        with psycopg.connect(libpq_url(database.embedded.superuser_url)) as su:
            seeding = seed(su, messages, args.tenants)
            tenant_ids = [row[0] for row in su.execute("select id from tenants where name like %(l)s",
                                                       {"l": TENANT_PREFIX + "%"})]
            version = str(su.execute("show server_version").fetchone()[0])  # type: ignore[index]
            su.rollback()
        results, hits = measure(database, tenant_ids, runs, args.limit, random.Random(args.seed))
        plans = {}
        for word in ("appointment", "refund"):
            with tenant_transaction(database, tenant_ids[0]) as session:
                sql, params = search_statement(SearchFilters(q=word), PageRequest(cursor=None, limit=args.limit))
                plans[word] = [row[0] for row in session.execute(text("explain (analyze, buffers) " + sql), params)]
        emit({
            "benchmark": "search",
            "quick": bool(args.quick),
            "tenants": args.tenants,
            "page_size": args.limit,
            "runs_per_kind": runs,
            "postgres": version,
            "machine": machine_info(),
            **seeding,
            "rows_on_first_page": hits,
            "results": results,
            "plans": plans,
            "headline": {"metric": "search latency, first page, all kinds", "p50_ms": results["all"]["p50_ms"],
                         "p95_ms": results["all"]["p95_ms"], "p99_ms": results["all"]["p99_ms"]},
        })
    finally:
        database.close()
        if temp_dir is not None:
            shutil.rmtree(temp_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
