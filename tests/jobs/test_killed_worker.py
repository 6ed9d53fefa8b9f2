"""A worker killed with SIGKILL in the middle of a job: the job is not lost (another worker retries it
once the dead one's heartbeats stop) and not duplicated (one delivery record, one success; the receiver
sees the same delivery id again, which is how webhook receivers recognise a retry)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from engium.config import Settings
from engium.kit.database import Database
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import scratch_dir
from tests.jobs.hanging_receiver import HangingReceiver
from tests.jobs.one_delivery import queue_one_delivery
from tests.live_server import cli_env

FAST_RECOVERY = {
    "ENGIUM_WEBHOOKS_ALLOW_PRIVATE_NETWORKS": "true", "ENGIUM_WEBHOOKS_ALLOW_HTTP": "true",
    "ENGIUM_JOBS_HEARTBEAT_SECONDS": "0.5", "ENGIUM_JOBS_STALLED_AFTER_SECONDS": "3",
    "ENGIUM_JOBS_STALLED_CHECK_SECONDS": "1",
}


@pytest.fixture(scope="module")
def data_dir() -> Iterator[Path]:
    with scratch_dir("engium-killed-worker-") as path:
        yield path / "data"


def start_worker(data_dir: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "engium.cli", "worker", "--data-dir", str(data_dir)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, env=cli_env(FAST_RECOVERY))


def test_a_job_of_a_killed_worker_is_retried_once_by_another(
    data_dir: Path, record_property: Callable[[str, object], None]
) -> None:
    database = Database.open(app_url=None, owner_url=None, data_dir=data_dir, pool_size=3)
    database.migrate()
    runtime = Runtime(settings=Settings(data_dir=data_dir, secure_cookies=False), database=database)
    receiver = HangingReceiver()
    try:
        tenant = queue_one_delivery(runtime, receiver.url)

        doomed = start_worker(data_dir)
        assert receiver.first_arrived.wait(60), "the first worker never sent the delivery"
        doomed.send_signal(signal.SIGKILL)  # mid-job: the request is in flight, nothing recorded yet
        doomed.wait(10)
        killed_at = time.monotonic()
        with database.transaction() as session:
            (status,) = session.execute(text(
                "select status::text from procrastinate_jobs where task_name = 'webhooks.deliver'")).one()
        assert status == "doing"  # left running by a worker that no longer exists

        survivor = start_worker(data_dir)
        try:
            deadline = time.monotonic() + 60
            while len(receiver.ids) < 2 and time.monotonic() < deadline:
                time.sleep(0.2)
            record_property("recovery_seconds", round(time.monotonic() - killed_at, 2))  # the closing table
            time.sleep(2)  # a third copy, had the job run twice more, would be here now
        finally:
            survivor.terminate()
            survivor.wait(60)

        assert len(receiver.ids) == 2
        assert receiver.ids[0] == receiver.ids[1]  # the same delivery, retried: the receiver can tell
        with database.transaction() as session:
            job_id, status = session.execute(text(
                "select id, status::text from procrastinate_jobs where task_name = 'webhooks.deliver'")).one()
            started = session.execute(text(
                "select count(*) from procrastinate_events where job_id = :j and type = 'started'"),
                {"j": job_id}).scalar_one()
        assert (status, started) == ("succeeded", 2)
        with tenant_transaction(database, tenant.id) as session:
            deliveries = session.execute(text("select status from webhook_deliveries")).scalars().all()
        assert deliveries == ["delivered"]
    finally:
        receiver.close()
        database.close()
