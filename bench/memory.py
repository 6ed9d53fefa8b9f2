"""Resident memory of one ``engium serve`` process (its in-process job worker included): idle, under a
mixed read/write API load, and with the embedding model loaded (then under load again).

Starts the embedded PostgreSQL in a fresh temp data dir, migrates, seeds one tenant (50 conversations of
4 messages), then runs the real CLI (``python -m engium.cli serve``, one uvicorn worker) and reads its
``VmRSS`` from ``/proc`` (PostgreSQL's processes are not counted: they are the database's, shared by
every worker). Under load it samples every 0.1 s and reports the peak. The model loads on the first
knowledge request: one pasted document is added (chunked and embedded in the request) and searched.
The target is under 1 GB per worker (issue 17).

Usage:
    .venv/bin/python bench/memory.py            # 10 s load phases, 32 clients
    .venv/bin/python bench/memory.py --quick    # 3 s phases, 16 clients
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx2 as httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ (the live server harness)

from tests.live_server import live_server

from api_throughput import Load, Tally, one_client, seed, summarize
from benchlib import emit, log, machine_info, setup_logging
from engium.kit.database import Database

TARGET_MB = 1024.0
READ_PATH = "/api/v1/conversations?limit=50"
WRITE_FRACTION = 0.2
SERVE_ENV = {"ENGIUM_SECURE_COOKIES": "false", "ENGIUM_AUDIT_SEAL_INTERVAL_SECONDS": "3600"}
KNOWLEDGE = "\n\n".join(
    f"## Service {n}\nA {30 + n}-minute appointment costs {20 + n} euros. Cancel up to a day before at no charge."
    for n in range(40))


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"no VmRSS for process {pid}")


class PeakSampler:
    """Samples a process's resident memory in a thread while a load runs."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.1)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


async def _load(load: Load, clients: int, duration: float) -> dict[str, Tally]:
    tallies = {"read": Tally(), "write": Tally()}
    measure_from = time.perf_counter() + 0.5
    stop_at = measure_from + duration
    await asyncio.gather(*(one_client(load, WRITE_FRACTION, measure_from, stop_at, tallies, random.Random(i))
                           for i in range(clients)))
    return tallies


def loaded_phase(pid: int, load: Load, clients: int, duration: float) -> dict[str, Any]:
    with PeakSampler(pid) as sampler:
        tallies = asyncio.run(_load(load, clients, duration))
    done = summarize(tallies, duration)
    return {"peak_rss_mb": sampler.peak, "after_rss_mb": rss_mb(pid), "reads_per_s": done.get("reads_per_s"),
            "writes_per_s": done.get("writes_per_s")}


def load_the_model(url: str, api_key: str) -> float:
    """Adds a document and searches it: the embedding model loads in the serve process. Returns seconds."""
    headers = {"Authorization": f"Bearer {api_key}"}
    started = time.perf_counter()
    with httpx.Client(base_url=url, headers=headers, timeout=300) as client:
        added = client.post("/api/v1/knowledge/documents",
                            json={"title": "Prices", "source_kind": "markdown", "content": KNOWLEDGE})
        added.raise_for_status()
        client.post("/api/v1/knowledge/search", json={"query": "How much is a 35-minute appointment?"}
                    ).raise_for_status()
    return round(time.perf_counter() - started, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    setup_logging(args.verbose)
    logging.getLogger("httpx2").setLevel(logging.WARNING)
    duration, clients = (3.0, 16) if args.quick else (10.0, 32)
    data_dir = Path(tempfile.mkdtemp(prefix="engium-bench-memory-"))
    database = Database.open(app_url=None, owner_url=None, data_dir=data_dir, pool_size=2)
    result: dict[str, Any] = {"bench": "memory", "machine": machine_info(), "clients": clients,
                              "phase_seconds": duration, "target_mb_per_worker": TARGET_MB}
    try:
        database.migrate()
        seeded = seed(database, data_dir, 50, 4)
        with live_server(data_dir, SERVE_ENV, log_name="bench-memory") as server:
            pid = server.process.pid
            time.sleep(2)
            result["idle_rss_mb"] = rss_mb(pid)
            load = Load("127.0.0.1", server.port, seeded.api_key, READ_PATH, "/api/v1/conversations/{id}/messages",
                        seeded.conversation_ids)
            result["under_load"] = loaded_phase(pid, load, clients, duration)
            result["model_load_seconds"] = load_the_model(server.url, seeded.api_key)
            result["model_loaded_idle_rss_mb"] = rss_mb(pid)
            result["model_loaded_under_load"] = loaded_phase(pid, load, clients, duration)
        peak = max(result["under_load"]["peak_rss_mb"], result["model_loaded_under_load"]["peak_rss_mb"])
        result["peak_rss_mb"] = peak
        result["meets_target"] = peak < TARGET_MB
        log.info("idle %.1f MB, peak %.1f MB", result["idle_rss_mb"], peak)
    finally:
        database.close()
        shutil.rmtree(data_dir, ignore_errors=True)
    emit(result)


if __name__ == "__main__":
    main()
