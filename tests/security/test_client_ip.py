"""Finding 2: the client address could be forged with X-Forwarded-For.

``engium serve`` ran uvicorn with its default proxy-header handling, which rewrites the socket peer from
``X-Forwarded-For`` whenever the connection comes from 127.0.0.1, even with ``ENGIUM_TRUSTED_PROXIES``
empty. The audit log recorded the forged address, and a new forged address per request escaped every
per-address limit (sign-in, webhook failures, widget). Now ``ENGIUM_TRUSTED_PROXIES`` alone decides
whether a forwarded address is believed.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from engium.config import Settings
from engium.runtime import Runtime
from tests.conftest import TenantHandle, audit_events, make_tenant
from tests.live_server import LiveServer, live_server

FORGED = "198.51.100.9"  # RFC 5737 documentation address: never the test's own
LOOPBACK = "127.0.0.1"
SIGN_INS_PER_MINUTE = 30  # ENGIUM_LOGIN_ATTEMPTS_PER_MINUTE's default


@pytest.fixture(scope="module")
def default_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server with the shipped defaults: no trusted proxy, the real sign-in limit per address."""
    with live_server(tmp_path_factory.mktemp("default-live") / "data") as server:
        yield server


@pytest.fixture(scope="module")
def behind_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server told that the loopback address is its reverse proxy."""
    env = {"ENGIUM_TRUSTED_PROXIES": f"{LOOPBACK}/32"}
    with live_server(tmp_path_factory.mktemp("behind-proxy") / "data", env) as server:
        yield server


def runtime_of(server: LiveServer) -> Runtime:
    return Runtime(settings=Settings(data_dir=Path(server.data_dir), secure_cookies=False), database=server.database)


def change_settings_and_probe(client: httpx.Client, tenant: TenantHandle, forwarded_for: str) -> None:
    """One audited change and one audited refusal (a missing conversation), both claiming ``forwarded_for``."""
    headers = {**tenant.headers, "X-Forwarded-For": forwarded_for}
    changed = client.patch("/api/v1/settings", json={"assistant_persona": "Warm and brief."}, headers=headers)
    assert changed.status_code == 200, changed.text
    missing = client.get(f"/api/v1/conversations/{uuid.uuid4()}", headers=headers)
    assert missing.status_code == 404, missing.text


def addresses_recorded(runtime: Runtime, tenant: TenantHandle) -> dict[str, str | None]:
    """The address of each event; a refusal is recorded just after its response went out, so wait for it."""
    deadline = time.monotonic() + 5.0
    while True:
        events = audit_events(runtime, tenant)
        recorded = {e["action"]: e["ip"] for e in events if e["action"] in {"setting.updated", "request.denied"}}
        if len(recorded) == 2 or time.monotonic() > deadline:
            assert set(recorded) == {"setting.updated", "request.denied"}, events
            return recorded
        time.sleep(0.1)


def test_a_forged_forwarded_for_is_not_what_the_audit_log_records(
    live: LiveServer, live_runtime: Runtime, live_tenant: TenantHandle
) -> None:
    with live.client() as client:
        change_settings_and_probe(client, live_tenant, FORGED)

    assert addresses_recorded(live_runtime, live_tenant) == {"setting.updated": LOOPBACK, "request.denied": LOOPBACK}


def test_rotating_forwarded_for_does_not_escape_the_sign_in_limit(default_live: LiveServer) -> None:
    def sign_in(n: int) -> int:
        # A new unknown account each time: the account lockout never triggers, only the address limit can.
        body = {"email": f"nobody-{n}@example.com", "password": "a wrong guess"}
        return client.post("/api/v1/auth/login", json=body, headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code

    with default_live.client() as client:
        statuses = [sign_in(n) for n in range(SIGN_INS_PER_MINUTE + 1)]

    assert statuses == [401] * SIGN_INS_PER_MINUTE + [429]


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(behind_proxy: LiveServer) -> None:
    runtime = runtime_of(behind_proxy)
    tenant = make_tenant(runtime)
    with behind_proxy.client() as client:
        # The proxy appends the address it saw to whatever the client sent: only the last hop is believed.
        change_settings_and_probe(client, tenant, f"203.0.113.77, {FORGED}")

    assert addresses_recorded(runtime, tenant) == {"setting.updated": FORGED, "request.denied": FORGED}
