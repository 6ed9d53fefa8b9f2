"""A worker whose host clock is five minutes behind or ahead (Debian's libfaketime under the real
``engium worker``): what jobs record and sign still carries the database's time, as docs/operations.md
says. A failed webhook delivery is retried after its configured back-off (not at once, not minutes
late), the delivery's signature timestamp is within the receivers' tolerance, checkpoints the worker
seals are dated by the database, the audit chain verifies, and the worker's log names the skew."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from engium.config import Settings
from engium.kit.database import Database
from engium.runtime import Runtime
from tests.conftest import scratch_dir
from tests.jobs.one_delivery import queue_one_delivery
from tests.live_server import cli_env, run_cli

RETRY_SECONDS = 4
SKEW_SECONDS = 300
WORKER_ENV = {
    "ENGIUM_WEBHOOKS_ALLOW_PRIVATE_NETWORKS": "true", "ENGIUM_WEBHOOKS_ALLOW_HTTP": "true",
    "ENGIUM_WEBHOOKS_RETRY_DELAYS_SECONDS": f"[{RETRY_SECONDS}]", "ENGIUM_WEBHOOKS_RETRY_JITTER": "0",
    "ENGIUM_AUDIT_SEAL_INTERVAL_SECONDS": "1",
}


@dataclass
class Arrival:
    at: float  # this (unskewed) host's time.time()
    signed_at: int  # the webhook-timestamp header


@dataclass
class FailingOnceReceiver:
    """Answers 500 to the first delivery and 200 to the next; records when each came and its timestamp."""

    arrivals: list[Arrival] = field(default_factory=list)

    def __post_init__(self) -> None:
        arrivals = self.arrivals

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length", "0")))
                arrivals.append(Arrival(time.time(), int(self.headers["webhook-timestamp"])))
                self.send_response(500 if len(arrivals) == 1 else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def data_dir() -> Iterator[Path]:
    with scratch_dir("engium-clock-skew-") as path:
        yield path / "data"


def skewed_worker(faketime: str, database: Database, data_dir: Path, skew_seconds: int,
                  log_path: Path) -> subprocess.Popen[bytes]:
    # By URL, not by starting the embedded server: pgserver's machine-wide start lock retries with sleeps
    # that a shifted clock can make negative. The data directory still holds the keys and anchors.
    env = cli_env({**WORKER_ENV, "FAKETIME_DONT_FAKE_MONOTONIC": "1",  # asyncio's timers stay real
                   "ENGIUM_DATABASE_URL": database.urls.app, "ENGIUM_OWNER_DATABASE_URL": database.urls.owner})
    with log_path.open("wb") as log:
        return subprocess.Popen([faketime, "-f", f"{skew_seconds:+d}s", sys.executable, "-m", "engium.cli",
                                 "worker", "--data-dir", str(data_dir)],
                                stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    """Stops the worker and faketime around it: faketime runs the worker as its child and does not pass
    SIGTERM on, so the signal goes to the whole process group, and the test waits until it is empty."""
    os.killpg(worker.pid, signal.SIGTERM)
    worker.wait(60)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            os.killpg(worker.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.killpg(worker.pid, signal.SIGKILL)


@pytest.mark.parametrize("skew", [-SKEW_SECONDS, SKEW_SECONDS], ids=["behind", "ahead"])
def test_a_worker_with_a_skewed_clock_records_the_databases_time(faketime: str, data_dir: Path, skew: int) -> None:
    database = Database.open(app_url=None, owner_url=None, data_dir=data_dir, pool_size=3)
    database.migrate()
    runtime = Runtime(settings=Settings(data_dir=data_dir, secure_cookies=False), database=database)
    receiver = FailingOnceReceiver()
    log_path = data_dir.parent / "worker.log"
    worker: subprocess.Popen[bytes] | None = None
    try:
        tenant = queue_one_delivery(runtime, receiver.url)

        worker = skewed_worker(faketime, database, data_dir, skew, log_path)
        deadline = time.monotonic() + 60
        while (len(receiver.arrivals) < 2 or not checkpoint_of(database, tenant.id)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(receiver.arrivals) == 2, log_path.read_text(errors="replace")[-4000:]
        first, retry = receiver.arrivals
        # The back-off holds: a lagging clock would have retried at once, a leading one minutes late.
        assert RETRY_SECONDS - 0.5 <= retry.at - first.at <= RETRY_SECONDS + 10
        for arrival in receiver.arrivals:  # within any receiver's tolerance (Standard Webhooks: 5 min)
            assert abs(arrival.signed_at - arrival.at) < 5
        with database.transaction() as session:
            database_now: datetime = session.execute(text("select now()")).scalar_one()
        sealed_at = checkpoint_of(database, tenant.id)
        assert sealed_at is not None, "the worker sealed nothing"
        assert abs((database_now - sealed_at).total_seconds()) < 60  # not five minutes off
    finally:
        if worker is not None:
            stop_worker(worker)
        receiver.close()
        database.close()
    direction = "behind" if skew < 0 else "ahead of"
    said = re.search(rf"this host's clock is (\d+)\.\d s {direction} the database's", log_path.read_text())
    assert said is not None
    assert abs(int(said.group(1)) - SKEW_SECONDS) <= 2
    verified = run_cli(data_dir, "audit", "verify")
    assert verified.returncode == 0, verified.stdout[-2000:]


def checkpoint_of(database: Database, tenant_id: Any) -> datetime | None:
    engine = database.owner_engine()
    try:
        with engine.connect() as connection:
            sealed: datetime | None = connection.execute(text(
                "select max(sealed_at) from audit_checkpoints where tenant_id = :t"), {"t": tenant_id}).scalar_one()
    finally:
        engine.dispose()
    return sealed
