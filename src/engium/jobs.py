"""Engium's task queue: where every domain's tasks are registered, and how a worker runs them.

Each domain declares its tasks in ``<domain>/tasks.py`` on :data:`queue`. Two procrastinate apps share
those tasks:

* :data:`queue` has a synchronous connector with no pool of its own: it only defers, always on the
  caller's connection, inside the caller's transaction (:func:`engium.kit.jobs.defer`);
* :func:`worker_app` builds, per worker, an app with an asynchronous pool that claims and runs jobs,
  with the periodic tasks scheduled from the settings of the process that runs it.

The worker hands every task the process's :class:`~engium.runtime.Runtime` through the job context
(:func:`runtime_of`), so tasks reach the database, the vault and the models the way requests do.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import signal
import threading
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

import procrastinate
import psycopg
from procrastinate.exceptions import ConnectorException
from procrastinate.periodic import PeriodicRegistry
from procrastinate.tasks import configure_task
from procrastinate.worker import Worker
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from engium.kit.database_clock import DATABASE_CLOCK
from engium.kit.jobs import cron_every, job_arguments

if TYPE_CHECKING:
    from engium.runtime import Runtime

log = logging.getLogger(__name__)

TASK_MODULES = (
    "engium.analytics.tasks",
    "engium.assistant.notice_tasks",
    "engium.assistant.tasks",
    "engium.audit.tasks",
    "engium.calendars.tasks",
    "engium.channels.tasks",
    "engium.incidents.tasks",
    "engium.mail.tasks",
    "engium.notifications.tasks",
    "engium.privacy.tasks",
    "engium.webhooks.tasks",
)
RUNTIME_KEY = "runtime"

queue = procrastinate.App(connector=procrastinate.SyncPsycopgConnector(), import_paths=list(TASK_MODULES))



@queue.task(name="jobs.retry_stalled", pass_context=True, queue="maintenance", queueing_lock="jobs.retry_stalled")
async def retry_stalled(context: procrastinate.JobContext, timestamp: int) -> None:
    """Jobs left running by a worker that died (killed, lost its host) are retried, not lost: their
    domain rows say how far they got, so a retry resumes rather than repeats (see each task)."""
    manager = context.app.job_manager
    runtime = runtime_of(context)
    await asyncio.to_thread(measure_clock, runtime)  # clocks drift: measured again at every check
    stalled_after = runtime.settings.jobs.stalled_after_seconds
    for job in await manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after):
        log.warning("retrying job %s (%s) of a stalled worker", job.id, job.task_name)
        await manager.retry_job(job)


@queue.task(name="jobs.remove_finished", pass_context=True, queue="maintenance",
            queueing_lock="jobs.remove_finished")
async def remove_finished(context: procrastinate.JobContext, timestamp: int) -> None:
    """Succeeded jobs are kept ``ENGIUM_JOBS_KEEP_FINISHED_HOURS`` for inspection, then deleted; failed
    ones stay for the operator (they hold ids only)."""
    hours = runtime_of(context).settings.jobs.keep_finished_hours
    await context.app.job_manager.delete_old_jobs(nb_hours=hours)


def measure_clock(runtime: Runtime) -> None:
    """How far this host's clock is from the database's, for what jobs record (kit/database_clock.py)."""
    try:
        DATABASE_CLOCK.measure(runtime.database, warn_after_seconds=runtime.settings.jobs.clock_skew_warning_seconds)
    except OperationalError:
        log.warning("could not read the database's clock; keeping the last measured offset")


def runtime_of(context: procrastinate.JobContext) -> Runtime:
    return cast("Runtime", context.additional_context[RUNTIME_KEY])


def defer(session: Session, task_name: str, *, lock: str | None = None, schedule_at: datetime | None = None,
          **ids: str | UUID) -> int:
    """Queues ``task_name(**ids)`` in ``session``'s transaction (on its connection); returns the job id.

    By name, so that the code that asks for work needs none of the code that does it. The values must
    be ids: never text a customer wrote, never a secret. ``lock``: jobs sharing it run one at a time,
    in the order they were queued (one conversation's turns). ``schedule_at``: not run before then (the
    database's time, :data:`~engium.kit.database_clock.DATABASE_CLOCK`). Anything else is refused with
    :class:`~engium.kit.jobs.NotAnId` before a row is written."""
    arguments = job_arguments(task_name, ids)
    connection = session.connection().connection.driver_connection
    deferrer = configure_task(name=task_name, job_manager=queue.job_manager, connection=connection, lock=lock,
                              schedule_at=schedule_at)
    try:
        return deferrer.defer(**arguments)
    except ConnectorException as exc:
        # procrastinate wraps the driver's error in its own; unwrapped into the error every other
        # statement of the transaction raises, a full disk or a lost connection while queueing answers
        # 503 with Retry-After like them (errors.py), not 500.
        if isinstance(exc.__cause__, psycopg.Error):
            raise DBAPIError.instance("procrastinate_defer_jobs", None, exc.__cause__, psycopg.Error) from exc
        raise


def libpq_url(sqlalchemy_url: str) -> str:
    return make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)


def periodic_tasks(runtime: Runtime, app: procrastinate.App) -> PeriodicRegistry:
    """Periodic work, each deferred once per period across all workers (procrastinate records each
    (task, period) it defers under a unique key). The worker's own app defers them: :data:`queue`
    only defers on a caller's connection."""
    queue.perform_import_paths()
    settings = runtime.settings
    registry = PeriodicRegistry()
    schedule = {
        "audit.seal": cron_every(settings.audit_seal_interval_seconds),
        "audit.prepare_months": cron_every(86400),
        "channels.purge_replay_ids": cron_every(settings.channels.purge_interval_seconds),
        "jobs.retry_stalled": cron_every(settings.jobs.stalled_check_seconds),
        "jobs.remove_finished": cron_every(3600),
        "privacy.retention": cron_every(86400),
        "privacy.request_clocks": cron_every(3600),
        "incidents.verify_audit": cron_every(settings.incidents.verify_interval_seconds),
        "incidents.watch_bursts": cron_every(settings.incidents.burst_window_minutes * 60),
        "incidents.clocks": cron_every(settings.incidents.clock_check_seconds),
        "notifications.digest": cron_every(3600),
        "calendars.refresh": cron_every(900),
        "bookings.send_reminders": cron_every(settings.reminder_interval_seconds),
    }
    for name, cron in schedule.items():
        bound = copy.copy(queue.tasks[name])
        bound.blueprint = app
        registry.register_task(task=bound, cron=cron, periodic_id="", configure_kwargs={})
    return registry


def worker_app(runtime: Runtime, *, periodic: bool) -> procrastinate.App:
    queue.perform_import_paths()
    settings = runtime.settings.jobs
    connector = procrastinate.PsycopgConnector(
        # Direct, never through a transaction pooler: the worker LISTENs for new jobs.
        conninfo=libpq_url(runtime.database.urls.session_url),
        min_size=1,
        # One connection per concurrent job's procrastinate calls, plus LISTEN and the fetch loop.
        max_size=settings.concurrency + 3,
        kwargs={"application_name": "engium-worker"},
    )
    app = procrastinate.App(connector=connector, import_paths=list(TASK_MODULES))
    app.tasks = queue.tasks
    if periodic:
        app.periodic_registry = periodic_tasks(runtime, app)
    return app


# Pauses before starting a failed worker again; a worker that ran this long starts from the first again.
RESTART_DELAYS_SECONDS = (0.5, 1.0, 2.0, 5.0)
RESTART_RESET_SECONDS = 30.0


class JobWorker:
    """One procrastinate worker over :data:`queue`'s tasks, stopped gracefully by :meth:`stop`: running
    jobs get ``ENGIUM_JOBS_SHUTDOWN_GRACE_SECONDS``, then the worker unregisters and the pool closes.

    Stopping through the worker rather than cancelling its task matters: a cancellation that lands
    while the pool is opening or the worker registering can leave the pool's close waiting for ever."""

    def __init__(self, runtime: Runtime, *, wait: bool = True, install_signal_handlers: bool = False,
                 periodic: bool = True, name: str | None = None) -> None:
        self.runtime = runtime
        self.wait = wait
        self.install_signal_handlers = install_signal_handlers
        self.periodic = periodic
        self.name = name
        self._worker: Worker | None = None
        self._stopping = False

    async def run(self) -> None:
        """Runs jobs until :meth:`stop`. procrastinate stops its worker when the database goes away (its
        LISTEN connection breaks during a restart); the worker is then started again after a pause, so
        jobs resume by themselves once the database is back."""
        if self.install_signal_handlers:
            # Ours, not procrastinate's: its own handler stops the worker exactly as a failure does (a
            # normal return), and a signal must end the loop below where a failure restarts it.
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, self.stop)
        failures = 0
        while True:
            started = time.monotonic()
            try:
                await self._run_once()
                if self._stopping or not self.wait:
                    return
                log.warning("the job worker stopped by itself; starting it again")
            except Exception:
                if self._stopping:
                    return
                log.warning("the job worker failed; starting it again", exc_info=True)
            if time.monotonic() - started > RESTART_RESET_SECONDS:
                failures = 0
            delay = RESTART_DELAYS_SECONDS[min(failures, len(RESTART_DELAYS_SECONDS) - 1)]
            failures += 1
            deadline = time.monotonic() + delay
            while time.monotonic() < deadline and not self._stopping:  # stop() may come from any thread
                await asyncio.sleep(0.1)
            if self._stopping:
                return

    async def _run_once(self) -> None:
        settings = self.runtime.settings.jobs
        await asyncio.to_thread(measure_clock, self.runtime)
        app = worker_app(self.runtime, periodic=self.periodic)
        options: dict[str, Any] = {
            "wait": self.wait,
            "install_signal_handlers": False,
            "concurrency": settings.concurrency,
            "additional_context": {RUNTIME_KEY: self.runtime},
            "fetch_job_polling_interval": settings.poll_interval_seconds,
            "shutdown_graceful_timeout": settings.shutdown_grace_seconds,
            "update_heartbeat_interval": settings.heartbeat_seconds,
            "stalled_worker_timeout": settings.stalled_after_seconds,
        }
        if self.name is not None:
            options["name"] = self.name
        async with app.open_async():
            if self._stopping:
                return
            self._worker = Worker(app=app, **options)
            # No await between creating and running it: a stop() can only come once run() has begun.
            await self._worker.run()

    def stop(self) -> None:
        """From the worker's event loop or any other thread."""
        self._stopping = True
        if self._worker is not None:
            self._worker.stop()


