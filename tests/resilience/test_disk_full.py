"""The disk of the data directory fills up under load (a 256 MB tmpfs, filled to the last byte), then space
comes back. Meanwhile API writes and signed SMS webhooks are answered 503 with Retry-After (never a 200
for something not stored, never a 500), the server stays up, and once space returns everything works
again by itself: what was accepted is stored once and answered once, and the audit chain verifies.

Needs root (it mounts the tmpfs), as CI has; elsewhere it is deselected loudly (tests/resilience/conftest.py).
"""

from __future__ import annotations

import errno
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from tests.conftest import scratch_dir
from tests.live_server import LiveServer, live_server
from tests.resilience.fake_twilio import FakeTwilio
from tests.resilience.mixed_load import EXPECTED_STATUSES, assert_nothing_lost_or_doubled, mixed_load, open_business

DISK = "256m"
FULL_SECONDS = 4


@dataclass
class SmallDisk:
    scratch: Path
    mount: Path

    def fill(self) -> Path:
        """Writes a file until the disk refuses another byte."""
        filler = self.mount / "filler"
        block = b"\0" * (1 << 20)
        with filler.open("wb", buffering=0) as out:
            try:
                while True:
                    out.write(block)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
            try:
                while True:  # the last part of a megabyte, byte by byte in 4 KB steps
                    out.write(block[:4096])
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
        return filler


@pytest.fixture
def small_disk() -> Iterator[SmallDisk]:
    with scratch_dir("engium-disk-full-") as scratch:
        mount = scratch / "disk"
        mount.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK},mode=0755", "tmpfs", str(mount)],
                       check=True, capture_output=True)
        try:
            yield SmallDisk(scratch, mount)
        finally:
            subprocess.run(["umount", "-l", str(mount)], check=False, capture_output=True)


@pytest.fixture
def server(small_disk: SmallDisk, twilio: FakeTwilio) -> Iterator[LiveServer]:
    # The server's log stays off the full disk, so that the test can read what it said.
    # A job whose worker could not record its end (the disk was full) is retried once the worker's
    # heartbeats stop: quickly here, as in test_database_restart.py.
    env = {"ENGIUM_TWILIO_API_BASE": twilio.url, "ENGIUM_JOBS_HEARTBEAT_SECONDS": "0.5",
           "ENGIUM_JOBS_STALLED_AFTER_SECONDS": "3", "ENGIUM_JOBS_STALLED_CHECK_SECONDS": "1"}
    with live_server(small_disk.mount / "data", env, log_dir=small_disk.scratch) as started:
        yield started


def fresh_wal_segment(server: LiveServer) -> None:
    """Starts the next WAL segment (allocated in full when created) and checkpoints, so that the writes of
    the full-disk phase find room in the log: a full disk then fails data-file extensions, which
    PostgreSQL reports as an error, rather than a new log segment, which it cannot survive."""
    embedded = server.database.embedded
    assert embedded is not None
    with psycopg.connect(embedded.superuser_url.replace("postgresql+psycopg://", "postgresql://", 1),
                         autocommit=True) as connection:
        connection.execute("select pg_switch_wal()")
        connection.execute("checkpoint")


def test_a_full_disk_refuses_writes_clearly_and_recovers_when_space_returns(
    server: LiveServer, small_disk: SmallDisk, twilio: FakeTwilio, record_property: Callable[[str, object], None]
) -> None:
    business = open_business(server)
    fresh_wal_segment(server)
    with mixed_load(server, business, clients=2, pause=0.02) as sent:
        time.sleep(1)
        filler = small_disk.fill()
        full_at = time.perf_counter()
        time.sleep(FULL_SECONDS)
        filler.unlink()
        freed_at = time.perf_counter()
        time.sleep(4)

    statuses = Counter((s.kind, s.status) for s in sent)
    assert set(statuses) <= EXPECTED_STATUSES, f"{statuses}\n{server.log()[-6000:]}"
    refused = [s for s in sent if full_at < s.at < freed_at and s.status == 503]
    assert refused, f"nothing was refused while the disk was full: {statuses}"
    recovered = [s for s in sent if s.at > freed_at + 1 and s.status in {200, 201}]
    assert recovered, "writes did not work again once space returned"
    assert not [s for s in sent if s.at > freed_at + 1 and s.status != (201 if s.kind == "contact" else 200)]
    first_write = min(s.at for s in sent if s.at > freed_at and s.status in {200, 201})
    record_property("recovery_seconds", round(first_write - freed_at, 2))  # for the closing table
    log = server.log()
    assert "database unavailable: DiskFull" in log  # what the operator reads
    assert "Exception in ASGI application" not in log  # no request fell through to a 500
    assert_nothing_lost_or_doubled(server, business, sent, twilio)
