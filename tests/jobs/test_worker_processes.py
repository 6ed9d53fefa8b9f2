"""Several real `engium worker` processes against one database: every job runs exactly once, and a
periodic task is deferred once per period however many workers defer it.

The jobs are webhook deliveries to a loopback receiver that counts each delivery id it is sent; the
workers are separate processes of the real CLI, attached to one embedded PostgreSQL.
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from engium.config import Settings
from engium.kit.database import Database
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from engium.webhooks import service as webhooks
from engium.webhooks.schemas import EndpointCreate
from engium.webhooks.settings import WebhookSettings
from tests.conftest import make_tenant, scratch_dir
from tests.live_server import cli_env
from tests.tenancy.fixtures import owner_principal
from tests.webhooks.conftest import Receiver, receiver

WORKERS = 3
DELIVERIES = 60
LOOPBACK = {"ENGIUM_WEBHOOKS_ALLOW_PRIVATE_NETWORKS": "true", "ENGIUM_WEBHOOKS_ALLOW_HTTP": "true",
            "ENGIUM_AUDIT_SEAL_INTERVAL_SECONDS": "2", "ENGIUM_JOBS_CONCURRENCY": "2"}

__all__ = ["receiver"]


@pytest.fixture(scope="module")
def workers_dir() -> Iterator[Path]:
    with scratch_dir("engium-workers-") as path:
        yield path / "data"


@pytest.fixture(scope="module")
def shared(workers_dir: Path) -> Iterator[Runtime]:
    data_dir = workers_dir
    database = Database.open(app_url=None, owner_url=None, data_dir=data_dir, pool_size=5)
    database.migrate()
    yield Runtime(settings=Settings(data_dir=data_dir, secure_cookies=False), database=database)
    database.close()


def start_workers(data_dir: Path, count: int) -> list[subprocess.Popen[bytes]]:
    workers = []
    for n in range(count):
        with (data_dir.parent / f"worker-{n}.log").open("wb") as log:
            workers.append(subprocess.Popen(
                [sys.executable, "-m", "engium.cli", "worker", "--data-dir", str(data_dir)],
                stdout=log, stderr=subprocess.STDOUT, env=cli_env(LOOPBACK),
            ))
    return workers


def stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        try:
            worker.wait(60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def worker_logs(data_dir: Path) -> str:
    """What the workers wrote, shown when an assertion about them fails."""
    return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}"
                     for log in sorted(data_dir.parent.glob("worker-*.log")))


def wait_for_registration(runtime: Runtime, count: int) -> int:
    """How many workers registered, waiting up to a minute for ``count`` of them."""
    deadline = time.monotonic() + 60
    while True:
        with runtime.database.transaction() as session:
            registered = int(session.execute(text("select count(*) from procrastinate_workers")).scalar_one())
        if registered >= count or time.monotonic() > deadline:
            return registered
        time.sleep(0.2)


def test_every_job_runs_once_across_worker_processes(shared: Runtime, workers_dir: Path, receiver: Receiver) -> None:
    tenant = make_tenant(shared)
    settings = WebhookSettings(allow_private_networks=True, allow_http=True)
    with tenant_transaction(shared.database, tenant.id) as session:
        webhooks.create_endpoint(
            session, shared.vault, owner_principal(tenant),
            EndpointCreate(url=receiver.url, event_types=["conversation.resolved"]), webhooks.Guard(settings),
        )
    workers = start_workers(workers_dir, WORKERS)
    try:
        registered = wait_for_registration(shared, WORKERS)
        # Queued while the workers run: every job is announced to all of them at once.
        for _ in range(DELIVERIES):
            with tenant_transaction(shared.database, tenant.id) as session:
                # An event staff notifications ignore: these name no real conversation or booking.
                webhooks.emit(session, tenant.id, "conversation.resolved", {"conversation_id": str(uuid.uuid4())})
        deadline = time.monotonic() + 120
        while len(receiver.requests) < DELIVERIES and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)  # a duplicate, had there been one, would arrive now
        with shared.database.transaction() as session:
            jobs = session.execute(text(
                "select status::text, attempts, worker_id from procrastinate_jobs "
                "where task_name = 'webhooks.deliver' and args ->> 'tenant_id' = :t"
            ), {"t": str(tenant.id)}).all()
    finally:
        stop(workers)

    received = Counter(r.headers["webhook-id"] for r in receiver.requests)
    assert len(received) == DELIVERIES
    assert set(received.values()) == {1}, "a delivery was sent twice"
    assert len(jobs) == DELIVERIES
    assert {(status, attempts) for status, attempts, _ in jobs} == {("succeeded", 1)}
    assert registered >= WORKERS, worker_logs(workers_dir)
    assert len({worker for _, _, worker in jobs}) >= 2, "the workers did not share the queue"


def test_a_periodic_task_is_deferred_once_per_period(shared: Runtime, workers_dir: Path) -> None:
    def per_period() -> list[tuple[str, int]]:
        # Each periodic job carries the period it was deferred for; procrastinate_periodic_defers only
        # keeps the latest period per task, so the jobs themselves are the record.
        with shared.database.transaction() as session:
            rows = session.execute(text(
                "select args ->> 'timestamp', count(*) from procrastinate_jobs "
                "where task_name = 'audit.seal' group by 1"
            )).all()
        return [(str(t), int(n)) for t, n in rows]

    before = len(per_period())
    workers = start_workers(workers_dir, WORKERS)
    try:
        # Several 2-second sealing periods, each seen by every worker (bounded: a loaded machine is slow).
        deadline = time.monotonic() + 60
        while len(per_period()) < before + 4 and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        stop(workers)
    periods = per_period()
    assert len(periods) >= before + 4, worker_logs(workers_dir)
    assert {count for _, count in periods} == {1}, periods