async def run_worker(runtime: Runtime, *, wait: bool = True, install_signal_handlers: bool = False,
                     periodic: bool = True, name: str | None = None) -> None:
    """Runs jobs until stopped (``wait``) or until none is due (``wait=False``: tests, one-off drains)."""
    await JobWorker(runtime, wait=wait, install_signal_handlers=install_signal_handlers, periodic=periodic,
                    name=name).run()


def drain(runtime: Runtime) -> None:
    """Runs every job that is due now, then returns (no periodic tasks): for tests and operations."""
    asyncio.run(run_worker(runtime, wait=False, periodic=False))


class WorkerThread:
    """A worker on its own thread and event loop for the duration of a ``with`` block, as ``engium serve``
    runs one beside the app: for tests and benchmarks (periodic tasks only when asked for)."""

    def __init__(self, runtime: Runtime, *, periodic: bool = False) -> None:
        self.runtime = runtime
        self.periodic = periodic
        self._loop = asyncio.new_event_loop()
        self._worker = JobWorker(runtime, periodic=periodic)
        self._thread = threading.Thread(target=self._run, name="test-job-worker", daemon=True)
        self._started = threading.Event()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.call_soon(self._started.set)
        self._loop.run_until_complete(self._worker.run())
        self._loop.close()

    def __enter__(self) -> WorkerThread:
        self._thread.start()
        self._started.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._worker.stop)
        self._thread.join(60)
