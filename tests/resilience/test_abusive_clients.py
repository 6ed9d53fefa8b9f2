"""Slow and abusive clients against a real ``engium serve``: slowloris connections, thousands of idle
connections and a flood of invalid signatures. Each is cut off within the documented limits (README:
"Slow and abusive clients"), and everyone else is answered meanwhile."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator

import httpx2 as httpx
import pytest

from engium.config import Settings
from engium.runtime import Runtime
from tests.channels.inbound_helpers import configured_tenant, sms_params, twilio_request
from tests.conftest import scratch_dir
from tests.live_server import LiveServer, live_server

HEADER_SECONDS, KEEP_ALIVE_SECONDS = 2, 2
LIMITS = {"ENGIUM_HTTP_HEADER_TIMEOUT_SECONDS": str(HEADER_SECONDS),
          "ENGIUM_HTTP_KEEP_ALIVE_SECONDS": str(KEEP_ALIVE_SECONDS)}


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with scratch_dir("engium-abuse-") as scratch, live_server(scratch / "data", LIMITS) as started:
        yield started


def healthz_ms(server: LiveServer) -> float:
    started = time.perf_counter()
    assert httpx.get(f"{server.url}/healthz", timeout=5).status_code == 200
    return (time.perf_counter() - started) * 1000


def closed_by_server(connection: socket.socket) -> bool:
    connection.settimeout(0.5)
    try:
        answer = connection.recv(64)
    except TimeoutError:
        return False
    except OSError:
        return True
    return answer == b"" or answer.startswith(b"HTTP/1.1 408")


def test_slowloris_connections_are_cut_off_and_others_are_served(server: LiveServer) -> None:
    attackers = []
    for _ in range(300):
        connection = socket.create_connection(("127.0.0.1", server.port))
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        attackers.append(connection)
    assert healthz_ms(server) < 1000
    deadline = time.monotonic() + HEADER_SECONDS + 2
    while time.monotonic() < deadline:  # one more header byte a second, as a slowloris does
        for connection in attackers:
            with contextlib.suppress(OSError):
                connection.sendall(b"a")
        time.sleep(0.5)
    assert sum(closed_by_server(c) for c in attackers) == len(attackers)
    for connection in attackers:
        connection.close()


def test_idle_connections_are_closed_after_the_keep_alive_timeout(server: LiveServer) -> None:
    idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(1000)]
    assert healthz_ms(server) < 1000
    time.sleep(KEEP_ALIVE_SECONDS + 1.5)
    assert sum(closed_by_server(c) for c in idle) == len(idle)
    for connection in idle:
        connection.close()
    with httpx.Client(base_url=server.url) as client:  # an ordinary keep-alive client is unaffected
        assert [client.get("/healthz").status_code for _ in range(3)] == [200, 200, 200]


def test_a_flood_of_invalid_signatures_is_throttled_per_source_and_others_get_through(server: LiveServer) -> None:
    runtime = Runtime(settings=Settings(data_dir=server.data_dir, secure_cookies=False), database=server.database)
    with server.client() as api:
        business = configured_tenant(api, runtime)
    body, headers = twilio_request(business.twilio_path(), sms_params("SM" + "f" * 32))
    forged = {**headers, "X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}
    attacker = httpx.Client(base_url=server.url, transport=httpx.HTTPTransport(local_address="127.0.0.2"))
    provider = httpx.Client(base_url=server.url, transport=httpx.HTTPTransport(local_address="127.0.0.3"))
    with attacker, provider:
        statuses = [attacker.post(business.twilio_path(), content=body, headers=forged).status_code
                    for _ in range(120)]
        assert statuses[:30] == [401] * 30
        assert set(statuses[30:]) == {429}
        started = time.perf_counter()
        genuine = provider.post(business.twilio_path(), content=body, headers=headers)
        assert genuine.status_code == 200, genuine.text
        assert time.perf_counter() - started < 2
        # The attacker is still refused, even with a valid signature it may have replayed.
        assert attacker.post(business.twilio_path(), content=body, headers=headers).status_code == 429
