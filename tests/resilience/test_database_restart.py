"""PostgreSQL stops and starts again under a steady mixed load (API writes and signed SMS webhooks):
during the outage requests fail fast with 503 and Retry-After, never 200 for something not stored;
the server and its worker reconnect by themselves; everything accepted is stored once and answered
once; and the audit chain still verifies."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx2 as httpx
import pytest
from sqlalchemy import text

from engium.config import Settings
from engium.runtime import Runtime
from tests.channels.inbound_helpers import ChannelTenant, configured_tenant, sms_params, twilio_request
from tests.conftest import scratch_dir
from tests.live_server import LiveServer, live_server, run_cli
from tests.resilience.fake_twilio import FakeTwilio
from tests.resilience.postgres_control import PostgresControl

OUTAGE_SECONDS = 4


@dataclass
class Sent:
    kind: str  # "contact" or "sms"
    key: str  # the contact's widget id, or the message sid
    status: int | None
    seconds: float
    at: float


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    provider = FakeTwilio()
    yield provider
    provider.close()


@pytest.fixture
def server(twilio: FakeTwilio) -> Iterator[LiveServer]:
    env = {"ENGIUM_TWILIO_API_BASE": twilio.url, "ENGIUM_CHANNELS_RETRY_DELAYS_SECONDS": "[1,1,2,2]",
           "ENGIUM_JOBS_HEARTBEAT_SECONDS": "0.5", "ENGIUM_JOBS_STALLED_AFTER_SECONDS": "3",
           "ENGIUM_JOBS_STALLED_CHECK_SECONDS": "1"}
    with scratch_dir("engium-pg-restart-") as scratch, live_server(scratch / "data", env) as started:
        yield started


def load(server: LiveServer, business: ChannelTenant, stop: threading.Event, sent: list[Sent]) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        while not stop.is_set():
            key = uuid.uuid4().hex
            started = time.perf_counter()
            try:
                status: int | None = client.post("/api/v1/contacts", headers=business.tenant.headers,
                                                 json={"name": "Walk-in", "widget_id": key}).status_code
            except httpx.HTTPError:
                status = None
            sent.append(Sent("contact", key, status, time.perf_counter() - started, started))
            sid = "SM" + key
            body, headers = twilio_request(business.twilio_path(), sms_params(sid, "When are you open?",
                                                                              sender=f"+1415{key[:7].translate(DIGITS)}"))
            started = time.perf_counter()
            try:
                status = client.post(business.twilio_path(), content=body, headers=headers).status_code
            except httpx.HTTPError:
                status = None
            sent.append(Sent("sms", sid, status, time.perf_counter() - started, started))
            time.sleep(0.05)


DIGITS = str.maketrans("abcdef", "123456")


def test_a_postgres_restart_under_load_loses_and_duplicates_nothing(
    server: LiveServer, twilio: FakeTwilio, record_property: Callable[[str, object], None]
) -> None:
    runtime = Runtime(settings=Settings(data_dir=server.data_dir, secure_cookies=False), database=server.database)
    with server.client() as api:
        business = configured_tenant(api, runtime)
        hours = {day: "09:00-17:00" for day in ("mon", "tue", "wed", "thu", "fri")}
        assert api.patch("/api/v1/settings", headers=business.tenant.headers,
                         json={"opening_hours": hours}).status_code == 200
    postgres = PostgresControl(server.data_dir)
    sent: list[Sent] = []
    stop = threading.Event()
    clients = [threading.Thread(target=load, args=(server, business, stop, sent)) for _ in range(3)]
    for client in clients:
        client.start()
    time.sleep(2)
    server.database.app_engine.dispose()  # the test's own connections die with the server too
    postgres.stop()
    down_at = time.perf_counter()
    time.sleep(OUTAGE_SECONDS)
    postgres.start()
    up_at = time.perf_counter()
    time.sleep(4)
    stop.set()
    for client in clients:
        client.join(30)

    statuses = Counter((s.kind, s.status) for s in sent)
    assert set(statuses) <= {("contact", 201), ("contact", 503), ("sms", 200), ("sms", 503)}, statuses
    during = [s for s in sent if down_at + 0.5 < s.at < up_at - 0.5]
    assert during, "no request was made during the outage"
    assert {s.status for s in during} == {503}
    assert max(s.seconds for s in during) < 2.0  # failing fast, not hanging for the client's 10 s
    recovered = min((s.at for s in sent if s.at > up_at and s.status in {200, 201}), default=up_at + 999)
    assert recovered - up_at < 10.0, "the server did not reconnect by itself"
    record_property("recovery_seconds", round(recovered - up_at, 2))  # for the closing table (--junitxml)

    stored_sids = wait_until_answered(server, business)
    with server.database.tenant_transaction(business.tenant.id) as session:
        contacts = set(session.execute(text("select widget_id from contacts where widget_id is not null")).scalars())
    accepted_contacts = {s.key for s in sent if s.kind == "contact" and s.status == 201}
    refused_contacts = {s.key for s in sent if s.kind == "contact" and s.status != 201}
    assert accepted_contacts <= contacts
    assert not contacts & refused_contacts  # a 503 stored nothing
    accepted_sms = {s.key for s in sent if s.kind == "sms" and s.status == 200}
    assert accepted_sms <= set(stored_sids)
    assert set(stored_sids.values()) == {1}
    # A text refused while the server went down may still be stored (its commit reached the database
    # before the connection broke); Twilio retries it and the retry finds it. Stored means answered.
    assert sum(twilio.accepted.values()) == len(stored_sids)  # each reply sent
    assert set(twilio.accepted.values()) == {1}  # and once: every text came from its own number
    verified = run_cli(server.data_dir, "audit", "verify")
    assert verified.returncode == 0, verified.stdout[-2000:]


def wait_until_answered(server: LiveServer, business: ChannelTenant, timeout: float = 90) -> dict[str, int]:
    """Waits until every stored text has its one reply sent; returns how often each message sid is stored.

    Retries after the outage follow the assistant's own back-off, so this waits on the state itself, not
    on a count of what the load saw accepted."""
    deadline = time.monotonic() + timeout
    while True:
        with server.database.tenant_transaction(business.tenant.id) as session:
            rows = session.execute(text("select provider_event_id, count(*) from inbound_deliveries group by 1"))
            stored: dict[str, int] = {sid: count for sid, count in rows}
            unanswered = session.execute(text("""select count(*) from (select conversation_id,
                  count(*) filter (where direction = 'inbound') as asked,
                  count(*) filter (where author_kind = 'assistant' and delivery_status = 'sent') as answered
                from messages group by conversation_id) per where asked <> answered""")).scalar_one()
        if unanswered == 0:
            time.sleep(2)  # a duplicate would show now
            return stored
        if time.monotonic() > deadline:
            break
        time.sleep(0.3)
    engine = server.database.owner_engine()
    with engine.connect() as connection:
        jobs = connection.execute(text(
            "select task_name, status, attempts, count(*) from procrastinate_jobs group by 1, 2, 3")).all()
    engine.dispose()
    noise = ("database unavailable", "psycopg.pool", "Is the server")  # expected during the outage
    said = "\n".join(line for line in server.log().splitlines() if not any(n in line for n in noise))
    raise AssertionError(f"{unanswered} conversations still unanswered; jobs: {jobs}\n{said[-8000:]}")
