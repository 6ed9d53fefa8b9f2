"""``engium worker`` told to stop (SIGTERM, as systemd and container runtimes do) in the middle of a job: the
job gets its grace (ENGIUM_JOBS_SHUTDOWN_GRACE_SECONDS) and finishes, the process then exits with status 0, and
the job is recorded as run once: a worker started afterwards does not run it again (docs/deploy.md)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text

from engium.config import Settings
from engium.kit.database import Database
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import scratch_dir
from tests.jobs.hanging_receiver import HangingReceiver
from tests.jobs.one_delivery import queue_one_delivery
from tests.live_server import cli_env

GRACE_SECONDS = 20
HELD_AFTER_SIGTERM_SECONDS = 3.0
WORKER_ENV = {
    "ENGIUM_WEBHOOKS_ALLOW_PRIVATE_NETWORKS": "true", "ENGIUM_WEBHOOKS_ALLOW_HTTP": "true",
    "ENGIUM_JOBS_SHUTDOWN_GRACE_SECONDS": str(GRACE_SECONDS),
    # Quick stalled-job recovery: had the stopped worker left its job behind, the later worker would retry it.
    "ENGIUM_JOBS_HEARTBEAT_SECONDS": "0.5", "ENGIUM_JOBS_STALLED_AFTER_SECONDS": "3",
    "ENGIUM_JOBS_STALLED_CHECK_SECONDS": "1",
}


def _start_worker(data_dir: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "engium.cli", "worker", "--data-dir", str(data_dir)],
                                stdout=out, stderr=subprocess.STDOUT, env=cli_env(WORKER_ENV))


def _job_record(database: Database) -> tuple[str, int]:
    """The delivery job's status and how many times a worker started it."""
    with database.transaction() as session:
        job_id, status = session.execute(text(
            "select id, status::text from procrastinate_jobs where task_name = 'webhooks.deliver'")).one()
        started = session.execute(text(
            "select count(*) from procrastinate_events where job_id = :j and type = 'started'"),
            {"j": job_id}).scalar_one()
    return status, started


def test_sigterm_lets_the_running_job_finish_then_the_worker_exits_cleanly_and_the_job_never_reruns() -> None:
    with scratch_dir("engium-worker-sigterm-") as scratch:
        data_dir = scratch / "data"
        log = scratch / "worker.log"
        database = Database.open(app_url=None, owner_url=None, data_dir=data_dir, pool_size=3)
        database.migrate()
        runtime = Runtime(settings=Settings(data_dir=data_dir, secure_cookies=False), database=database)
        receiver = HangingReceiver()
        try:
            tenant = queue_one_delivery(runtime, receiver.url)
            worker = _start_worker(data_dir, log)
            assert receiver.first_arrived.wait(60), "the worker never sent the delivery:\n" + log.read_text()
            worker.send_signal(signal.SIGTERM)  # mid-job: the delivery is in flight, nothing recorded yet
            time.sleep(HELD_AFTER_SIGTERM_SECONDS)
            assert worker.poll() is None, "the worker exited without waiting for its running job:\n" + log.read_text()
            receiver.release.set()  # the receiver answers 200 now; the job can finish
            stopping = time.monotonic()
            exit_code = worker.wait(GRACE_SECONDS + 15)
            assert exit_code == 0, log.read_text()
            assert time.monotonic() - stopping < GRACE_SECONDS  # it finished the job, not waited out the grace
            assert _job_record(database) == ("succeeded", 1)

            later = _start_worker(data_dir, log)
            try:
                time.sleep(5)  # past the stalled-job timeout and several checks: a left-behind job would rerun
            finally:
                later.send_signal(signal.SIGTERM)
                assert later.wait(30) == 0, log.read_text()

            assert len(receiver.ids) == 1  # delivered once, never retried
            assert _job_record(database) == ("succeeded", 1)
            with tenant_transaction(database, tenant.id) as session:
                deliveries = session.execute(text("select status from webhook_deliveries")).scalars().all()
            assert deliveries == ["delivered"]
        finally:
            receiver.close()
            database.close()
