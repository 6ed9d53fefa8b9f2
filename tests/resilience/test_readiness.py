"""A load balancer's two probes against a real ``engium serve`` while its PostgreSQL stops and starts again
(docs/deploy.md): ``/readyz`` turns 503 while the database is unreachable and 200 once it is back, by itself;
``/healthz`` (the process is alive) stays 200 throughout, so an orchestrator takes the process out of rotation
without restarting it."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx2 as httpx
import pytest

from tests.conftest import scratch_dir
from tests.live_server import LiveServer, live_server
from tests.resilience.postgres_control import PostgresControl


@pytest.fixture
def server() -> Iterator[LiveServer]:
    with scratch_dir("engium-readiness-") as scratch, live_server(scratch / "data") as started:
        yield started


def _probe(client: httpx.Client, path: str) -> int:
    return client.get(path).status_code


def _until(client: httpx.Client, path: str, status: int, seconds: float) -> float:
    """Polls ``path`` until it answers ``status``; returns how long that took."""
    started = time.monotonic()
    while (answered := _probe(client, path)) != status:
        assert time.monotonic() - started < seconds, f"{path} still answers {answered}, not {status}"
        time.sleep(0.2)
    return time.monotonic() - started


def test_readyz_follows_the_database_while_healthz_stays_up(server: LiveServer) -> None:
    postgres = PostgresControl(server.data_dir)
    with server.client() as client:
        assert _probe(client, "/readyz") == 200
        assert _probe(client, "/healthz") == 200

        postgres.stop()
        try:
            _until(client, "/readyz", 503, seconds=10)
            body = client.get("/readyz").json()
            assert "Database unavailable" in str(body)
            assert _probe(client, "/healthz") == 200
            time.sleep(1)
            assert _probe(client, "/readyz") == 503  # not a blip: unready for as long as the database is down
            assert _probe(client, "/healthz") == 200
        finally:
            postgres.start()

        back_after = _until(client, "/readyz", 200, seconds=15)
        assert back_after < 15
        assert _probe(client, "/healthz") == 200
        assert client.get("/readyz").json() == {"status": "ready"}
    assert server.process.poll() is None  # never restarted: the same process came back
