"""HTTP API throughput: a real uvicorn server, authenticated reads and writes, N keep-alive clients.

Starts the embedded PostgreSQL (fresh temp data dir unless --data-dir), migrates, provisions one tenant
with an owner API key (engium.provisioning.provision_tenant + engium.identity.api_keys.create_api_key,
as tests/conftest.py does) and seeds contacts, conversations and messages for it as engium_app. Then, for
each worker count, starts ``uvicorn api_server:app_factory --factory`` on 127.0.0.1 and runs timed
phases with a cheap asyncio/uvloop raw-socket HTTP/1.1 client (one keep-alive connection per client):

* ``read``  -- only ``GET /api/v1/conversations``;
* ``write`` -- only ``POST /api/v1/conversations/{id}/messages`` with ``{"body": "..."}``;
* ``mixed`` -- reads with a fraction (--write-fraction) of writes;
* ``healthz`` -- only ``GET /healthz`` (no credential, no database): the same server's ceiling, so
  ``read_to_healthz`` in the headline compares the authenticated read with it from one run.

The client shares the machine with the server and PostgreSQL; the CPU seconds each of the three used
during a phase are reported so the numbers can be read for what they are.

Usage:
    .venv/bin/python bench/api_throughput.py                   # workers 1 and 2, 15 s per phase
    .venv/bin/python bench/api_throughput.py --quick           # workers 1, 3 s per phase
    .venv/bin/python bench/api_throughput.py --workers 2 --clients 64 --duration 30
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import text

from benchlib import emit, log, machine_info, percentile, setup_logging
from engium import provisioning
from engium.access.permissions import Role
from engium.config import Settings
from engium.identity import api_keys
from engium.kit.database import Database
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction

BENCH_DIR = Path(__file__).resolve().parent
READ_TARGET_PER_S = 1500.0
# The authenticated read should reach at least this share of the same server's /healthz throughput.
READ_TO_HEALTHZ_TARGET = 0.5
HEALTHZ_PATH = "/healthz"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, help="embedded PostgreSQL data dir (default: a fresh temp dir)")
    parser.add_argument("--quick", action="store_true", help="CI size: 1 worker, short phases, fewer clients")
    parser.add_argument("--workers", help="comma-separated uvicorn worker counts (default 1,2; quick 1)")
    parser.add_argument("--clients", type=int, help="concurrent keep-alive clients (default 32; quick 8)")
    parser.add_argument("--duration", type=float, help="measured seconds per phase (default 15; quick 3)")
    parser.add_argument("--warmup", type=float, help="unmeasured seconds before each phase (default 2; quick 1)")
    parser.add_argument(
        "--phases", default="healthz,read,write,mixed", help="which of healthz,read,write,mixed to run"
    )
    parser.add_argument("--write-fraction", type=float, default=0.1, help="share of writes in the mixed phase")
    parser.add_argument("--conversations", type=int, default=500, help="conversations seeded for the tenant")
    parser.add_argument("--messages-per-conversation", type=int, default=5)
    parser.add_argument("--read-path", default="/api/v1/conversations", help="path of the read request")
    parser.add_argument(
        "--write-path", default="/api/v1/conversations/{id}/messages", help="write path; {id} is a conversation"
    )
    parser.add_argument("--pool-size", type=int, help="ENGIUM_DB_POOL_SIZE per worker (default: the setting's)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--verbose", action="store_true")
    return parser.parse_args()


# ---------------------------------------------------------------------------------------------- seeding


@dataclass(frozen=True)
class Seeded:
    tenant_id: uuid.UUID
    api_key: str
    conversation_ids: list[uuid.UUID]


def seed(database: Database, data_dir: Path, conversations: int, messages: int) -> Seeded:
    runtime = Runtime(settings=Settings(data_dir=data_dir, secure_cookies=False), database=database)
    with database.transaction() as session:
        provisioned = provisioning.provision_tenant(
            session,
            runtime.passwords,
            name=f"Bench {uuid.uuid4().hex[:8]}",
            owner_email=f"bench-owner-{uuid.uuid4().hex[:10]}@example.com",
            owner_password=None,
        )
        _, key = api_keys.create_api_key(
            session, None, tenant_id=provisioned.tenant_id, name="bench owner key", role=Role.OWNER
        )
    tenant_id = provisioned.tenant_id
    params = {"t": tenant_id, "n": conversations, "m": messages}
    with tenant_transaction(database, tenant_id) as session:
        # As engium_app, bound to the tenant: the same RLS WITH CHECK path the API writes through.
        session.execute(
            text(
                "insert into contacts (tenant_id, id, name, email, created_at, updated_at) "
                "select :t, gen_random_uuid(), 'Contact ' || g, 'contact' || g || '@example.com', ts, ts "
                "from generate_series(1, cast(:n as int)) g "
                "cross join lateral (select now() - random() * interval '90 days' + g * interval '0 s' as ts) x"
            ),
            params,
        )
        session.execute(
            text(
                "insert into conversations (tenant_id, id, contact_id, channel, status, subject, "
                "created_at, updated_at, last_message_at) "
                "select c.tenant_id, gen_random_uuid(), c.id, "
                "(array['web', 'sms', 'whatsapp', 'email'])[1 + floor(random() * 4)::int], "
                "(array['open', 'open', 'pending', 'resolved'])[1 + floor(random() * 4)::int], "
                "'Question from ' || c.name, c.created_at, c.created_at, c.created_at from contacts c"
            )
        )
        session.execute(
            text(
                "insert into messages (tenant_id, id, conversation_id, direction, author_kind, body, created_at) "
                "select v.tenant_id, gen_random_uuid(), v.id, "
                "case when g % 2 = 1 then 'inbound' else 'outbound' end, "
                "case when g % 2 = 1 then 'contact' else 'assistant' end, "
                "'Message ' || g || ' about opening hours and prices', v.created_at + g * interval '1 minute' "
                "from conversations v cross join generate_series(1, cast(:m as int)) g"
            ),
            params,
        )
        session.execute(
            text(
                "update conversations v set last_message_at = m.last, updated_at = m.last "
                "from (select conversation_id, max(created_at) as last from messages group by 1) m "
                "where m.conversation_id = v.id"
            )
        )
        ids = [row[0] for row in session.execute(text("select id from conversations"))]
    log.info("seeded tenant %s: %s conversations, %s messages each", tenant_id, len(ids), messages)
    return Seeded(tenant_id=tenant_id, api_key=key, conversation_ids=ids)


# ----------------------------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    workers: int

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                log.warning("uvicorn %s did not stop in 20 s; killing it", self.process.pid)
                self.process.kill()
                self.process.wait(timeout=10)


def start_server(database: Database, data_dir: Path, workers: int, pool_size: int | None) -> Server:
    port = free_port()
    env = dict(os.environ)
    env.update(
        {
            "ENGIUM_DATABASE_URL": database.urls.app,
            "ENGIUM_OWNER_DATABASE_URL": database.urls.owner,
            "ENGIUM_DATA_DIR": str(data_dir),
            "PYTHONWARNINGS": "ignore",
        }
    )
    if pool_size is not None:
        env["ENGIUM_DB_POOL_SIZE"] = str(pool_size)
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "api_server:app_factory",
        "--factory",
        "--app-dir",
        str(BENCH_DIR),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
        "--timeout-keep-alive",
        "30",
    ]
    if workers > 1:
        command += ["--workers", str(workers)]
    log.info("starting: %s", " ".join(command))
    # The server's output goes to our stderr; stdout carries only the JSON result.
    process = subprocess.Popen(command, env=env, stdout=sys.stderr, stderr=sys.stderr)
    server = Server(process=process, port=port, workers=workers)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn exited with status {process.returncode} during startup")
        try:
            if asyncio.run(_probe(port)) == 200:
                break
        except OSError:
            pass
        time.sleep(0.2)
    else:
        server.stop()
        raise RuntimeError("uvicorn did not become ready within 90 s")
    if workers > 1:
        # Each worker imports the app and opens its pool; give the others time to come up too.
        wait_for_workers(process.pid, workers)
    return server


async def _probe(port: int) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(b"GET /readyz HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
        await writer.drain()
        status, _ = await read_response(reader)
        return status
    finally:
        writer.close()


def wait_for_workers(pid: int, workers: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if len(descendants(pid)) >= workers:
            time.sleep(3.0)  # imports done, lifespan started: workers accept once the app is built
            return
        time.sleep(0.2)
    log.warning("only %s of %s workers appeared", len(descendants(pid)), workers)


# ------------------------------------------------------------------------------------------ /proc CPU


def _proc_stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, user+system CPU seconds) of a process, or None when it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / ticks


def _all_pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for pid in _all_pids():
        stat = _proc_stat(pid)
        if stat is not None:
            parents[pid] = stat[0]
    found: list[int] = []
    frontier = [root]
    while frontier:
        current = frontier.pop()
        children = [p for p, parent in parents.items() if parent == current]
        found += children
        frontier += children
    return found


def postgres_pids(data_dir: Path) -> list[int]:
    """The benchmark's own PostgreSQL: the postmaster started on ``data_dir`` and its backends (other
    work on a shared machine runs servers of its own, which must not count)."""
    marker = str(data_dir).encode()
    for pid in _all_pids():
        try:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if args[0].endswith(b"/postgres") and b"-D" in args and any(arg.startswith(marker) for arg in args):
            return [pid, *descendants(pid)]
    return []


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    out: dict[int, float] = {}
    for pid in pids:
        stat = _proc_stat(pid)
        if stat is not None:
            out[pid] = stat[1]
    return out


def cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two snapshots; processes born in between count from zero.

    (Processes that exited in between are lost; PostgreSQL backends of pooled connections live on.)
    """
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


