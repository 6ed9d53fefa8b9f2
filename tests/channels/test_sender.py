"""Outbound replies end to end: an agent's message → one ``channels.send`` job → the job runtime's
worker → a real HTTP server on loopback standing in for Twilio / the WhatsApp Cloud API at the
configured base URL."""

from __future__ import annotations

import base64
import json
import logging
import time
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from engium import jobs
from engium.conversations.outbound import SEND_JOB
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.channels.fake_provider import FakeProvider
from tests.channels.inbound_helpers import (
    ALL_SECRETS,
    BASE_URL,
    TWILIO_TOKEN,
    ChannelTenant,
    add_credential,
    configured_tenant,
)
from tests.channels.outbound_replies import CUSTOMER, REPLY, conversation, delivery, reply, send_jobs, sending
from tests.conftest import TenantHandle, audit_events
from tests.job_queue import BackgroundWorker, drain, make_due

ACCOUNT_SID = "AC" + "0" * 32
WHATSAPP_ACCESS_TOKEN = "EAAG-graph-access-token-0123456789"
def test_an_agent_sms_reply_is_sent_through_twilio(
    client: TestClient, runtime: Runtime, ct: ChannelTenant, fake_provider: FakeProvider,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    conversation_id = conversation(client, ct.tenant, "sms")
    message_id = reply(client, ct.tenant, conversation_id)

    [job] = send_jobs(runtime, ct.tenant)
    # Ids only: the text and the number stay in their rows.
    assert job["args"] == {"tenant_id": str(ct.tenant.id), "message_id": message_id}
    assert delivery(runtime, ct.tenant, message_id) == ("queued", None)
    drain(sending(runtime, fake_provider))

    [sent] = fake_provider.requests
    assert sent.method == "POST"
    assert sent.path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
    # Twilio reports the message's progress to the tenant's status callback, signed with its auth token.
    assert parse_qs(sent.body.decode()) == {
        "To": [CUSTOMER], "From": ["+15005550006"], "Body": [REPLY],
        "StatusCallback": [f"{BASE_URL}/webhooks/twilio/{ct.public_id}/status"],
    }
    expected = base64.b64encode(f"{ACCOUNT_SID}:{TWILIO_TOKEN}".encode()).decode()
    assert sent.headers["authorization"] == f"Basic {expected}"

    [job] = send_jobs(runtime, ct.tenant)
    assert (job["status"], job["attempts"]) == ("succeeded", 1)
    assert delivery(runtime, ct.tenant, message_id) == ("sent", None)
    drain(sending(runtime, fake_provider))  # sent once
    assert len(fake_provider.requests) == 1

    events = audit_events(runtime, ct.tenant)
    [sent_event] = [e for e in events if e["action"] == "channel.message_sent"]
    assert sent_event["actor_kind"] == "system"
    assert sent_event["details"]["provider"] == "twilio"
    assert sent_event["details"]["status_code"] == 201
    assert sent_event["details"]["message_id"] == message_id
    used = [e for e in events if e["action"] == "credential.used" and e["details"]["purpose"] == "channel_send"]
    assert len(used) == 1
    for written in (str(events), caplog.text, str(job)):
        assert REPLY not in written
        assert CUSTOMER not in written
        for secret in ALL_SECRETS:
            assert secret not in written


def test_a_whatsapp_reply_is_sent_with_the_access_token(
    client: TestClient, runtime: Runtime, ct: ChannelTenant, fake_provider: FakeProvider,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    add_credential(client, ct.tenant, "whatsapp", "access_token", WHATSAPP_ACCESS_TOKEN)
    reply(client, ct.tenant, conversation(client, ct.tenant, "whatsapp"))
    drain(sending(runtime, fake_provider))

    [sent] = fake_provider.requests
    assert sent.path == "/v20.0/1234567/messages"
    assert sent.headers["authorization"] == f"Bearer {WHATSAPP_ACCESS_TOKEN}"
    assert sent.headers["content-type"] == "application/json"
    assert json.loads(sent.body) == {
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": CUSTOMER.removeprefix("+"),
        "type": "text", "text": {"preview_url": False, "body": REPLY},
    }
    assert [j["status"] for j in send_jobs(runtime, ct.tenant)] == ["succeeded"]
    assert WHATSAPP_ACCESS_TOKEN not in caplog.text
    assert WHATSAPP_ACCESS_TOKEN not in str(audit_events(runtime, ct.tenant))


def test_without_an_access_token_a_whatsapp_reply_fails_without_a_request(
    client: TestClient, runtime: Runtime, ct: ChannelTenant, fake_provider: FakeProvider
) -> None:
    message_id = reply(client, ct.tenant, conversation(client, ct.tenant, "whatsapp"))
    drain(sending(runtime, fake_provider))
    assert fake_provider.requests == []
    assert delivery(runtime, ct.tenant, message_id) == (
        "failed", "no WhatsApp access token credential is set up for this business (Integrations → add one)")
    [failed] = [e for e in audit_events(runtime, ct.tenant) if e["action"] == "channel.send_failed"]
    assert failed["outcome"] == "failed"


def test_only_agent_replies_on_sms_and_whatsapp_are_queued(
    client: TestClient, runtime: Runtime, ct: ChannelTenant
) -> None:
    reply(client, ct.tenant, conversation(client, ct.tenant, "web", "+14155550124"))
    reply(client, ct.tenant, conversation(client, ct.tenant, "sms"), author_kind="contact")
    assert send_jobs(runtime, ct.tenant) == []


def test_a_5xx_is_retried_after_the_backoff(
    client: TestClient, runtime: Runtime, ct: ChannelTenant, fake_provider: FakeProvider
) -> None:
    fake_provider.statuses = [503]
    worker = sending(runtime, fake_provider)
    message_id = reply(client, ct.tenant, conversation(client, ct.tenant, "sms"))
    before = datetime.now(UTC)
    drain(worker)
    [job] = send_jobs(runtime, ct.tenant)
    assert (job["status"], job["attempts"]) == ("todo", 1)
    assert delivery(runtime, ct.tenant, message_id) == ("queued", "HTTP 503")
    assert before + timedelta(seconds=10) <= job["scheduled_at"] <= datetime.now(UTC) + timedelta(seconds=10)

    drain(worker)  # not due yet
    assert len(fake_provider.requests) == 1
    make_due(runtime, job["id"])
    drain(worker)
    assert len(fake_provider.requests) == 2
    [job] = send_jobs(runtime, ct.tenant)
    assert (job["status"], job["attempts"]) == ("succeeded", 2)
    assert delivery(runtime, ct.tenant, message_id) == ("sent", None)


def test_network_errors_are_retried_until_attempts_run_out(
    client: TestClient, runtime: Runtime, ct: ChannelTenant, fake_provider: FakeProvider
) -> None:
    worker = sending(runtime, fake_provider)
    fake_provider.server.server_close()  # nothing listens any more: connection refused
    message_id = reply(client, ct.tenant, conversation(client, ct.tenant, "sms"))
    drain(worker)
    for _ in range(2):
        make_due(runtime, send_jobs(runtime, ct.tenant)[0]["id"])
        drain(worker)
    [job] = send_jobs(runtime, ct.tenant)
    assert (job["status"], job["attempts"]) == ("failed", 3)
    assert delivery(runtime, ct.tenant, message_id) == ("failed", "could not connect")
    [failed] = [e for e in audit_events(runtime, ct.tenant) if e["action"] == "channel.send_failed"]
    assert failed["details"]["reason"] == "attempts exhausted"


def test_a_4xx_fails_permanently(
    client: TestClient, runtime: Runtime, ct: ChannelTenant, fake_provider: FakeProvider
) -> None:
    fake_provider.statuses = [400]
    worker = sending(runtime, fake_provider)
    message_id = reply(client, ct.tenant, conversation(client, ct.tenant, "sms"))
    drain(worker)
    [job] = send_jobs(runtime, ct.tenant)
    assert job["status"] == "succeeded"  # the job did its work: the message is marked failed
    assert delivery(runtime, ct.tenant, message_id) == ("failed", "refused by Twilio (HTTP 400)")
    drain(worker)
    assert len(fake_provider.requests) == 1
    [failed] = [e for e in audit_events(runtime, ct.tenant) if e["action"] == "channel.send_failed"]
    assert failed["details"]["status_code"] == 400
    assert failed["details"]["message_id"] == message_id
    assert failed["details"]["reason"] == "rejected by the provider"


def test_each_tenant_sends_with_its_own_credentials(
    client: TestClient, runtime: Runtime, fake_provider: FakeProvider
) -> None:
    a = configured_tenant(client, runtime, suffix="-a")
    b = configured_tenant(client, runtime, suffix="-b")
    reply(client, a.tenant, conversation(client, a.tenant, "sms"), body="for a")
    reply(client, b.tenant, conversation(client, b.tenant, "sms"), body="for b")
    # A job carries its tenant's id and the message id, nothing else.
    assert [set(j["args"]) for t in (a, b) for j in send_jobs(runtime, t.tenant)] == [{"tenant_id", "message_id"}] * 2
    drain(sending(runtime, fake_provider))
    by_body = {parse_qs(r.body.decode())["Body"][0]: r.headers["authorization"] for r in fake_provider.requests}
    for body, token in (("for a", TWILIO_TOKEN + "-a"), ("for b", TWILIO_TOKEN + "-b")):
        assert by_body[body] == "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{token}".encode()).decode()


def test_a_job_naming_another_tenants_message_sends_nothing(
    client: TestClient, runtime: Runtime, fake_provider: FakeProvider
) -> None:
    a = configured_tenant(client, runtime, suffix="-a")
    b = configured_tenant(client, runtime, suffix="-b")
    conversation_a = conversation(client, a.tenant, "sms")
    message_a = reply(client, a.tenant, conversation_a)
    with tenant_transaction(runtime.database, b.tenant.id) as session:
        jobs.defer(session, SEND_JOB, tenant_id=str(b.tenant.id), message_id=message_a)
    [own] = send_jobs(runtime, a.tenant)
    with runtime.database.transaction() as session:  # keep A's real job out of this run
        session.execute(text("delete from procrastinate_jobs where id = :i"), {"i": own["id"]})
    drain(sending(runtime, fake_provider))
    # Bound to B, the job cannot even see A's message: nothing is sent, A's message is untouched.
    assert fake_provider.requests == []
    assert delivery(runtime, a.tenant, message_a) == ("queued", None)
    [failed] = [e for e in audit_events(runtime, b.tenant) if e["action"] == "channel.send_failed"]
    assert failed["details"]["reason"] == "the message no longer exists"


def test_a_running_worker_sends_on_its_own(
    client: TestClient, runtime: Runtime, ct: ChannelTenant, fake_provider: FakeProvider
) -> None:
    message_id = reply(client, ct.tenant, conversation(client, ct.tenant, "sms"), body="from the worker")
    with BackgroundWorker(sending(runtime, fake_provider)):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and delivery(runtime, ct.tenant, message_id)[0] == "queued":
            time.sleep(0.05)
    assert delivery(runtime, ct.tenant, message_id) == ("sent", None)
    assert any(parse_qs(r.body.decode()).get("Body") == ["from the worker"] for r in fake_provider.requests)


def test_a_crafted_account_sid_never_reaches_the_url(
    client: TestClient, runtime: Runtime, fake_provider: FakeProvider
) -> None:
    from tests.conftest import make_tenant

    tenant = make_tenant(runtime)
    add_credential(client, tenant, "twilio", "default", TWILIO_TOKEN,
                   {"account_sid": "AC0/../../other?x=", "phone_number": "+15005550006"})
    message_id = reply(client, tenant, conversation(client, tenant, "sms"))
    drain(sending(runtime, fake_provider))
    assert fake_provider.requests == []
    assert delivery(runtime, tenant, message_id)[0] == "failed"


def test_unknown_message_ids_send_nothing(
    runtime: Runtime, tenant: TenantHandle, fake_provider: FakeProvider
) -> None:
    with tenant_transaction(runtime.database, tenant.id) as session:
        jobs.defer(session, SEND_JOB, tenant_id=str(tenant.id), message_id=str(uuid.uuid4()))
    drain(sending(runtime, fake_provider))
    assert fake_provider.requests == []
    [failed] = [e for e in audit_events(runtime, tenant) if e["action"] == "channel.send_failed"]
    assert failed["details"]["reason"] == "the message no longer exists"
