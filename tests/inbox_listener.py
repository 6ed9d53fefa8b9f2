"""A connection listening on the staff inbox's channel, for tests of what a write announces."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from engium.conversations.repository import INBOX_CHANNEL
from engium.runtime import Runtime


@contextmanager
def inbox_listener(runtime: Runtime) -> Iterator[Any]:
    """The psycopg connection, in autocommit and listening; ``notifies()`` on it yields the announcements."""
    listener = runtime.database.app_engine.raw_connection()
    driver: Any = listener.driver_connection
    listener.detach()  # autocommit and LISTEN must not go back to the pool with it
    try:
        driver.rollback()
        driver.autocommit = True
        driver.execute(f"listen {INBOX_CHANNEL}")
        yield driver
    finally:
        listener.close()
