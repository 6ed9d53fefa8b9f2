"""Outbound replies end to end: an agent's message → one ``channel.send`` job → the sender → a real
HTTP server on loopback standing in for Twilio / the WhatsApp Cloud API at the configured base URL."""

from __future__ import annotations

import base64
import json
import logging
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import pytest
from fastapi.testclient import TestClient

from engium.channels import store
from engium.channels.outbound import SEND_JOB
from engium.channels.sender import ChannelSender, ChannelSenderWorker
from engium.channels.settings import ChannelSettings
from engium.runtime import Runtime
from tests.channels.fake_provider import FakeProvider
from tests.channels.inbound_helpers import ALL_SECRETS, TWILIO_TOKEN, ChannelTenant, add_credential, configured_tenant
from tests.conftest import TenantHandle, audit_events

ACCOUNT_SID = "AC" + "0" * 32
WHATSAPP_ACCESS_TOKEN = "EAAG-graph-access-token-0123456789"
CUSTOMER = "+14155550123"
REPLY = "Yes, 3pm works. See you then!"


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC) + timedelta(seconds=1)

    def __call__(self) -> datetime:
        return self.now


def make_sender(
    runtime: Runtime, provider: FakeProvider, clock: FakeClock | None = None, **overrides: Any
) -> ChannelSender:
    settings = ChannelSettings(
        twilio_api_base=provider.base_url, whatsapp_api_base=provider.base_url, retry_jitter=0,
        retry_delays_seconds=[10.0, 60.0], **overrides,
    )
    return ChannelSender(runtime.database, runtime.vault, settings, clock=clock or FakeClock())


def conversation(client: TestClient, tenant: TenantHandle, channel: str, phone: str = CUSTOMER) -> str:
    contact = client.post("/api/v1/contacts", headers=tenant.headers, json={"name": "Ada", "phone": phone})
    assert contact.status_code == 201, contact.text
    created = client.post("/api/v1/conversations", headers=tenant.headers,
                          json={"contact_id": contact.json()["id"], "channel": channel})
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def reply(client: TestClient, tenant: TenantHandle, conversation_id: str, body: str = REPLY,
          author_kind: str = "agent") -> str:
    response = client.post(f"/api/v1/conversations/{conversation_id}/messages", headers=tenant.headers,
                           json={"body": body, "author_kind": author_kind})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def send_jobs(runtime: Runtime, tenant: TenantHandle) -> list[dict[str, Any]]:
    with runtime.database.tenant_transaction(tenant.id) as session:
        return [
            {"id": j.id, "status": j.status, "attempts": j.attempts, "payload": j.payload,
             "run_after": j.run_after, "last_error": j.last_error}
            for j in store.list_jobs(session, kind=SEND_JOB)
        ]


@pytest.fixture
def ct(client: TestClient, runtime: Runtime) -> ChannelTenant:
    return configured_tenant(client, runtime)


