"""Asyncio connections as the app role, for the read endpoints that run without the thread pool (ADR 0034).

The rest of the application talks to PostgreSQL through SQLAlchemy's synchronous engine, one thread-pool
hop per dependency and per route. The high-volume list reads instead await psycopg directly on the event
loop: :class:`AsyncAppPool` lends them autocommit connections that open their transaction themselves
(``begin`` ... ``commit``), in pipeline mode, so a statement costs no round trip of its own.

The connections are made exactly like the engine's (:func:`engium.kit.database.app_connection_options`):
behind a transaction-pooling PgBouncer no statement is prepared, and nothing outlives a transaction (the
tenant binding is ``set_config(..., true)``, transaction-local, like everywhere else).

A pool belongs to the event loop that opened it. A request served on another loop (a test client that
runs each request on a loop of its own) gets a connection of its own, closed after the request.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool
from sqlalchemy import make_url

from engium.kit.database import Database, app_connection_options

AsyncConnection = psycopg.AsyncConnection[tuple[Any, ...]]
ACQUIRE_TIMEOUT_SECONDS = 3.0


class AsyncAppPool:
    def __init__(self, database: Database, *, max_size: int | None = None) -> None:
        url = make_url(database.urls.app).set(drivername="postgresql")
        self._conninfo = url.render_as_string(hide_password=False)
        self._options: dict[str, Any] = {"autocommit": True, **app_connection_options(database.pooler)}
        # Half the engine's size: a read holds its connection for one round trip, and the engine's pool (up
        # to twice ENGIUM_DB_POOL_SIZE with overflow) shares the server's max_connections with this one.
        self._max_size = max_size or max(4, database.pool_size // 2)
        self._pool: AsyncConnectionPool[AsyncConnection] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._opening = asyncio.Lock()

    async def _own_pool(self) -> AsyncConnectionPool[AsyncConnection] | None:
        """The pool of the running loop, opened on first use; None when another loop opened it."""
        loop = asyncio.get_running_loop()
        if self._pool is not None:
            return self._pool if self._loop is loop else None
        if self._loop is not None and self._loop is not loop:
            return None
        self._loop = loop
        async with self._opening:
            if self._pool is None:
                pool: AsyncConnectionPool[AsyncConnection] = AsyncConnectionPool(
                    self._conninfo,
                    kwargs=self._options,
                    min_size=1,
                    max_size=self._max_size,
                    # A request waits this long for a connection, then gets a 503: a read holds one for a
                    # round trip, so a longer wait means the server is unreachable, not busy.
                    timeout=ACQUIRE_TIMEOUT_SECONDS,
                    open=False,
                    name="engium-async-reads",
                )
                await pool.open()
                self._pool = pool
        return self._pool

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncConnection]:
        """An autocommit connection, idle (no transaction open) when lent and when given back."""
        pool = await self._own_pool()
        if pool is not None:
            async with pool.connection() as conn:
                yield conn
            return
        conn = await psycopg.AsyncConnection.connect(
            self._conninfo, connect_timeout=int(ACQUIRE_TIMEOUT_SECONDS), **self._options
        )
        try:
            yield conn
        finally:
            await conn.close()

    async def close(self) -> None:
        if self._pool is not None and self._loop is asyncio.get_running_loop():
            await self._pool.close()
        self._pool = None
        self._loop = None
