"""Two ``engium serve`` processes on one database: a key revoked through one is refused at once by the
other's event-loop list read (ADR 0034: every request asks the database, nothing is cached per process),
and a key warm in both processes' pools only ever reads its own business."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from engium.access.permissions import Role
from engium.app import create_app
from engium.config import Settings
from engium.kit.database import Database
from engium.runtime import Runtime
from tests.conftest import TenantHandle, bearer, make_api_key, make_tenant, scratch_dir
from tests.live_server import LiveServer, live_server

API = "/api/v1"


@dataclass
class TwoServers:
    runtime: Runtime
    first: LiveServer
    second: LiveServer
    ours: TenantHandle
    theirs: TenantHandle


@pytest.fixture(scope="module")
def two_servers() -> Iterator[TwoServers]:
    with scratch_dir("engium-revoke-") as scratch, ExitStack() as stack:
        data_dir = scratch / "data"
        database = Database.open(app_url=None, owner_url=None, data_dir=data_dir, pool_size=4)
        stack.callback(database.close)
        database.migrate()
        runtime = Runtime(settings=Settings(data_dir=data_dir, secure_cookies=False), database=database)
        ours, theirs = make_tenant(runtime), make_tenant(runtime)
        with TestClient(create_app(runtime)) as client:
            for tenant in (ours, theirs):
                made = client.post(f"{API}/contacts", headers=tenant.headers,
                                   json={"name": f"Customer of {tenant.name}", "widget_id": "v1"})
                assert made.status_code == 201, made.text
        first = stack.enter_context(live_server(data_dir, None, "--no-worker", log_name="serve-a"))
        second = stack.enter_context(live_server(data_dir, None, "--no-worker", log_name="serve-b"))
        yield TwoServers(runtime, first, second, ours, theirs)


def test_a_key_revoked_in_one_process_is_refused_at_once_in_the_other(two_servers: TwoServers) -> None:
    key = make_api_key(two_servers.runtime, two_servers.ours, Role.AGENT)
    with two_servers.first.client() as first, two_servers.second.client() as second:
        for _ in range(20):  # warm: the second process has read with this key many times
            assert second.get(f"{API}/conversations", headers=bearer(key)).status_code == 200
            assert second.get(f"{API}/contacts", headers=bearer(key)).status_code == 200
        listed = first.get(f"{API}/api-keys", headers=two_servers.ours.headers).json()
        key_id = next(k["id"] for k in listed if k["role"] == "agent" and k["revoked_at"] is None)
        revoked = first.delete(f"{API}/api-keys/{key_id}", headers=two_servers.ours.headers)
        assert revoked.status_code == 200, revoked.text

        for path in ("/conversations", "/contacts"):
            refused = second.get(f"{API}{path}", headers=bearer(key))
            assert refused.status_code == 401
            assert refused.json()["error"]["message"] == "Invalid or revoked API key"


def test_keys_warm_in_both_processes_read_only_their_own_business(two_servers: TwoServers) -> None:
    ours, theirs = two_servers.ours, two_servers.theirs
    with two_servers.first.client() as first, two_servers.second.client() as second:
        for round_ in range(30):
            for server in (first, second):
                tenant = ours if round_ % 2 else theirs
                names = [c["name"] for c in server.get(f"{API}/contacts", headers=tenant.headers).json()["items"]]
                assert names == [f"Customer of {tenant.name}"]
