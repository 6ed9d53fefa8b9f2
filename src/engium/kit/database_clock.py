"""One clock for everything Engium records: PostgreSQL's.

Requests take their times from the database (``now()`` in SQL). Background jobs compute times in Python
(a retry's due time, a webhook signature's timestamp, a reminder's deadline), and a worker host whose
clock drifted would write its own idea of the time next to the database's. So each worker process
measures how far its clock is from the database's (:meth:`DatabaseClock.measure`, when the worker starts
and at every stalled-job check) and reads the time through :data:`DATABASE_CLOCK`, which adds that
offset. A few minutes of skew then changes nothing that is recorded or signed; only the moment a
periodic task fires follows the host's clock (procrastinate schedules them locally).
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from engium.kit.database import Database

log = logging.getLogger(__name__)


class DatabaseClock:
    """The database server's time, read on this host: the local clock plus the last measured offset."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def measure(self, database: Database, *, warn_after_seconds: float) -> timedelta:
        """Reads ``clock_timestamp()`` and keeps the difference to the local clock at the middle of the
        round trip (the query's own latency, on a healthy network under a millisecond, is the error)."""
        with database.transaction() as session:
            before = time.time()
            server_now: datetime = session.execute(text("select clock_timestamp()")).scalar_one()
            after = time.time()
        offset = server_now - datetime.fromtimestamp((before + after) / 2, UTC)
        if abs(offset.total_seconds()) > warn_after_seconds:
            log.warning("this host's clock is %.1f s %s the database's; Engium corrects for it in what jobs "
                        "record, but fix the host's time sync (NTP)", abs(offset.total_seconds()),
                        "behind" if offset > timedelta(0) else "ahead of")
        self.offset = offset
        return offset


# This process's view of the database's time (the offset belongs to the host's clock, so one per process).
DATABASE_CLOCK = DatabaseClock()
