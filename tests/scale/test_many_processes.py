"""Three ``engium serve`` and two ``engium worker`` processes on one database, under a mixed load from 50
businesses: signed SMS webhooks (each delivered twice, as providers retry), widget conversations and API
bookings racing for the same slot, sent to whichever server. Nothing is stored twice, answered twice,
sent twice or run twice, no slot is double-booked, every audit chain verifies, and periodic work runs
once per period."""

from __future__ import annotations

import itertools
import random
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from engium.app import create_app
from engium.config import Settings
from engium.kit.database import Database
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.channels.inbound_helpers import ChannelTenant, configured_tenant, sms_params, twilio_request
from tests.conftest import scratch_dir
from tests.live_server import LiveServer, cli_env, live_server, run_cli
from tests.resilience.fake_twilio import FakeTwilio

SERVERS, WORKERS, TENANTS, RACED = 3, 2, 50, 5
QUESTION = "When are you open?"


@dataclass
class Deployment:
    data_dir: Path
    database: Database
    servers: list[LiveServer]
    twilio: FakeTwilio
    businesses: list[ChannelTenant]
    env: dict[str, str]


def business_setup(client: TestClient, runtime: Runtime) -> ChannelTenant:
    business = configured_tenant(client, runtime)
    headers = business.tenant.headers
    patched = client.patch("/api/v1/settings", headers=headers, json={
        "timezone": "UTC", "opening_hours": {day: "09:00-17:00" for day in ("mon", "tue", "wed", "thu", "fri")}})
    assert patched.status_code == 200, patched.text
    return business


@pytest.fixture(scope="module")
def deployment() -> Iterator[Deployment]:
    twilio = FakeTwilio()
    with scratch_dir("engium-many-") as scratch, ExitStack() as stack:
        data_dir = scratch / "data"
        database = Database.open(app_url=None, owner_url=None, data_dir=data_dir, pool_size=8)
        stack.callback(database.close)
        database.migrate()
        runtime = Runtime(settings=Settings(data_dir=data_dir, secure_cookies=False), database=database)
        with TestClient(create_app(runtime)) as client:
            businesses = [business_setup(client, runtime) for _ in range(TENANTS)]
        env = {"ENGIUM_TWILIO_API_BASE": twilio.url, "ENGIUM_AUDIT_SEAL_INTERVAL_SECONDS": "2",
               "ENGIUM_JOBS_CONCURRENCY": "3", "ENGIUM_CHANNELS_RETRY_DELAYS_SECONDS": "[1]"}
        servers = [stack.enter_context(live_server(data_dir, env, "--no-worker", log_name=f"serve-{n}"))
                   for n in range(SERVERS)]
        workers = []
        for n in range(WORKERS):
            with (scratch / f"worker-{n}.log").open("wb") as log:
                workers.append(subprocess.Popen(
                    [sys.executable, "-m", "engium.cli", "worker", "--data-dir", str(data_dir)],
                    stdout=log, stderr=subprocess.STDOUT, env=cli_env(env)))

        def stop_workers() -> None:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(60)

        stack.callback(stop_workers)
        yield Deployment(data_dir, database, servers, twilio, businesses, env)
        twilio.close()


def scalar(database: Database, sql: str, **params: Any) -> Any:
    """On the job tables, which belong to no tenant."""
    with database.transaction() as session:
        return session.execute(text(sql), params).scalar_one()


def summed(deployment: Deployment, sql: str, **params: Any) -> int:
    """A count over every business, each read bound to its tenant (forced RLS binds the owner too)."""
    total = 0
    for business in deployment.businesses:
        with tenant_transaction(deployment.database, business.tenant.id) as session:
            total += int(session.execute(text(sql), params).scalar_one())
    return total