def test_an_agent_sms_reply_is_sent_through_twilio(
    client: TestClient, runtime: Runtime, ct: ChannelTenant, fake_provider: FakeProvider,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    conversation_id = conversation(client, ct.tenant, "sms")
    message_id = reply(client, ct.tenant, conversation_id)

    [job] = send_jobs(runtime, ct.tenant)
    # Ids only: the text and the number stay in their rows.
    assert job["payload"] == {"conversation_id": conversation_id, "message_id": message_id}
    assert make_sender(runtime, fake_provider).run_once({ct.tenant.id}) == 1

    [sent] = fake_provider.requests
    assert sent.method == "POST"
    assert sent.path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(sent.body.decode()) == {"To": [CUSTOMER], "From": ["+15005550006"], "Body": [REPLY]}
    expected = base64.b64encode(f"{ACCOUNT_SID}:{TWILIO_TOKEN}".encode()).decode()
    assert sent.headers["authorization"] == f"Basic {expected}"

    [job] = send_jobs(runtime, ct.tenant)
    assert (job["status"], job["attempts"], job["last_error"]) == ("done", 1, None)
    assert make_sender(runtime, fake_provider).run_once({ct.tenant.id}) == 0  # sent once
    assert len(fake_provider.requests) == 1

    events = audit_events(runtime, ct.tenant)
    [sent_event] = [e for e in events if e["action"] == "channel.message_sent"]
    assert sent_event["actor_kind"] == "system"
    assert sent_event["details"]["provider"] == "twilio"
    assert sent_event["details"]["status_code"] == 201
    assert sent_event["details"]["message_id"] == message_id
    used = [e for e in events if e["action"] == "credential.used" and e["details"]["purpose"] == "channel_send"]
    assert len(used) == 1
    for text in (str(events), caplog.text, str(job)):
        assert REPLY not in text
        assert CUSTOMER not in text
        for secret in ALL_SECRETS:
            assert secret not in text


def test_a_whatsapp_reply_is_sent_with_the_access_token(
    client: TestClient, runtime: Runtime, ct: ChannelTenant, fake_provider: FakeProvider,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    add_credential(client, ct.tenant, "whatsapp", "access_token", WHATSAPP_ACCESS_TOKEN)
    reply(client, ct.tenant, conversation(client, ct.tenant, "whatsapp"))
    assert make_sender(runtime, fake_provider).run_once({ct.tenant.id}) == 1

    [sent] = fake_provider.requests
    assert sent.path == "/v20.0/1234567/messages"
    assert sent.headers["authorization"] == f"Bearer {WHATSAPP_ACCESS_TOKEN}"
    assert sent.headers["content-type"] == "application/json"
    assert json.loads(sent.body) == {
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": CUSTOMER.removeprefix("+"),
        "type": "text", "text": {"preview_url": False, "body": REPLY},
    }
    assert [j["status"] for j in send_jobs(runtime, ct.tenant)] == ["done"]
    assert WHATSAPP_ACCESS_TOKEN not in caplog.text
    assert WHATSAPP_ACCESS_TOKEN not in str(audit_events(runtime, ct.tenant))


def test_without_an_access_token_a_whatsapp_reply_fails_without_a_request(
    client: TestClient, runtime: Runtime, ct: ChannelTenant, fake_provider: FakeProvider
) -> None:
    reply(client, ct.tenant, conversation(client, ct.tenant, "whatsapp"))
    assert make_sender(runtime, fake_provider).run_once({ct.tenant.id}) == 0
    assert fake_provider.requests == []
    [job] = send_jobs(runtime, ct.tenant)
    assert job["status"] == "failed"
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
    clock = FakeClock()
    sender = make_sender(runtime, fake_provider, clock)
    reply(client, ct.tenant, conversation(client, ct.tenant, "sms"))
    assert sender.run_once({ct.tenant.id}) == 1
    [job] = send_jobs(runtime, ct.tenant)
    assert (job["status"], job["attempts"], job["last_error"]) == ("pending", 1, "HTTP 503")
    assert job["run_after"] == clock.now + timedelta(seconds=10)

    assert sender.run_once({ct.tenant.id}) == 0  # not due yet
    clock.now += timedelta(seconds=11)
    assert sender.run_once({ct.tenant.id}) == 1
    assert len(fake_provider.requests) == 2
    [job] = send_jobs(runtime, ct.tenant)
    assert (job["status"], job["attempts"]) == ("done", 2)


def test_network_errors_are_retried_until_attempts_run_out(
    client: TestClient, runtime: Runtime, ct: ChannelTenant, fake_provider: FakeProvider
) -> None:
    clock = FakeClock()
    sender = make_sender(runtime, fake_provider, clock)
    fake_provider.server.server_close()  # nothing listens any more: connection refused
    reply(client, ct.tenant, conversation(client, ct.tenant, "sms"))
    for _ in range(3):
        assert sender.run_once({ct.tenant.id}) == 1
        clock.now += timedelta(minutes=2)
    [job] = send_jobs(runtime, ct.tenant)
    assert (job["status"], job["attempts"], job["last_error"]) == ("failed", 3, "could not connect")
    [failed] = [e for e in audit_events(runtime, ct.tenant) if e["action"] == "channel.send_failed"]
    assert failed["details"]["reason"] == "attempts exhausted"


def test_a_4xx_fails_permanently(
    client: TestClient, runtime: Runtime, ct: ChannelTenant, fake_provider: FakeProvider
) -> None:
    fake_provider.statuses = [400]
    clock = FakeClock()
    sender = make_sender(runtime, fake_provider, clock)
    message_id = reply(client, ct.tenant, conversation(client, ct.tenant, "sms"))
    assert sender.run_once({ct.tenant.id}) == 1
    [job] = send_jobs(runtime, ct.tenant)
    assert (job["status"], job["attempts"], job["last_error"]) == ("failed", 1, "HTTP 400")
    clock.now += timedelta(hours=1)
    assert sender.run_once({ct.tenant.id}) == 0
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
    sender = make_sender(runtime, fake_provider)

    # The cross-tenant scheduler names both jobs; nothing but (tenant, id) comes back.
    with runtime.database.transaction() as session:
        due = store.due_jobs_all_tenants(session, SEND_JOB, sender.clock(), 1000)
    jobs = {t.tenant.id: send_jobs(runtime, t.tenant)[0]["id"] for t in (a, b)}
    assert {(tenant_id, job_id) for tenant_id, job_id in jobs.items()} <= set(due)

    # A run for A alone leaves B's job untouched.
    assert sender.run_once({a.tenant.id}) == 1
    assert [j["status"] for j in send_jobs(runtime, b.tenant)] == ["pending"]
    assert sender.run_once({b.tenant.id}) == 1
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
    with runtime.database.tenant_transaction(b.tenant.id) as session:
        forged = store.enqueue_job(session, b.tenant.id, SEND_JOB,
                                   {"conversation_id": conversation_a, "message_id": message_a})
    sender = make_sender(runtime, fake_provider)
    assert sender.send_job(b.tenant.id, forged) is False
    assert fake_provider.requests == []
    assert [j["status"] for j in send_jobs(runtime, b.tenant)] == ["failed"]
    assert [j["status"] for j in send_jobs(runtime, a.tenant)] == ["pending"]


def test_the_worker_thread_sends_across_tenants(
    client: TestClient, runtime: Runtime, ct: ChannelTenant, fake_provider: FakeProvider
) -> None:
    reply(client, ct.tenant, conversation(client, ct.tenant, "sms"), body="from the worker")
    sender = make_sender(runtime, fake_provider, poll_interval_seconds=0.05, batch_size=1000)
    sender.clock = lambda: datetime.now(UTC) + timedelta(seconds=1)
    worker = ChannelSenderWorker(sender)
    worker.start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and send_jobs(runtime, ct.tenant)[0]["status"] == "pending":
            time.sleep(0.05)
    finally:
        worker.stop()
    assert send_jobs(runtime, ct.tenant)[0]["status"] == "done"
    assert any(parse_qs(r.body.decode()).get("Body") == ["from the worker"] for r in fake_provider.requests)


def test_a_crafted_account_sid_never_reaches_the_url(
    client: TestClient, runtime: Runtime, fake_provider: FakeProvider
) -> None:
    from tests.conftest import make_tenant

    tenant = make_tenant(runtime)
    add_credential(client, tenant, "twilio", "default", TWILIO_TOKEN,
                   {"account_sid": "AC0/../../other?x=", "phone_number": "+15005550006"})
    reply(client, tenant, conversation(client, tenant, "sms"))
    assert make_sender(runtime, fake_provider).run_once({tenant.id}) == 0
    assert fake_provider.requests == []
    assert [j["status"] for j in send_jobs(runtime, tenant)] == ["failed"]


def test_unknown_message_ids_fail_the_job(
    runtime: Runtime, tenant: TenantHandle, fake_provider: FakeProvider
) -> None:
    with runtime.database.tenant_transaction(tenant.id) as session:
        job = store.enqueue_job(session, tenant.id, SEND_JOB, {"message_id": str(uuid.uuid4())})
    assert make_sender(runtime, fake_provider).send_job(tenant.id, job) is False
    assert [j["status"] for j in send_jobs(runtime, tenant)] == ["failed"]
