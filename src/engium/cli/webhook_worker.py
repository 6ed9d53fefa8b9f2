"""Runs the background senders next to the audit sealer (``engium serve`` / ``engium worker``): the
outbound webhook delivery worker, the channel sender (SMS/WhatsApp replies, replay-table purge) and the
assistant (answers customers' messages)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import TYPE_CHECKING, Any, Protocol

from engium.assistant.worker import AssistantLoop, AssistantWorker
from engium.channels.sender import ChannelSender, ChannelSenderWorker
from engium.runtime import Runtime
from engium.webhooks.delivery import DeliveryWorker, Dispatcher

if TYPE_CHECKING:
    from fastapi import FastAPI


class Worker(Protocol):
    def start(self) -> None: ...
    def stop(self, timeout: float = 30.0) -> None: ...


def delivery_worker(runtime: Runtime) -> DeliveryWorker:
    return DeliveryWorker(Dispatcher(runtime.database, runtime.vault, runtime.settings.webhooks))


def channel_sender(runtime: Runtime) -> ChannelSenderWorker:
    return ChannelSenderWorker(ChannelSender(runtime.database, runtime.vault, runtime.settings.channels))


def assistant(runtime: Runtime) -> AssistantLoop:
    # The embedder loads on the first knowledge question; the gateway is None in the default grounded mode.
    worker = AssistantWorker(runtime.database, runtime.settings.assistant, lambda: runtime.embedder,
                             runtime.gateway, vault=runtime.vault)
    return AssistantLoop(worker)


def background_workers(runtime: Runtime) -> list[Worker]:
    return [delivery_worker(runtime), channel_sender(runtime), assistant(runtime)]


def _stop_all(workers: list[Worker]) -> None:
    for worker in reversed(workers):
        worker.stop()


def attach_delivery_worker(app: FastAPI, runtime: Runtime) -> None:
    """Runs the background workers for the app's lifetime; stopped before the app's own shutdown
    closes the database."""
    workers = background_workers(runtime)
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[Any]:
        async with inner(application) as state:
            started: list[Worker] = []
            try:
                for worker in workers:
                    worker.start()
                    started.append(worker)
                yield state
            finally:
                await asyncio.to_thread(_stop_all, started)

    app.router.lifespan_context = lifespan


@contextmanager
def delivery_worker_running(runtime: Runtime) -> Iterator[list[Worker]]:
    workers = background_workers(runtime)
    started: list[Worker] = []
    try:
        for worker in workers:
            worker.start()
            started.append(worker)
        yield workers
    finally:
        _stop_all(started)
