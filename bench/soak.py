"""Soak: the mixed load (signed SMS webhooks, widget messages, API writes) against one real ``engium serve``
(with its job worker) for a long time, watching what must stay flat.

Every ``--interval`` seconds it samples: requests/s and p99 per kind over the interval, resident memory of
the server process and of PostgreSQL's processes, and PostgreSQL connections by application. At the end it
waits for the queue to drain and counts the customer messages accepted (2xx), stored and answered, which
must be equal, and fits a line to the server's memory after the warm-up: the slope, MB per hour, is the
leak detector. It writes the JSON on stdout and a PNG chart (``--chart``).

Usage:
    .venv/bin/python bench/soak.py                      # 10 minutes
    .venv/bin/python bench/soak.py --duration 3600      # the quoted hour
    .venv/bin/python bench/soak.py --quick              # 60 s, for a smoke run
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2 as httpx
import psutil
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ (live server, signed requests)

from tests.channels.inbound_helpers import ChannelTenant, configured_tenant, sms_params, twilio_request
from tests.live_server import LiveServer, live_server
from tests.resilience.fake_twilio import FakeTwilio

from benchlib import emit, log, machine_info, percentile, setup_logging
from engium.config import Settings
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction

QUESTIONS = ("When are you open?", "What time do you open on Monday?", "Are you open on Friday?")
HOURS = {day: "09:00-17:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat")}
WARMUP_FRACTION = 0.2  # memory samples before this share of the run are the warm-up, not the trend
SERVER_ENV = {
    # The soak measures steady state, not the public routes' per-address limits (everything comes from
    # 127.0.0.1 here); those have their own tests.
    "ENGIUM_CHANNELS_WIDGET_REQUESTS_PER_MINUTE": "100000",
    "ENGIUM_CHANNELS_FAILURES_PER_MINUTE": "100000",
}


@dataclass
class Request:
    kind: str  # "sms", "widget" or "api"
    at: float
    seconds: float
    status: int | None


@dataclass
class Record:
    requests: list[Request] = field(default_factory=list)
    samples: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, request: Request) -> None:
        with self.lock:
            self.requests.append(request)


def timed(record: Record, kind: str, client: httpx.Client, path: str, **request: Any) -> None:
    started = time.perf_counter()
    try:
        response: httpx.Response | None = client.post(path, **request)
    except httpx.HTTPError:
        response = None
    record.add(Request(kind, started, time.perf_counter() - started, None if response is None else
                       response.status_code))


def customer(server: LiveServer, business: ChannelTenant, number: int, rate: float, stop: threading.Event,
             record: Record) -> None:
    """One customer of each channel per thread, texting, chatting and being added as a contact in turn,
    ``rate`` rounds a second; each keeps their conversation going (one SMS number, one widget visitor)."""
    sender = f"+1415{number:07d}"
    with httpx.Client(base_url=server.url, timeout=30) as client:
        widget = {"X-Widget-Key": business.widget_key}
        grant = client.post("/widget/v1/conversations", json={}, headers=widget)
        grant.raise_for_status()
        widget["X-Widget-Token"] = grant.json()["token"]
        turn = 0
        while not stop.is_set():
            started = time.perf_counter()
            question = QUESTIONS[turn % len(QUESTIONS)]
            body, headers = twilio_request(business.twilio_path(), sms_params("SM" + uuid.uuid4().hex, question,
                                                                              sender=sender))
            timed(record, "sms", client, business.twilio_path(), content=body, headers=headers)
            timed(record, "widget", client, "/widget/v1/messages", json={"body": question}, headers=widget)
            timed(record, "api", client, "/api/v1/contacts", headers=business.tenant.headers,
                  json={"name": "Walk-in", "widget_id": uuid.uuid4().hex})
            turn += 1
            stop.wait(max(0.0, 1.0 / rate - (time.perf_counter() - started)))


def postgres_processes(data_dir: Path) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        try:
            if (process.info["name"] or "").startswith("postgres") and any(
                    str(data_dir) in part for part in (process.info["cmdline"] or [])):
                found.append(process)
                found.extend(process.children(recursive=True))
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def memory_mb(processes: list[psutil.Process], kind: str = "pss") -> float:
    """``pss``: proportional set size, memory shared between processes counted once in total. ``uss``:
    memory private to the processes. PostgreSQL's PSS grows while its shared buffers fill (up to
    ``shared_buffers``, 128 MB embedded), which is a cache warming, not a leak; its USS is what a leak in
    the backends would move."""
    total = 0
    for process in processes:
        try:
            total += getattr(process.memory_full_info(), kind)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total / 2**20


def sample(server: LiveServer, record: Record, since: float, started: float) -> dict[str, Any]:
    now = time.perf_counter()
    with record.lock:
        window = [r for r in record.requests if since <= r.at < now]
    per_kind: dict[str, Any] = {}
    for kind in ("sms", "widget", "api"):
        latencies = sorted(r.seconds * 1000 for r in window if r.kind == kind)
        per_kind[kind] = {"per_s": round(len(latencies) / (now - since), 2),
                          "p99_ms": round(percentile(latencies, 99), 1) if latencies else None,
                          "errors": sum(1 for r in window if r.kind == kind and (r.status or 500) >= 400)}
    server_process = psutil.Process(server.process.pid)
    app = [server_process, *server_process.children(recursive=True)]
    engine = server.database.owner_engine()
    with engine.connect() as connection:
        connections: dict[str, int] = {str(name): int(count) for name, count in connection.execute(text(
            "select coalesce(nullif(application_name, ''), backend_type, 'other'), count(*) "
            "from pg_stat_activity group by 1"))}
    engine.dispose()
    return {"t_s": round(now - started, 1), "requests": per_kind, "server_pss_mb": round(memory_mb(app), 1),
            "postgres_pss_mb": round(memory_mb(postgres := postgres_processes(server.data_dir)), 1),
            "postgres_private_mb": round(memory_mb(postgres, "uss"), 1),
            "connections": connections}


def drained(server: LiveServer, business: ChannelTenant, timeout: float) -> dict[str, int]:
    """Waits until every stored customer message has its reply (or the timeout); returns the counts."""
    deadline = time.monotonic() + timeout
    while True:
        with tenant_transaction(server.database, business.tenant.id) as session:
            stored, answered = session.execute(text(
                "select count(*) filter (where direction = 'inbound'), "
                "count(*) filter (where author_kind = 'assistant') from messages")).one()
        if answered >= stored or time.monotonic() > deadline:
            return {"stored": int(stored), "answered": int(answered)}
        time.sleep(1)


def memory_slope_mb_per_hour(samples: list[dict[str, Any]], key: str) -> float | None:
    kept = samples[int(len(samples) * WARMUP_FRACTION):]
    if len(kept) < 3:
        return None
    slope = statistics.linear_regression([s["t_s"] for s in kept], [s[key] for s in kept]).slope
    return round(slope * 3600, 2)


def chart(samples: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    minutes = [s["t_s"] / 60 for s in samples]
    figure, (rate, p99, memory, connections) = plt.subplots(4, 1, figsize=(9, 11), sharex=True)
    for kind in ("sms", "widget", "api"):
        rate.plot(minutes, [s["requests"][kind]["per_s"] for s in samples], label=kind)
        p99.plot(minutes, [s["requests"][kind]["p99_ms"] for s in samples], label=kind)
    rate.set_ylabel("requests/s")
    p99.set_ylabel("p99 (ms)")
    memory.plot(minutes, [s["server_pss_mb"] for s in samples], label="engium serve (+ worker)")
    memory.plot(minutes, [s["postgres_pss_mb"] for s in samples], label="PostgreSQL (all processes)")
    memory.plot(minutes, [s["postgres_private_mb"] for s in samples], label="PostgreSQL, private (USS)")
    memory.set_ylabel("memory, PSS (MB)")
    connections.plot(minutes, [sum(s["connections"].values()) for s in samples], label="all")
    connections.set_ylabel("PostgreSQL connections")
    connections.set_xlabel("minutes")
    for axes in (rate, p99, memory, connections):
        axes.legend(loc="upper right", fontsize="small")
        axes.grid(alpha=0.3)
    figure.suptitle("Engium soak: mixed SMS, widget and API load")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=600.0, help="seconds of load (default 600)")
    parser.add_argument("--interval", type=float, default=10.0, help="seconds between samples")
    parser.add_argument("--customers", type=int, default=4, help="concurrent customers (threads)")
    parser.add_argument("--rate", type=float, default=2.0, help="rounds per second per customer (3 requests each)")
    parser.add_argument("--chart", type=Path, default=Path("soak.png"), help="where to write the PNG chart")
    parser.add_argument("--quick", action="store_true", help="60 s with 5 s samples")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.duration, args.interval = 60.0, 5.0
    setup_logging(args.verbose)

    record = Record()
    twilio = FakeTwilio()
    with tempfile.TemporaryDirectory(prefix="engium-soak-") as scratch, \
            live_server(Path(scratch) / "data", {"ENGIUM_TWILIO_API_BASE": twilio.url, **SERVER_ENV}) as server:
        runtime = Runtime(settings=Settings(data_dir=server.data_dir, secure_cookies=False),
                          database=server.database)
        with server.client() as api:
            business = configured_tenant(api, runtime)
            api.patch("/api/v1/settings", headers=business.tenant.headers,
                      json={"opening_hours": HOURS}).raise_for_status()
        stop = threading.Event()
        threads = [threading.Thread(target=customer, args=(server, business, n, args.rate, stop, record))
                   for n in range(args.customers)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        since = started
        while time.perf_counter() - started < args.duration:
            time.sleep(min(args.interval, max(0.0, args.duration - (time.perf_counter() - started))))
            record.samples.append(sample(server, record, since, started))
            since = time.perf_counter()
            log.info("soak %s", record.samples[-1])
        stop.set()
        for thread in threads:
            thread.join(60)
        counts = drained(server, business, timeout=120)
        twilio.close()

    accepted = sum(1 for r in record.requests if r.kind in ("sms", "widget") and r.status in (200, 201))
    refused = sum(1 for r in record.requests if (r.status or 500) >= 400)
    chart(record.samples, args.chart)
    all_latencies = sorted(r.seconds * 1000 for r in record.requests)
    emit({
        "benchmark": "soak",
        "machine": machine_info(),
        "config": {"duration_s": args.duration, "interval_s": args.interval, "customers": args.customers,
                   "rounds_per_s_per_customer": args.rate},
        "headline": {
            "requests": len(record.requests),
            "requests_per_s": round(len(record.requests) / args.duration, 1),
            "p99_ms": round(percentile(all_latencies, 99), 1) if all_latencies else None,
            "errors": refused,
            "customer_messages": {"accepted": accepted, **counts},
            "nothing_lost": accepted == counts["stored"] == counts["answered"],
            "server_memory_slope_mb_per_hour": memory_slope_mb_per_hour(record.samples, "server_pss_mb"),
            "postgres_memory_slope_mb_per_hour": memory_slope_mb_per_hour(record.samples, "postgres_pss_mb"),
            "postgres_private_memory_slope_mb_per_hour": memory_slope_mb_per_hour(record.samples,
                                                                                  "postgres_private_mb"),
            "server_pss_mb_first_last": [record.samples[0]["server_pss_mb"], record.samples[-1]["server_pss_mb"]]
            if record.samples else None,
            "chart": str(args.chart),
        },
        "samples": record.samples,
    })


if __name__ == "__main__":
    main()