# ---------------------------------------------------------------------------------------------- client


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    lower = head.lower()
    marker = lower.find(b"\r\ncontent-length:")
    if marker >= 0:
        end = lower.index(b"\r\n", marker + 2)
        length = int(lower[marker + 17 : end])
        body = await reader.readexactly(length) if length else b""
    elif b"\r\ntransfer-encoding: chunked" in lower:
        parts: list[bytes] = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            parts.append(chunk[:-2])
        body = b"".join(parts)
    else:
        body = b""
    return status, body


@dataclass
class Tally:
    latencies_ns: list[int] = field(default_factory=list)
    ok: int = 0
    errors: Counter[str] = field(default_factory=Counter)


@dataclass
class Load:
    host: str
    port: int
    api_key: str
    read_path: str
    write_path: str
    conversation_ids: list[uuid.UUID]

    def read_request(self) -> bytes:
        return (
            f"GET {self.read_path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Authorization: Bearer {self.api_key}\r\nAccept: application/json\r\n\r\n"
        ).encode()

    def write_request(self, conversation_id: uuid.UUID, n: int) -> bytes:
        body = json.dumps({"body": f"Benchmark reply {n}: we are open 9 to 5, Monday to Friday."}).encode()
        path = self.write_path.format(id=conversation_id)
        return (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Authorization: Bearer {self.api_key}\r\nAccept: application/json\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode() + body


async def one_client(
    load: Load,
    write_fraction: float,
    measure_from: float,
    stop_at: float,
    tallies: dict[str, Tally],
    rng: random.Random,
) -> None:
    read_bytes = load.read_request()
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    n = 0
    while time.perf_counter() < stop_at:
        op = "write" if write_fraction > 0 and rng.random() < write_fraction else "read"
        request = read_bytes if op == "read" else load.write_request(rng.choice(load.conversation_ids), n)
        n += 1
        started = time.perf_counter()
        t0 = time.perf_counter_ns()
        try:
            if writer is None or reader is None:
                reader, writer = await asyncio.open_connection(load.host, load.port)
            writer.write(request)
            status, _ = await read_response(reader)
            outcome = "ok" if 200 <= status < 300 else f"http_{status}"
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
            outcome = f"exc_{type(exc).__name__}"
            if writer is not None:
                writer.close()
            reader = writer = None
        t1 = time.perf_counter_ns()
        if started < measure_from:
            continue
        if time.perf_counter() > stop_at:
            break  # finished after the window closed: not counted
        tally = tallies[op]
        if outcome == "ok":
            tally.ok += 1
            tally.latencies_ns.append(t1 - t0)
        else:
            tally.errors[outcome] += 1
    if writer is not None:
        writer.close()


async def drive(load: Load, clients: int, warmup: float, duration: float, write_fraction: float, seed: int) -> tuple[
    dict[str, Tally], float
]:
    tallies = {"read": Tally(), "write": Tally()}
    now = time.perf_counter()
    measure_from = now + warmup
    stop_at = measure_from + duration
    await asyncio.gather(
        *(
            one_client(load, write_fraction, measure_from, stop_at, tallies, random.Random(seed * 1000 + i))
            for i in range(clients)
        )
    )
    return tallies, duration


def summarize(tallies: dict[str, Tally], seconds: float) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for op, tally in tallies.items():
        if tally.ok == 0 and not tally.errors:
            continue
        values = sorted(v / 1e6 for v in tally.latencies_ns)
        out[f"{op}s_per_s" if op in ("read", "write") else f"{op}_per_s"] = round(tally.ok / seconds, 1)
        out[op] = {
            "ok": tally.ok,
            "errors": sum(tally.errors.values()),
            "errors_by_kind": dict(tally.errors),
            "p50_ms": round(percentile(values, 50), 3) if values else None,
            "p99_ms": round(percentile(values, 99), 3) if values else None,
            "max_ms": round(values[-1], 3) if values else None,
        }
    return out


async def preflight(load: Load) -> dict[str, Any]:
    reader, writer = await asyncio.open_connection(load.host, load.port)
    try:
        writer.write(load.read_request())
        read_status, read_body = await read_response(reader)
        writer.write(load.write_request(load.conversation_ids[0], 0))
        write_status, write_body = await read_response(reader)
    finally:
        writer.close()
    return {
        "read_status": read_status,
        "read_body_bytes": len(read_body),
        "read_body_head": read_body[:200].decode(errors="replace"),
        "write_status": write_status,
        "write_body_head": write_body[:200].decode(errors="replace"),
    }


# ------------------------------------------------------------------------------------------------- main


def run_phase(
    name: str, server: Server, load: Load, args: argparse.Namespace, clients: int, warmup: float, duration: float
) -> dict[str, Any]:
    write_fraction = {"healthz": 0.0, "read": 0.0, "write": 1.0, "mixed": args.write_fraction}[name]
    if name == "healthz":
        load = replace(load, read_path=HEALTHZ_PATH)
    def server_pids() -> list[int]:
        return [server.process.pid, *descendants(server.process.pid)]

    client_before = time.process_time()
    server_before, pg_before = cpu_by_pid(server_pids()), cpu_by_pid(postgres_pids(args.pg_data_dir))
    wall = time.perf_counter()
    tallies, seconds = asyncio.run(drive(load, clients, warmup, duration, write_fraction, args.seed))
    wall = time.perf_counter() - wall
    client_cpu = time.process_time() - client_before
    server_cpu = cpu_delta(server_before, cpu_by_pid(server_pids()))
    pg_cpu = cpu_delta(pg_before, cpu_by_pid(postgres_pids(args.pg_data_dir)))
    if name == "healthz":
        tallies = {"healthz": tallies["read"]}
    result = summarize(tallies, seconds)
    result["cpu_s_incl_warmup"] = {
        "client": round(client_cpu, 2),
        "server": round(server_cpu, 2),
        "postgres": round(pg_cpu, 2),
        "wall": round(wall, 2),
    }
    log.info("workers=%s phase=%s %s", server.workers, name, json.dumps(result))
    return result


def main() -> None:
    args = parse_args()
    setup_logging(args.verbose)
    quick = bool(args.quick)
    worker_counts = [int(w) for w in (args.workers or ("1" if quick else "1,2")).split(",") if w.strip()]
    clients = args.clients or (8 if quick else 32)
    duration = args.duration or (3.0 if quick else 15.0)
    warmup = args.warmup if args.warmup is not None else (1.0 if quick else 2.0)
    phases = [p.strip() for p in args.phases.split(",") if p.strip()]
    for phase in phases:
        if phase not in ("healthz", "read", "write", "mixed"):
            raise SystemExit(f"unknown phase {phase!r}")
    try:
        import uvloop

        uvloop.install()
        client_loop = "uvloop"
    except ImportError:  # pragma: no cover - uvicorn[standard] brings it
        client_loop = "asyncio"

    temp_dir: Path | None = None
    data_dir: Path = args.data_dir
    if data_dir is None:
        temp_dir = Path(tempfile.mkdtemp(prefix="engium-bench-api-"))
        data_dir = temp_dir
    data_dir = data_dir.resolve()
    args.pg_data_dir = data_dir
    database = Database.open(app_url=None, owner_url=None, data_dir=data_dir, pool_size=2)
    runs: list[dict[str, Any]] = []
    try:
        database.migrate()
        seeded = seed(database, data_dir, args.conversations, args.messages_per_conversation)
        for workers in worker_counts:
            server = start_server(database, data_dir, workers, args.pool_size)
            try:
                load = Load(
                    host="127.0.0.1",
                    port=server.port,
                    api_key=seeded.api_key,
                    read_path=args.read_path,
                    write_path=args.write_path,
                    conversation_ids=seeded.conversation_ids,
                )
                checks = asyncio.run(preflight(load))
                log.info("preflight (workers=%s): %s", workers, checks)
                run: dict[str, Any] = {
                    "workers": workers,
                    "uvicorn_process_tree": 1 + len(descendants(server.process.pid)),  # supervisor, workers, helpers
                    "preflight": checks,
                    "phases": {},
                }
                for phase in phases:
                    needs_read = phase in ("read", "mixed")
                    needs_write = phase in ("write", "mixed")
                    broken = []
                    if needs_read and not 200 <= checks["read_status"] < 300:
                        broken.append(f"GET {args.read_path} -> {checks['read_status']}")
                    if needs_write and not 200 <= checks["write_status"] < 300:
                        broken.append(f"POST {args.write_path} -> {checks['write_status']}")
                    if broken:
                        log.warning("skipping phase %s: %s", phase, "; ".join(broken))
                        run["phases"][phase] = {"skipped": "; ".join(broken)}
                        continue
                    run["phases"][phase] = run_phase(phase, server, load, args, clients, warmup, duration)
                runs.append(run)
            finally:
                server.stop()
    finally:
        database.close()
        if temp_dir is not None:
            shutil.rmtree(temp_dir, ignore_errors=True)

    best_reads = max(
        (r["phases"].get("read", {}).get("reads_per_s", 0.0) for r in runs),
        default=0.0,
    )
    # Per worker count: the read's throughput as a share of /healthz on the same server in the same run.
    ratios = {
        str(r["workers"]): round(r["phases"]["read"]["reads_per_s"] / r["phases"]["healthz"]["healthz_per_s"], 3)
        for r in runs
        if r["phases"].get("read", {}).get("reads_per_s") and r["phases"].get("healthz", {}).get("healthz_per_s")
    }
    emit(
        {
            "benchmark": "api_throughput",
            "quick": quick,
            "clients": clients,
            "duration_s": duration,
            "warmup_s": warmup,
            "write_fraction_mixed": args.write_fraction,
            "read_path": args.read_path,
            "write_path": args.write_path,
            "seeded_conversations": len(seeded.conversation_ids),
            "messages_per_conversation": args.messages_per_conversation,
            "client": f"asyncio ({client_loop}) raw-socket HTTP/1.1 keep-alive, in the driver process",
            "runs": runs,
            "headline": {
                "best_reads_per_s": best_reads,
                "target_reads_per_s": READ_TARGET_PER_S,
                "meets_target": best_reads >= READ_TARGET_PER_S,
                "read_to_healthz_by_workers": ratios,
                "target_read_to_healthz": READ_TO_HEALTHZ_TARGET,
                "meets_ratio_target": bool(ratios) and min(ratios.values()) >= READ_TO_HEALTHZ_TARGET,
            },
            "machine": machine_info(),
        }
    )


if __name__ == "__main__":
    main()
