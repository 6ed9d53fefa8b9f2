"""The signed SMS ingest path's budget of database work (ADR 0048): what it may not do before the
signature matched, how many statements a stored message costs, and that the shortcuts taken to get
there (one resolve-bind-suspension statement, per-transaction memos) keep replay protection, the sealed
audit values and the live-inbox announcements exactly as they were."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from engium.audit.actions import ActorKind
from engium.crypto.models import SubjectKey
from engium.kit.transaction_memo import transaction_memo
from engium.runtime import Runtime
from engium.tenancy import lifecycle
from engium.tenancy.binding import tenant_transaction
from tests.channels.inbound_helpers import (
    GENERIC_401,
    ChannelTenant,
    sms_params,
    stored_messages,
    twilio_request,
)
from tests.conftest import CLIENT_IP, audit_events, revealed_audit_events
from tests.inbox_listener import inbox_listener

WRITES = re.compile(r"^\s*(insert|update|delete)\b|pg_notify|procrastinate|audit_append", re.IGNORECASE)
# A new customer's SMS, BEGIN and COMMIT aside: the verification reads (one pipeline), the claim, the store
# (contact, conversation, message, timestamps, delivery link, announcement: one function call, pipelined with
# the network key's row), the conversation.created hooks (the after-hours check's settings and staff, the
# subscribed webhook endpoints), the job, the audit append. Was 28 before ADR 0048, 16 before ADR 0051.
NEW_CUSTOMER_ROUND_TRIPS = 8
# A returning customer with an open conversation: verification, claim, store, job, audit. Was 11.
RETURNING_CUSTOMER_ROUND_TRIPS = 5
# What the ORM wrote before ADR 0051, one statement each: none of it may come back on this path.
ORM_STORE = re.compile(r"insert into (contacts|conversations|messages) |update (conversations|inbound_deliveries) ",
                       re.IGNORECASE)


@dataclass
class Traffic:
    """What the app sent PostgreSQL meanwhile: each statement, and how many round trips it took (a
    pipeline's statements share one)."""

    statements: list[str] = field(default_factory=list)
    # The round trip each statement went out in (1-based), index for index.
    trip_of: list[int] = field(default_factory=list)
    round_trips: int = 0
    in_pipeline: bool = False

    def wait_for(self, pattern: str, seconds: float = 5.0) -> None:
        deadline = time.monotonic() + seconds
        while not any(re.search(pattern, s) for s in self.statements) and time.monotonic() < deadline:
            time.sleep(0.01)

    def trips_before(self, pattern: str) -> int:
        """Round trips spent before the first statement matching ``pattern``."""
        first = next(i for i, s in enumerate(self.statements) if re.search(pattern, s, re.IGNORECASE))
        return self.trip_of[first] - 1


@contextmanager
def traffic(monkeypatch: pytest.MonkeyPatch) -> Iterator[Traffic]:
    """Instruments psycopg itself (the ORM, the pipelined reads and the job queue all execute through
    ``Cursor.execute``); the database is the real one. BEGIN/COMMIT are not counted."""
    seen = Traffic()
    execute, executemany, pipeline = psycopg.Cursor.execute, psycopg.Cursor.executemany, psycopg.Connection.pipeline

    def counted_execute(cursor: psycopg.Cursor[Any], query: Any, *args: Any, **kwargs: Any) -> Any:
        seen.round_trips += 0 if seen.in_pipeline else 1
        seen.statements.append(query.decode() if isinstance(query, bytes) else str(query))
        seen.trip_of.append(seen.round_trips)
        return execute(cursor, query, *args, **kwargs)

    def counted_executemany(cursor: psycopg.Cursor[Any], query: Any, *args: Any, **kwargs: Any) -> Any:
        # psycopg sends every parameter set of one executemany in one pipeline: one round trip.
        seen.round_trips += 0 if seen.in_pipeline else 1
        seen.statements.append(query.decode() if isinstance(query, bytes) else str(query))
        seen.trip_of.append(seen.round_trips)
        return executemany(cursor, query, *args, **kwargs)

    @contextmanager
    def counted_pipeline(connection: psycopg.Connection[Any]) -> Iterator[Any]:
        seen.round_trips += 1
        seen.in_pipeline = True
        try:
            with pipeline(connection) as opened:
                yield opened
        finally:
            seen.in_pipeline = False

    monkeypatch.setattr(psycopg.Cursor, "execute", counted_execute)
    monkeypatch.setattr(psycopg.Cursor, "executemany", counted_executemany)
    monkeypatch.setattr(psycopg.Connection, "pipeline", counted_pipeline)
    yield seen
    monkeypatch.undo()


def test_a_forged_sms_is_refused_before_any_write(
    client: TestClient, runtime: Runtime, ct: ChannelTenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    body, headers = twilio_request(ct.twilio_path(), sms_params("SM" + uuid.uuid4().hex), token="not-the-token")
    with traffic(monkeypatch) as seen:
        response = client.post(ct.twilio_path(), content=body, headers=headers)
    assert response.status_code == 401
    assert response.json() == GENERIC_401
    # Resolve + bind + suspension, base URL, credentials, data keys: one round trip of reads. Then, after
    # the rollback, only the refusal's own audit event (audit/middleware.py), as before.
    assert seen.round_trips == 2
    assert len(seen.statements) == 5
    assert [s for s in seen.statements[:-1] if WRITES.search(s)] == []
    assert "audit_append" in seen.statements[-1]
    assert not any("audit_append" in s for s in seen.statements[:-1])
    assert stored_messages(runtime, ct.tenant) == []


def test_an_unknown_public_id_binds_nothing_and_is_refused(
    client: TestClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    body, headers = twilio_request("/webhooks/twilio/tnotatenant/sms", sms_params("SM1"))
    with traffic(monkeypatch) as seen:
        response = client.post("/webhooks/twilio/tnotatenant/sms", content=body, headers=headers)
    assert response.status_code == 401
    assert response.json() == GENERIC_401
    assert seen.round_trips == 2  # the reads (they see nothing: no tenant bound), then the refusal's event
    assert "channel_tenant" in seen.statements[0]


def _listing(seen: Traffic) -> str:
    return "\n".join(f"{t} {s.split(chr(10))[0][:90]}" for t, s in zip(seen.trip_of, seen.statements, strict=True))


def _sms(client: TestClient, ct: ChannelTenant, sender: str, monkeypatch: pytest.MonkeyPatch) -> Traffic:
    body, headers = twilio_request(ct.twilio_path(), sms_params("SM" + uuid.uuid4().hex, sender=sender))
    with traffic(monkeypatch) as seen:
        response = client.post(ct.twilio_path(), content=body, headers=headers)
        seen.wait_for("audit_append")  # the request transaction's commit may finish after the answer
    assert response.status_code == 200, response.text
    return seen


def _assert_one_round_trip_per_step(seen: Traffic) -> None:
    listing = _listing(seen)
    assert seen.trips_before("insert into inbound_deliveries") == 1, listing  # verification: one round trip
    claim = seen.trip_of[next(i for i, s in enumerate(seen.statements) if "inbound_deliveries" in s)]
    assert sum(trip == claim for trip in seen.trip_of) == 1, "the replay claim is one statement"
    stores = [i for i, s in enumerate(seen.statements) if "store_inbound_message" in s]
    assert len(stores) == 1, listing
    store_trip = seen.trip_of[stores[0]]
    sharing = [s for s, trip in zip(seen.statements, seen.trip_of, strict=True) if trip == store_trip]
    # The store is one statement; the network key's row, if this transaction has not read it, rides along.
    assert all("store_inbound_message" in s or "subject_keys" in s for s in sharing), listing
    assert [s for s in seen.statements if ORM_STORE.search(s)] == [], listing
    assert sum("procrastinate" in s.lower() for s in seen.statements) == 1, "the job: one statement"
    assert sum("audit_append" in s for s in seen.statements) == 1, listing
    assert sum("subject_keys" in s for s in seen.statements) == 1, "the network key is read once, not per event"
    assert not any("pg_notify" in s for s in seen.statements), "the store function announced the conversation"


def test_a_new_customers_sms_stores_in_one_round_trip(
    client: TestClient, runtime: Runtime, ct: ChannelTenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The month's network key exists once any event of the tenant sealed an address.
    first, first_headers = twilio_request(ct.twilio_path(), sms_params("SM" + uuid.uuid4().hex))
    assert client.post(ct.twilio_path(), content=first, headers=first_headers).status_code == 200
    seen = _sms(client, ct, "+14155550911", monkeypatch)
    _assert_one_round_trip_per_step(seen)
    assert seen.round_trips <= NEW_CUSTOMER_ROUND_TRIPS, _listing(seen)

    # The key read in the store's pipeline still sealed every event's network values (never in clear).
    kinds = {"message.created", "webhook.received", "contact.created", "conversation.created"}
    raw = [e for e in audit_events(runtime, ct.tenant) if e["action"] in kinds][-4:]
    assert sorted(e["action"] for e in raw) == sorted(kinds)
    assert all(e["ip"] is None and CLIENT_IP not in str(e["details"]) for e in raw)
    assert all(entry.get("sealed") for e in raw for entry in e["details"]["personal"])
    opened = [e for e in revealed_audit_events(runtime, ct.tenant) if e["action"] in kinds][-4:]
    assert [e["details"].get("ip") for e in opened] == [CLIENT_IP] * 4


def test_a_returning_customers_sms_costs_five_round_trips(
    client: TestClient, runtime: Runtime, ct: ChannelTenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, first_headers = twilio_request(ct.twilio_path(), sms_params("SM" + uuid.uuid4().hex, body="one"))
    assert client.post(ct.twilio_path(), content=first, headers=first_headers).status_code == 200
    seen = _sms(client, ct, "+14155550123", monkeypatch)  # sms_params' default sender: the same customer
    _assert_one_round_trip_per_step(seen)
    assert seen.round_trips == RETURNING_CUSTOMER_ROUND_TRIPS, _listing(seen)
    messages = [m for m in stored_messages(runtime, ct.tenant) if m[1] == "inbound"]
    assert len(messages) == 2
    with tenant_transaction(runtime.database, ct.tenant.id) as session:
        conversations = session.execute(text(
            "select count(*), bool_and(last_message_at = (select max(created_at) from messages m"
            " where m.conversation_id = c.id)) from conversations c"
        )).one()
    assert tuple(conversations) == (1, True), "the second message joined the open conversation and moved it"


def test_staff_working_hours_do_not_add_a_round_trip_per_member(
    client: TestClient, runtime: Runtime, ct: ChannelTenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No declared opening hours: the after-hours check falls back to the staff's weeks (one statement).
    for name in ("Ana", "Ben", "Cy"):
        staff = client.post("/api/v1/staff", headers=ct.tenant.headers, json={"name": name, "service_ids": []})
        assert staff.status_code == 201, staff.text
        rules = [{"weekday": d, "start_time": "00:00", "end_time": "23:59"} for d in range(7)]
        week = client.put(f"/api/v1/staff/{staff.json()['id']}/availability", headers=ct.tenant.headers,
                          json={"rules": rules})
        assert week.status_code == 200, week.text
    first, first_headers = twilio_request(ct.twilio_path(), sms_params("SM" + uuid.uuid4().hex))
    assert client.post(ct.twilio_path(), content=first, headers=first_headers).status_code == 200
    seen = _sms(client, ct, "+14155550913", monkeypatch)
    # With hours, the check also reads today's closures; the staff's weeks are one statement (was 2 + 2 per
    # member), the settings row one (was two).
    assert seen.round_trips <= NEW_CUSTOMER_ROUND_TRIPS + 1, _listing(seen)
    assert sum("availability_rules" in s for s in seen.statements) == 1, _listing(seen)
    assert sum("from tenant_settings" in s.lower() for s in seen.statements) == 2, "the base URL, then the settings row"


def test_the_store_announces_the_conversation_once_with_the_inbox_payload(
    client: TestClient, runtime: Runtime, ct: ChannelTenant
) -> None:
    with inbox_listener(runtime) as driver:
        body, headers = twilio_request(ct.twilio_path(), sms_params("SM" + uuid.uuid4().hex, sender="+14155550912"))
        assert client.post(ct.twilio_path(), content=body, headers=headers).status_code == 200
        payloads = [n.payload for n in driver.notifies(timeout=2.0)]
    with tenant_transaction(runtime.database, ct.tenant.id) as session:
        conversation_id = session.execute(text("select id from conversations")).scalar_one()
    # Byte for byte what conversations/repository.py sends, so one transaction's announcements still fold.
    expected = json.dumps({"tenant_id": str(ct.tenant.id), "conversation_id": str(conversation_id)})
    assert [p for p in payloads if str(ct.tenant.id) in p] == [expected]


def test_concurrent_deliveries_of_one_message_store_it_once(
    client: TestClient, runtime: Runtime, ct: ChannelTenant
) -> None:
    body, headers = twilio_request(ct.twilio_path(), sms_params("SM" + uuid.uuid4().hex, body="racing"))

    def deliver(_: int) -> int:
        return client.post(ct.twilio_path(), content=body, headers=headers).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(deliver, range(6)))
    assert answers == [200] * 6
    assert [m for m in stored_messages(runtime, ct.tenant) if m[2] == "racing"] == [("sms", "inbound", "racing")]
    with tenant_transaction(runtime.database, ct.tenant.id) as session:
        claims = session.execute(text(
            "select count(*), count(message_id) from inbound_deliveries where provider = 'twilio'"
        )).one()
    assert tuple(claims) == (1, 1)


def suspend(runtime: Runtime, ct: ChannelTenant, *, suspended: bool) -> None:
    """The operator's suspension, as the console makes it (tests/onboarding covers the console itself)."""
    actor = (ActorKind.OPERATOR, "console:test")
    if suspended:
        lifecycle.suspend(runtime.database, ct.tenant.id, reason="test", actor=actor)
    else:
        lifecycle.unsuspend(runtime.database, ct.tenant.id, actor=actor)


def test_a_suspended_business_is_refused_by_the_combined_statement(
    client: TestClient, runtime: Runtime, ct: ChannelTenant
) -> None:
    body, headers = twilio_request(ct.twilio_path(), sms_params("SM" + uuid.uuid4().hex))
    suspend(runtime, ct, suspended=True)
    try:
        response = client.post(ct.twilio_path(), content=body, headers=headers)
        assert response.status_code == 403
        assert stored_messages(runtime, ct.tenant) == []
    finally:
        suspend(runtime, ct, suspended=False)


def test_a_transaction_memo_lives_as_long_as_its_transaction(runtime: Runtime) -> None:
    with runtime.database.transaction() as session:
        first = transaction_memo(session, "probe")
        first["seen"] = True
        assert transaction_memo(session, "probe") is first
        with session.begin_nested():
            assert transaction_memo(session, "probe") == {}, "a savepoint starts empty"
        session.commit()
        assert transaction_memo(session, "probe") == {}, "the next transaction starts empty"


def test_a_destroyed_subject_key_is_not_reused_within_the_transaction(
    client: TestClient, runtime: Runtime, ct: ChannelTenant
) -> None:
    from engium.audit.personal import SealingKey
    from engium.crypto.subject_keys import destroy_keys_of_contact

    contact_id = uuid.uuid4()
    key = SealingKey.of_contact(contact_id)
    vault = runtime.subject_keys
    with tenant_transaction(runtime.database, ct.tenant.id) as session:
        session.execute(text(
            "insert into contacts (tenant_id, id, name, created_at, updated_at) values (:t, :c, '', now(), now())"
        ), {"t": ct.tenant.id, "c": contact_id})
        sealed_before = vault.seal(session, ct.tenant.id, key, b"before")
        assert destroy_keys_of_contact(session, contact_id) == 1
        sealed_after = vault.seal(session, ct.tenant.id, key, b"after")
        stored = session.execute(select(SubjectKey.id).where(SubjectKey.contact_id == contact_id)).all()
        assert len(stored) == 1, "a fresh key row was written, not the destroyed one assumed"
        assert vault.open(session, ct.tenant.id, key.id, sealed_before) is None, "erased stays erased"
        assert vault.open(session, ct.tenant.id, key.id, sealed_after) == b"after"


@pytest.mark.parametrize("public_id", ["%00abc", "t%C3%A9", "x" * 40, "a%20b"])
def test_hostile_public_ids_get_a_clear_4xx_from_the_pipelined_reads(client: TestClient, public_id: str) -> None:
    body, headers = twilio_request(f"/webhooks/twilio/{public_id}/sms", sms_params("SM" + uuid.uuid4().hex))
    response = client.post(f"/webhooks/twilio/{public_id}/sms", content=body, headers=headers)
    # A NUL cannot reach PostgreSQL as text: the same 422 as every other route gives it; the rest are unknown.
    assert response.status_code == (422 if "%00" in public_id else 401), response.text
    assert response.status_code != 500
