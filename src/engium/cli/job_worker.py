"""Runs the job runtime's worker: inside ``engium serve`` (on the app's event loop) or as ``engium worker``.

Either way the worker runs every task (assistant turns, channel sends, webhook deliveries) and the
periodic ones (audit sealing, replay-id purge, stalled-job recovery); any number of them may run
against one database. On shutdown running jobs get ``ENGIUM_JOBS_SHUTDOWN_GRACE_SECONDS`` to finish,
and the audit log is sealed once more.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from engium.audit.checkpoints import seal_with_settings
from engium.jobs import JobWorker, run_worker
from engium.runtime import Runtime

if TYPE_CHECKING:
    from fastapi import FastAPI

log = logging.getLogger(__name__)
# Beyond the running jobs' grace: unregistering the worker and closing its pool.
STOP_MARGIN_SECONDS = 10.0


def worker_name(role: str) -> str:
    return f"{role}-{socket.gethostname()}-{os.getpid()}"


def _final_seal(runtime: Runtime) -> None:
    try:
        seal_with_settings(runtime.database, runtime.settings)
    except Exception:
        log.exception("the final audit seal failed")


def attach_job_worker(app: FastAPI, runtime: Runtime) -> None:
    """Runs a worker for the app's lifetime, stopped (gracefully) before the app closes the database."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[Any]:
        async with inner(application) as state:
            worker = JobWorker(runtime, name=worker_name("serve"))
            running = asyncio.create_task(worker.run())
            try:
                yield state
            finally:
                worker.stop()
                grace = runtime.settings.jobs.shutdown_grace_seconds + STOP_MARGIN_SECONDS
                try:
                    await asyncio.wait_for(running, grace)
                except TimeoutError:
                    log.error("the job worker did not stop within %.0f s", grace)
                await asyncio.to_thread(_final_seal, runtime)

    app.router.lifespan_context = lifespan


def run_in_foreground(runtime: Runtime) -> None:
    """``engium worker``: until SIGINT/SIGTERM, then a graceful stop and a last seal."""
    try:
        asyncio.run(run_worker(runtime, install_signal_handlers=True, name=worker_name("worker")))
    finally:
        _final_seal(runtime)
