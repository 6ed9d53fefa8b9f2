"""The steady load the storage faults are injected under (API writes of contacts and signed SMS webhooks,
each text from its own number), and the accounting after it: everything accepted stored once, nothing
refused stored, every stored text answered once."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx2 as httpx
from sqlalchemy import text

from engium.config import Settings
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.channels.inbound_helpers import ChannelTenant, configured_tenant, sms_params, twilio_request
from tests.live_server import LiveServer, run_cli
from tests.resilience.fake_twilio import FakeTwilio

DIGITS = str.maketrans("abcdef", "123456")
OPEN_ON_WEEKDAYS = {day: "09:00-17:00" for day in ("mon", "tue", "wed", "thu", "fri")}
EXPECTED_STATUSES = {("contact", 201), ("contact", 503), ("sms", 200), ("sms", 503)}


@dataclass
class Sent:
    kind: str  # "contact" or "sms"
    key: str  # the contact's widget id, or the message sid
    status: int | None
    seconds: float
    at: float


def open_business(server: LiveServer) -> ChannelTenant:
    """A tenant with its channels configured and weekday hours, so that every text has a grounded answer."""
    runtime = Runtime(settings=Settings(data_dir=server.data_dir, secure_cookies=False), database=server.database)
    with server.client() as api:
        business = configured_tenant(api, runtime)
        assert api.patch("/api/v1/settings", headers=business.tenant.headers,
                         json={"opening_hours": OPEN_ON_WEEKDAYS}).status_code == 200
    return business


def _post(client: httpx.Client, sent: list[Sent], kind: str, key: str, path: str, **request: object) -> None:
    started = time.perf_counter()
    try:
        status: int | None = client.post(path, **request).status_code  # type: ignore[arg-type]
    except httpx.HTTPError:
        status = None
    sent.append(Sent(kind, key, status, time.perf_counter() - started, started))


def _customer(server: LiveServer, business: ChannelTenant, stop: threading.Event, sent: list[Sent],
              pause: float) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        while not stop.is_set():
            key = uuid.uuid4().hex
            _post(client, sent, "contact", key, "/api/v1/contacts", headers=business.tenant.headers,
                  json={"name": "Walk-in", "widget_id": key})
            sid = "SM" + key
            body, headers = twilio_request(business.twilio_path(), sms_params(
                sid, "When are you open?", sender=f"+1415{key[:7].translate(DIGITS)}"))
            _post(client, sent, "sms", sid, business.twilio_path(), content=body, headers=headers)
            time.sleep(pause)


@contextmanager
def mixed_load(server: LiveServer, business: ChannelTenant, clients: int, pause: float) -> Iterator[list[Sent]]:
    """Runs the load while the block runs; yields the list every request is appended to."""
    sent: list[Sent] = []
    stop = threading.Event()
    threads = [threading.Thread(target=_customer, args=(server, business, stop, sent, pause)) for _ in range(clients)]
    for thread in threads:
        thread.start()
    try:
        yield sent
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)


def wait_until_answered(server: LiveServer, business: ChannelTenant, timeout: float = 90) -> dict[str, int]:
    """Waits until every stored text has its one reply sent; returns how often each message sid is stored.

    Retries after a fault follow the assistant's own back-off, so this waits on the state itself, not on a
    count of what the load saw accepted."""
    deadline = time.monotonic() + timeout
    while True:
        with tenant_transaction(server.database, business.tenant.id) as session:
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


def assert_nothing_lost_or_doubled(server: LiveServer, business: ChannelTenant, sent: list[Sent],
                                   twilio: FakeTwilio) -> None:
    stored_sids = wait_until_answered(server, business)
    with tenant_transaction(server.database, business.tenant.id) as session:
        contacts = set(session.execute(text("select widget_id from contacts where widget_id is not null")).scalars())
    assert {s.key for s in sent if s.kind == "contact" and s.status == 201} <= contacts
    assert not contacts & {s.key for s in sent if s.kind == "contact" and s.status != 201}  # a 503 stored nothing
    assert {s.key for s in sent if s.kind == "sms" and s.status == 200} <= set(stored_sids)
    assert set(stored_sids.values()) == {1}
    # A text refused as the fault began may still be stored (its commit reached the database before the
    # connection broke); Twilio retries it and the retry finds it. Stored means answered.
    assert sum(twilio.accepted.values()) == len(stored_sids)  # each reply sent
    assert set(twilio.accepted.values()) == {1}  # and once: every text came from its own number
    verified = run_cli(server.data_dir, "audit", "verify")
    assert verified.returncode == 0, verified.stdout[-2000:]
