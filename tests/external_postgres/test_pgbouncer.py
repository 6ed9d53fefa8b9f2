"""Engium behind PgBouncer in transaction mode, where one client's consecutive transactions run on
whichever server connection is free: the tenant binding must never travel with a server connection to
another client, prepared statements must not be assumed, and LISTEN must not go through it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from engium.app import create_app
from engium.config import Settings
from engium.kit.database import Database
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.channels.inbound_helpers import add_credential
from tests.conftest import TenantHandle, make_tenant, scratch_dir
from tests.external_postgres.pgbouncer import pgbouncer
from tests.live_server import cli_env, live_server, run_cli

ROOT = Path(__file__).resolve().parents[2]
TENANTS = 6
CLIENTS = 24
ROUNDS = 40


@dataclass
class Bounced:
    direct: Database  # the embedded server, reached directly (migrations, tenants made by the test)
    pooled: Database  # the app role through PgBouncer, as a deployment behind it runs
    url: str
    data_dir: Path


@pytest.fixture(scope="module")
def bounced() -> Iterator[Bounced]:
    with scratch_dir("engium-bounced-") as scratch:
        data_dir = scratch / "data"
        direct = Database.open(app_url=None, owner_url=None, data_dir=data_dir, pool_size=4)
        direct.migrate()
        try:
            with pgbouncer(direct.urls.app, server_connections=4) as url:
                pooled = Database.open(app_url=url, owner_url=direct.urls.owner, data_dir=data_dir,
                                       pool_size=CLIENTS, pooler="transaction", listen_url=direct.urls.app)
                yield Bounced(direct, pooled, url, data_dir)
                pooled.close()
        finally:
            direct.close()


@pytest.fixture(scope="module")
def businesses(bounced: Bounced) -> list[TenantHandle]:
    """Tenants whose contacts were written through PgBouncer by the app itself."""
    runtime = Runtime(settings=Settings(data_dir=bounced.data_dir, secure_cookies=False), database=bounced.pooled)
    tenants = [make_tenant(runtime, name=f"Pooled {n}") for n in range(TENANTS)]
    with TestClient(create_app(runtime)) as client:
        for tenant in tenants:
            created = client.post("/api/v1/contacts", headers=tenant.headers,
                                  json={"name": f"Customer of {tenant.name}", "email": "c@example.com"})
            assert created.status_code == 201, created.text
    return tenants


def test_the_binding_never_crosses_pooled_server_connections(bounced: Bounced, businesses: list[TenantHandle]) -> None:
    failures: list[str] = []
    backends: dict[int, set[int]] = defaultdict(set)  # client thread -> server backends it ran on

    def client(n: int) -> None:
        try:
            for round_ in range(ROUNDS):
                tenant = businesses[(n + round_) % TENANTS]
                if round_ % 5 == 4:
                    # An unbound transaction right after a bound one on the same client connection.
                    with bounced.pooled.transaction() as session:
                        seen = session.execute(text(
                            "select coalesce(current_setting('engium.tenant_id', true), ''),"
                            " (select count(*) from contacts), pg_backend_pid()")).one()
                    if tuple(seen[:2]) != ("", 0):
                        failures.append(f"unbound transaction saw tenant {seen[0]!r} and {seen[1]} contacts")
                    continue
                with tenant_transaction(bounced.pooled, tenant.id) as session:
                    # The same statements on every round: psycopg would prepare them after five uses.
                    bound, names, pid = session.execute(text(
                        "select current_setting('engium.tenant_id'), (select array_agg(name) from contacts),"
                        " pg_backend_pid()")).one()
                backends[n].add(pid)
                if bound != str(tenant.id) or names != [f"Customer of {tenant.name}"]:
                    failures.append(f"bound to {tenant.name}, saw {bound} and {names}")
        except Exception as exc:  # reported below: an error in a thread must fail the test
            failures.append(f"client {n}: {exc!r}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    assert sum(1 for pids in backends.values() if len(pids) > 1) > CLIENTS // 2, (
        "the test did not exercise pooling: clients should have moved between server connections")
    assert len(set().union(*backends.values())) <= 4  # PgBouncer's server connections, shared by 24 clients


def test_without_the_pooler_setting_the_app_refuses_to_connect_instead_of_misbehaving(bounced: Bounced) -> None:
    with pytest.raises(OperationalError, match="unsupported startup parameter"):
        Database.open(app_url=bounced.url, owner_url=bounced.direct.urls.owner, data_dir=bounced.data_dir)


def test_transaction_pooling_without_a_direct_listen_connection_is_refused(bounced: Bounced) -> None:
    with pytest.raises(ValueError, match="ENGIUM_DATABASE_LISTEN_URL"):
        Database.open(app_url=bounced.url, owner_url=bounced.direct.urls.owner, data_dir=bounced.data_dir,
                      pooler="transaction")


def test_the_cross_tenant_suite_passes_through_pgbouncer(bounced: Bounced) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENGIUM_")}
    env.update({
        "ENGIUM_TEST_DATABASE_URL": bounced.url,
        "ENGIUM_TEST_OWNER_DATABASE_URL": bounced.direct.urls.owner,
        "ENGIUM_TEST_DATABASE_POOLER": "transaction",
        "ENGIUM_TEST_DATABASE_LISTEN_URL": bounced.direct.urls.app,
    })
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error",
         "tests/tenancy/test_cross_tenant.py", "tests/tenancy/test_raw_sql.py",
         # The list read on the event loop: its own asyncio connections, one simple-protocol message per read
         # (begin ... commit, client-side binding), no prepared statements; and its plain route (ADR 0049).
         "tests/conversations/test_list_read.py", "tests/conversations/test_list_read_route.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert " passed" in run.stdout


def test_a_server_and_a_worker_behind_pgbouncer_keep_tenants_apart_and_answer_every_visitor(
    bounced: Bounced, businesses: list[TenantHandle]
) -> None:
    env = {
        "ENGIUM_DATABASE_URL": bounced.url,
        "ENGIUM_OWNER_DATABASE_URL": bounced.direct.urls.owner,
        "ENGIUM_DATABASE_POOLER": "transaction",
        "ENGIUM_DATABASE_LISTEN_URL": bounced.direct.urls.app,
    }
    worker = subprocess.Popen([sys.executable, "-m", "engium.cli", "worker", "--data-dir", str(bounced.data_dir)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, env=cli_env(env))
    try:
        with live_server(bounced.data_dir, env) as server, server.client() as api:
            keys = {}
            for tenant in businesses:
                patched = api.patch("/api/v1/settings", headers=tenant.headers, json={
                    "timezone": "UTC", "opening_hours": {day: "09:00-17:00" for day in ("mon", "tue", "wed")}})
                assert patched.status_code == 200, patched.text
                widget = add_credential(api, tenant, "widget", "site", "a widget secret behind the pooler")
                keys[tenant.id] = widget["metadata"]["public_widget_key"]
            failures: list[str] = []

            def business_day(tenant: TenantHandle) -> None:
                with server.client() as own:
                    for _ in range(10):
                        listed = own.get("/api/v1/contacts", headers=tenant.headers).json()["items"]
                        names = {c["name"] for c in listed} - {"Website visitor"}
                        if names != {f"Customer of {tenant.name}"}:
                            failures.append(f"{tenant.name} listed {names}")
                    visitor = {"X-Widget-Key": keys[tenant.id]}
                    started = own.post("/widget/v1/conversations", headers=visitor,
                                       json={"message": "When are you open?"})
                    if started.status_code != 201:
                        failures.append(f"{tenant.name}: widget start {started.status_code} {started.text}")
                        return
                    visitor["X-Widget-Token"] = started.json()["token"]
                    deadline = time.monotonic() + 60
                    while time.monotonic() < deadline:
                        messages = own.get("/widget/v1/messages", headers=visitor).json()
                        replies = [m["body"] for m in messages if m["author_kind"] == "assistant"]
                        if replies:
                            break
                        time.sleep(0.2)
                    time.sleep(1.0)  # a second reply, had the turn run twice, would be here now
                    messages = own.get("/widget/v1/messages", headers=visitor).json()
                    replies = [m["body"] for m in messages if m["author_kind"] == "assistant"]
                    if len(replies) != 1 or "opening hours" not in replies[0].lower():
                        failures.append(f"{tenant.name}: assistant replies {replies}")

            threads = [threading.Thread(target=business_day, args=(tenant,)) for tenant in businesses]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(180)
            assert failures == [], server.log()[-3000:]
    finally:
        worker.terminate()
        worker.wait(60)

    for tenant in businesses:  # (tenants of the cross-tenant run seal with the test suite's own key)
        verified = run_cli(bounced.data_dir, "audit", "verify", "--tenant", str(tenant.id), env=env)
        assert verified.returncode == 0, verified.stdout + verified.stderr
