"""Audit log throughput: appends/s with 1, 8 and 32 concurrent writers, and `verify` events/s.

Starts the embedded PostgreSQL (fresh temp data dir unless --data-dir), migrates, then for each writer
count runs a timed phase in which every writer thread owns one ``engium_app`` connection and appends
events in their own transactions (BEGIN; bind tenant; ``audit_append``; COMMIT), exactly as a request
does, spread over --tenants tenants (writer i appends to tenant i mod T, so several writers contend for
one chain's head lock whenever writers > tenants). Then seals every chain and times
``engium.audit.verify.verify_database`` over all of them as the owner role (every hash recomputed in
Python from the canonical bytes of ``audit_event_fields``, links, checkpoint signatures, anchors, heads;
chains cut into segments walked by several connections, ADR 0033; small chains many to a query, ADR 0050).

Usage:
    .venv/bin/python bench/audit.py              # 10 s per phase, 16 tenants
    .venv/bin/python bench/audit.py --quick      # 3 s per phase
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from benchlib import emit, libpq_url, log, machine_info, setup_logging, summarize_ms
from engium.audit.checkpoints import DirectoryAnchorStore, anchor_dir, seal_with_settings
from engium.audit.signing import verifier_keys
from engium.audit.verify import verify_database
from engium.config import Settings
from engium.kit.database import Database

APPEND_TARGET_PER_S = 2_000.0
VERIFY_TARGET_PER_S = 200_000.0
APPEND = (
    "select seq from audit_append(%s, 'user', %s, '203.0.113.7'::inet, 'bench/1.0', %s, 'booking.created', "
    "'booking', %s, 'success', %s::jsonb)"
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, help="embedded PostgreSQL data dir (default: a fresh temp dir)")
    parser.add_argument("--quick", action="store_true", help="CI size: 3 s phases")
    parser.add_argument("--writers", default="1,8,32", help="comma-separated concurrent writer counts")
    parser.add_argument("--tenants", type=int, default=16, help="chains the writers spread over")
    parser.add_argument("--duration", type=float, help="measured seconds per append phase (default 10; quick 3)")
    parser.add_argument("--verify-runs", type=int, default=3, help="verify repetitions (best is the headline)")
    parser.add_argument("--verbose", action="store_true")
    return parser.parse_args()


def append_phase(app_url: str, tenants: list[uuid.UUID], writers: int, duration: float) -> dict[str, Any]:
    connections = [psycopg.connect(app_url) for _ in range(writers)]
    barrier = threading.Barrier(writers + 1)
    stop = threading.Event()
    samples: list[list[int]] = [[] for _ in range(writers)]
    errors = [0] * writers

    def writer(index: int) -> None:
        conn, tenant = connections[index], tenants[index % len(tenants)]
        details = json.dumps({"writer": index, "amount": 42, "fields": ["starts_at", "service_id"]})
        barrier.wait()
        n = 0
        while not stop.is_set():
            n += 1
            started = time.perf_counter_ns()
            try:
                conn.execute("select set_config('engium.tenant_id', %s, true)", (str(tenant),))
                conn.execute(APPEND, (tenant, f"user-{index}", f"req-{index}-{n}", str(uuid.uuid4()), details))
                conn.commit()
            except psycopg.Error:
                conn.rollback()
                errors[index] += 1
                continue
            samples[index].append(time.perf_counter_ns() - started)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    time.sleep(duration)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    for conn in connections:
        conn.close()
    latencies = [s for per_writer in samples for s in per_writer]
    return {
        "writers": writers,
        "tenants_written": min(writers, len(tenants)),
        "appends": len(latencies),
        "errors": sum(errors),
        "appends_per_s": round(len(latencies) / elapsed, 1),
        "latency": summarize_ms(latencies),
    }


def verify_phase(database: Database, settings: Settings, runs: int) -> dict[str, Any]:
    sealed = seal_with_settings(database, settings)
    keys = verifier_keys(settings)
    anchors = DirectoryAnchorStore(anchor_dir(settings))
    engine = create_engine(database.urls.owner, poolclass=NullPool)
    results = []
    try:
        for _ in range(runs):
            report = verify_database(engine, keys, anchors)
            if not report.ok:
                raise RuntimeError(f"verification failed: {report.broken[:3]}")
            results.append(report.summary())
    finally:
        engine.dispose()
    best = max(results, key=lambda r: r["events_per_second"] or 0)
    return {"chains_sealed": len(sealed), "runs": results, "best_events_per_s": best["events_per_second"]}


def main() -> None:
    args = parse_args()
    setup_logging(args.verbose)
    duration = args.duration or (3.0 if args.quick else 10.0)
    writer_counts = [int(w) for w in args.writers.split(",") if w.strip()]
    temp_dir: Path | None = None
    data_dir: Path = args.data_dir
    if data_dir is None:
        temp_dir = Path(tempfile.mkdtemp(prefix="engium-bench-audit-"))
        data_dir = temp_dir
    settings = Settings(data_dir=data_dir)
    database = Database.open(app_url=None, owner_url=None, data_dir=data_dir, pool_size=2)
    try:
        database.migrate()
        app_url = libpq_url(database.urls.app)
        tenants = [uuid.uuid4() for _ in range(args.tenants)]
        phases = []
        for writers in writer_counts:
            log.info("append phase: %d writer(s), %.0f s", writers, duration)
            phases.append(append_phase(app_url, tenants, writers, duration))
            log.info("  %.0f appends/s", phases[-1]["appends_per_s"])
        log.info("verify phase")
        verification = verify_phase(database, settings, args.verify_runs)
        log.info("  %s events/s", verification["best_events_per_s"])
    finally:
        database.close()
        if temp_dir is not None:
            shutil.rmtree(temp_dir, ignore_errors=True)
    by_writers = {str(p["writers"]): p["appends_per_s"] for p in phases}
    emit({
        "benchmark": "audit",
        "machine": machine_info(),
        "duration_s": duration,
        "tenants": args.tenants,
        "append": phases,
        "verify": verification,
        "headline": {
            "appends_per_s": by_writers,
            "verify_events_per_s": verification["best_events_per_s"],
            "meets_target": {
                "append_32_writers": by_writers.get("32", 0) >= APPEND_TARGET_PER_S,
                "verify": (verification["best_events_per_s"] or 0) >= VERIFY_TARGET_PER_S,
            },
        },
    })


if __name__ == "__main__":
    main()
