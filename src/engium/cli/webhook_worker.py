"""Runs the outbound webhook delivery worker next to the audit sealer (``engium serve`` / ``engium worker``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import TYPE_CHECKING, Any

from engium.runtime import Runtime
from engium.webhooks.delivery import DeliveryWorker, Dispatcher

if TYPE_CHECKING:
    from fastapi import FastAPI


def delivery_worker(runtime: Runtime) -> DeliveryWorker:
    return DeliveryWorker(Dispatcher(runtime.database, runtime.vault, runtime.settings.webhooks))


def attach_delivery_worker(app: FastAPI, runtime: Runtime) -> None:
    """Delivers for the app's lifetime; stopped before the app's own shutdown closes the database."""
    worker = delivery_worker(runtime)
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[Any]:
        async with inner(application) as state:
            worker.start()
            try:
                yield state
            finally:
                await asyncio.to_thread(worker.stop)

    app.router.lifespan_context = lifespan


@contextmanager
def delivery_worker_running(runtime: Runtime) -> Iterator[DeliveryWorker]:
    worker = delivery_worker(runtime)
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()