def test_a_mixed_load_on_many_processes_keeps_every_promise(deployment: Deployment) -> None:
    servers = itertools.cycle(deployment.servers)
    failures: list[str] = []
    lock = threading.Lock()
    sids: list[str] = []

    def customer(business: ChannelTenant) -> None:
        picker = random.Random(str(business.tenant.id))
        phone = f"+1415555{deployment.businesses.index(business):04d}"  # one customer per business
        with ExitStack() as stack:
            clients = [stack.enter_context(s.client()) for s in deployment.servers]
            for _ in range(2):  # two texts from one customer, each delivered twice, to two servers
                sid = "SM" + uuid.uuid4().hex
                body, headers = twilio_request(business.twilio_path(), sms_params(sid, QUESTION, sender=phone))
                for client in picker.sample(clients, 2):
                    answer = client.post(business.twilio_path(), content=body, headers=headers)
                    if answer.status_code != 200:
                        failures.append(f"webhook {answer.status_code}: {answer.text}")
                with lock:
                    sids.append(sid)
            started = picker.choice(clients).post("/widget/v1/conversations", json={"message": QUESTION},
                                                 headers={"X-Widget-Key": business.widget_key})
            if started.status_code != 201:
                failures.append(f"widget {started.status_code}: {started.text}")

    threads = [threading.Thread(target=customer, args=(b,)) for b in deployment.businesses]
    # API writes racing across processes: six bookings of one slot per business, on three servers.
    booked: Counter[str] = Counter()
    threads += race_for_slots(deployment, servers, booked, failures)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert failures == []
    wait_for_quiet_queue(deployment.database)

    database = deployment.database
    # Stored once: every text once (its duplicate delivery recognised), every widget message once.
    stored = summed(deployment, "select count(*) from messages where direction = 'inbound'")
    assert stored == TENANTS * 3
    assert summed(deployment, "select count(distinct message_id) from inbound_deliveries "
                              "where provider_event_id = any(:s)", s=sids) == len(sids)
    # Answered once: one assistant reply per customer message, in every conversation.
    unanswered = summed(deployment, """
        select count(*) from (select conversation_id,
            count(*) filter (where direction = 'inbound') as asked,
            count(*) filter (where author_kind = 'assistant') as answered
          from messages group by conversation_id) per where asked <> answered""")
    assert unanswered == 0
    # Sent once: one SMS per reply to a text, and each reply says so.
    assert sum(deployment.twilio.accepted.values()) == TENANTS * 2
    assert set(deployment.twilio.accepted.values()) == {2}  # each customer's two replies, once each
    assert summed(deployment, "select count(*) from messages where delivery_status = 'sent'") == TENANTS * 2
    # Every job ran once: started once, and succeeded.
    jobs = scalar(database, "select count(*) from procrastinate_jobs where status <> 'succeeded' "
                            "and task_name not like 'jobs.%' and task_name <> 'audit.seal'")
    assert jobs == 0
    restarted = scalar(database, """select count(*) from (select job_id from procrastinate_events
        where type = 'started' group by job_id having count(*) > 1) twice""")
    assert restarted == 0
    # No double booking: one confirmed booking per raced slot; every other attempt got 409.
    assert booked == {"201": RACED, "409": RACED * 5}
    # Periodic work once per period, across five processes.
    periods = scalar(database, """select coalesce(max(n), 0) from (select count(*) as n from procrastinate_jobs
        where task_name = 'audit.seal' group by args ->> 'timestamp') per""")
    assert periods == 1
    assert scalar(database, "select count(distinct args ->> 'timestamp') from procrastinate_jobs "
                            "where task_name = 'audit.seal'") >= 2
    # Every tenant's audit chain is linear and verifies.
    verified = run_cli(deployment.data_dir, "audit", "verify", env=deployment.env)
    assert verified.returncode == 0, verified.stdout[-3000:]


def race_for_slots(deployment: Deployment, servers: Iterator[LiveServer], booked: Counter[str],
                   failures: list[str]) -> list[threading.Thread]:
    slot = (datetime.now(UTC) + timedelta(days=7)).replace(hour=10, minute=0, second=0, microsecond=0)
    threads = []
    for business in deployment.businesses[:RACED]:
        headers = business.tenant.headers
        with next(servers).client() as api:
            service = api.post("/api/v1/services", headers=headers, json={
                "name": "Cut", "duration_minutes": 30, "price_cents": 1000, "currency": "GBP"}).json()
            staff = api.post("/api/v1/staff", headers=headers, json={"name": "Sam", "service_ids": [service["id"]]})
            rules = [{"weekday": d, "start_time": "00:00", "end_time": "23:59"} for d in range(7)]
            api.put(f"/api/v1/staff/{staff.json()['id']}/availability", headers=headers, json={"rules": rules})
            contact = api.post("/api/v1/contacts", headers=headers, json={"name": "Racer", "email": "r@example.com"})
        request = {"service_id": service["id"], "staff_id": staff.json()["id"], "contact_id": contact.json()["id"],
                   "starts_at": slot.isoformat()}

        def attempt(server: LiveServer, headers: dict[str, str] = headers, request: dict[str, str] = request) -> None:
            with server.client() as api:
                answer = api.post("/api/v1/bookings", headers=headers, json=request)
            booked[str(answer.status_code)] += 1
            if answer.status_code not in {201, 409}:
                failures.append(f"booking {answer.status_code}: {answer.text}")

        threads += [threading.Thread(target=attempt, args=(next(servers),)) for _ in range(6)]
    return threads


def wait_for_quiet_queue(database: Database, timeout: float = 180) -> None:
    """Until no job is waiting or running, and nothing new arrived for two seconds."""
    deadline, quiet_since = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        busy = scalar(database, "select count(*) from procrastinate_jobs where status in ('todo', 'doing') "
                                "and task_name not like 'jobs.%' and task_name <> 'audit.seal'")
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 2:
            return
        time.sleep(0.3)
    raise AssertionError("the job queue did not drain")
