"""Scale-out on one machine: the authenticated list read with 1, 2 and 4 ``engium serve --no-worker``
processes, job throughput with 1 and 2 ``engium worker`` processes, and PgBouncer's cost per request.

Each serve process is the real CLI (one uvicorn worker each) on its own port; keep-alive clients are
spread over the processes as a load balancer would. Jobs are webhook deliveries to a loopback receiver,
all queued before the workers start, timed until the queue is empty. PgBouncer (Debian's, transaction
mode, ENGIUM_DATABASE_POOLER=transaction) sits in front of the same embedded server for the last phase.
Everything (clients, servers, workers, PostgreSQL) shares the machine: read ratios, not absolutes.

Usage:
    .venv/bin/python bench/scale_out.py --quick      # short phases
    .venv/bin/python bench/scale_out.py              # 10 s phases, 2,000 jobs
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ (the PgBouncer harness)

from tests.external_postgres.pgbouncer import missing_reason, pgbouncer
from tests.live_server import live_server

from api_throughput import Load, Tally, one_client, seed, summarize
from benchlib import emit, log, machine_info, setup_logging
from engium.access.permissions import Role
from engium.access.principal import Principal, PrincipalKind
from engium.config import Settings
from engium.kit.database import Database
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from engium.webhooks import service as webhooks
from engium.webhooks.schemas import EndpointCreate
from engium.webhooks.settings import WebhookSettings

READ_PATH = "/api/v1/conversations?limit=50"
LOOPBACK = {"ENGIUM_WEBHOOKS_ALLOW_PRIVATE_NETWORKS": "true", "ENGIUM_WEBHOOKS_ALLOW_HTTP": "true",
            "ENGIUM_SECURE_COOKIES": "false", "ENGIUM_AUDIT_SEAL_INTERVAL_SECONDS": "3600"}


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENGIUM_")}
    env.update({**LOOPBACK, **(extra or {})})
    return env


@contextmanager
def servers(data_dir: Path, count: int, env: dict[str, str] | None = None) -> Iterator[list[int]]:
    """``count`` real ``engium serve --no-worker`` processes on one data directory, started as the tests
    start them (tests/live_server.py), ready when this yields their ports."""
    with ExitStack() as stack:
        started = [stack.enter_context(live_server(data_dir, {**LOOPBACK, **(env or {})}, "--no-worker",
                                                   log_name=f"bench-serve-{n}")) for n in range(count)]
        yield [server.port for server in started]


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()


async def spread(loads: list[Load], clients: int, warmup: float, duration: float) -> dict[str, Tally]:
    import random

    tallies = {"read": Tally(), "write": Tally()}
    measure_from = time.perf_counter() + warmup
    stop_at = measure_from + duration
    await asyncio.gather(*(one_client(loads[i % len(loads)], 0.0, measure_from, stop_at, tallies, random.Random(i))
                           for i in range(clients)))
    return tallies


def read_phase(ports: list[int], api_key: str, clients: int, warmup: float, duration: float) -> dict[str, Any]:
    loads = [Load("127.0.0.1", port, api_key, READ_PATH, "", []) for port in ports]
    tallies = asyncio.run(spread(loads, clients, warmup, duration))
    result = summarize(tallies, duration)
    log.info("read over %s process(es): %s", len(ports), result.get("reads_per_s"))
    return result


class Receiver:
    def __init__(self) -> None:
        self.count = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length", "0")))
                receiver.count += 1
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"


def job_phase(database: Database, runtime: Runtime, data_dir: Path, tenant_id: Any, jobs: int, workers: int) -> float:
    """Jobs per second once the workers are running: all jobs are queued in one transaction (announced
    together at commit), timed until the receiver has every delivery."""
    receiver = Receiver()
    with tenant_transaction(database, tenant_id) as session:
        session.execute(text("update webhook_endpoints set active = false"))
        webhooks.create_endpoint(session, runtime.vault, owner_principal_for(tenant_id),
                                 EndpointCreate(url=receiver.url, event_types=["booking.created"]),
                                 webhooks.Guard(WebhookSettings(allow_private_networks=True, allow_http=True)))
    with database.transaction() as session:
        registered_before = int(session.execute(text("select count(*) from procrastinate_workers")).scalar_one())
    processes = [subprocess.Popen([sys.executable, "-m", "engium.cli", "worker", "--data-dir", str(data_dir)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, env=child_env())
                 for _ in range(workers)]
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with database.transaction() as session:
                registered = int(session.execute(text("select count(*) from procrastinate_workers")).scalar_one())
            if registered >= registered_before + workers:
                break
            time.sleep(0.2)
        started = time.perf_counter()
        with tenant_transaction(database, tenant_id) as session:
            for n in range(jobs):
                webhooks.emit(session, tenant_id, "booking.created", {"booking_id": f"b-{n}"})
        while receiver.count < jobs and time.perf_counter() - started < 600:
            time.sleep(0.02)
        elapsed = time.perf_counter() - started
    finally:
        for process in processes:
            _stop(process)
        receiver.server.shutdown()
    rate = jobs / elapsed
    log.info("%s jobs with %s worker(s): %.1f/s", jobs, workers, rate)
    return round(rate, 1)


def owner_principal_for(tenant_id: Any) -> Principal:
    """The operator running the benchmark, acting as the business's owner."""
    return Principal(kind=PrincipalKind.OPERATOR, id=uuid.uuid4(), tenant_id=tenant_id, role=Role.OWNER,
                     component="bench")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    setup_logging(args.verbose)
    logging.getLogger("procrastinate").setLevel(logging.WARNING)
    logging.getLogger("httpx2").setLevel(logging.WARNING)
    duration, warmup = (4.0, 1.0) if args.quick else (10.0, 2.0)
    clients, jobs = (16, 200) if args.quick else (32, 2000)
    data_dir = Path(tempfile.mkdtemp(prefix="engium-bench-scale-"))
    database = Database.open(app_url=None, owner_url=None, data_dir=data_dir, pool_size=4)
    result: dict[str, Any] = {"bench": "scale_out", "machine": machine_info(), "clients": clients,
                              "phase_seconds": duration}
    try:
        database.migrate()
        seeded = seed(database, data_dir, 50, 4)
        runtime = Runtime(settings=Settings(data_dir=data_dir, secure_cookies=False), database=database)
        reads: dict[str, Any] = {}
        for count in (1, 2, 4):
            with servers(data_dir, count) as ports:
                reads[str(count)] = read_phase(ports, seeded.api_key, clients, warmup, duration)
        base = reads["1"]["reads_per_s"]
        result["read_by_serve_processes"] = {
            n: {"reads_per_s": r["reads_per_s"], "ratio_to_one": round(r["reads_per_s"] / base, 2),
                "p50_ms": r["read"]["p50_ms"], "p99_ms": r["read"]["p99_ms"], "errors": r["read"]["errors"]}
            for n, r in reads.items()}
        rates = {str(w): job_phase(database, runtime, data_dir, seeded.tenant_id, jobs, w) for w in (1, 2)}
        result["jobs_per_s_by_workers"] = {w: {"jobs_per_s": r, "ratio_to_one": round(r / rates["1"], 2)}
                                           for w, r in rates.items()}
        reason = missing_reason()
        if reason is None:
            with pgbouncer(database.urls.app, server_connections=8) as url:
                pooled = {"ENGIUM_DATABASE_URL": url, "ENGIUM_OWNER_DATABASE_URL": database.urls.owner,
                          "ENGIUM_DATABASE_POOLER": "transaction", "ENGIUM_DATABASE_LISTEN_URL": database.urls.app}
                with servers(data_dir, 1, pooled) as ports:
                    bounced = read_phase(ports, seeded.api_key, clients, warmup, duration)
                with servers(data_dir, 1) as ports:
                    direct = read_phase(ports, seeded.api_key, clients, warmup, duration)
            result["pgbouncer"] = {
                "direct_reads_per_s": direct["reads_per_s"], "pgbouncer_reads_per_s": bounced["reads_per_s"],
                "ratio": round(bounced["reads_per_s"] / direct["reads_per_s"], 2),
                "direct_p50_ms": direct["read"]["p50_ms"], "pgbouncer_p50_ms": bounced["read"]["p50_ms"],
                "added_ms_per_request_p50": round(bounced["read"]["p50_ms"] - direct["read"]["p50_ms"], 3),
            }
        else:
            result["pgbouncer"] = {"skipped": reason}
    finally:
        database.close()
    emit(result)


if __name__ == "__main__":
    main()
