"""Inbound webhooks end to end over HTTP: signatures made by the providers' own libraries accepted,
everything else refused with the same generic 401, replays stored once, rotation grace honoured."""

from __future__ import annotations

import logging
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from standardwebhooks.webhooks import Webhook

from engium.assistant.turn_queue import ASSISTANT_JOB
from engium.channels.rate_limits import ChannelLimits
from engium.channels.verify import webhook_common
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.channels import webhook_vectors as v
from tests.channels.inbound_helpers import (
    ALL_SECRETS,
    BASE_URL,
    EVENTS_SECRET,
    FORM,
    GENERIC_401,
    WHATSAPP_VERIFY_TOKEN,
    ChannelTenant,
    add_credential,
    configured_tenant,
    meta_headers,
    sms_params,
    stored_messages,
    twilio_request,
    whatsapp_body,
)
from tests.conftest import audit_events, make_tenant
from tests.job_queue import job_rows


def test_a_twilio_sms_signed_by_the_official_validator_is_stored(
    client: TestClient, runtime: Runtime, ct: ChannelTenant
) -> None:
    body, headers = twilio_request(ct.twilio_path(), sms_params("SM" + "1" * 32))
    response = client.post(ct.twilio_path(), content=body, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/xml")
    assert response.text.endswith("<Response/>")
    assert stored_messages(runtime, ct.tenant) == [("sms", "inbound", "Hi, can I book a haircut?")]
    events = audit_events(runtime, ct.tenant)
    received = [e for e in events if e["action"] == "webhook.received"]
    assert received
    assert received[0]["actor_kind"] == "webhook"
    assert {"contact.created", "conversation.created", "message.created"} <= {
        e["action"] for e in events if e["actor_kind"] == "webhook"
    }
    # The assistant job holds ids only.
    [job] = job_rows(runtime, ASSISTANT_JOB, tenant_id=str(ct.tenant.id))
    assert job["status"] == "todo"
    assert set(job["args"]) == {"tenant_id", "conversation_id", "message_id"}


def test_a_replayed_delivery_stores_one_message(client: TestClient, runtime: Runtime, ct: ChannelTenant) -> None:
    body, headers = twilio_request(ct.twilio_path(), sms_params("SM" + "2" * 32))
    for _ in range(3):
        assert client.post(ct.twilio_path(), content=body, headers=headers).status_code == 200
    assert len(stored_messages(runtime, ct.tenant)) == 1
    # A second message from the same number joins the same open conversation.
    body, headers = twilio_request(ct.twilio_path(), sms_params("SM" + "3" * 32, body="Tomorrow?"))
    assert client.post(ct.twilio_path(), content=body, headers=headers).status_code == 200
    with tenant_transaction(runtime.database, ct.tenant.id) as session:
        assert session.execute(text("select count(*) from conversations")).scalar_one() == 1
        assert session.execute(text("select count(*) from inbound_deliveries")).scalar_one() == 2


def test_single_byte_changes_are_rejected_end_to_end(client: TestClient, runtime: Runtime, ct: ChannelTenant) -> None:
    body, headers = twilio_request(ct.twilio_path(), sms_params("SM" + "4" * 32))
    signature = headers["X-Twilio-Signature"]
    variants: list[tuple[bytes, dict[str, str], str]] = []
    for i in range(0, len(body), 7):
        variants.append((body[:i] + bytes([body[i] ^ 0x01]) + body[i + 1:], headers, ct.twilio_path()))
    for i in range(0, len(signature) - 1, 3):
        changed = signature[:i] + ("B" if signature[i] != "B" else "C") + signature[i + 1:]
        variants.append((body, {**headers, "X-Twilio-Signature": changed}, ct.twilio_path()))
    # The URL Twilio signed differs by one byte from the configured one (host, then path).
    for base, path in ((BASE_URL[:-1] + "n", ct.twilio_path()), (BASE_URL, ct.twilio_path()[:-1] + "t")):
        _, url_headers = twilio_request(path, sms_params("SM" + "4" * 32), base=base)
        variants.append((body, url_headers, ct.twilio_path()))
    client.app.state.channel_limits = ChannelLimits(failures_per_minute=10_000)  # type: ignore[attr-defined]
    for changed_body, changed_headers, path in variants:
        response = client.post(path, content=changed_body, headers=changed_headers)
        assert response.status_code in {401, 404}, (changed_body, response.status_code)
        if response.status_code == 401:
            assert response.json() == GENERIC_401
    assert stored_messages(runtime, ct.tenant) == []


def test_unknown_tenant_and_missing_configuration_get_the_generic_401(
    client: TestClient, runtime: Runtime, ct: ChannelTenant
) -> None:
    body, headers = twilio_request("/webhooks/twilio/nosuchtenant1/sms", sms_params("SM" + "5" * 32))
    response = client.post("/webhooks/twilio/nosuchtenant1/sms", content=body, headers=headers)
    assert (response.status_code, response.json()) == (401, GENERIC_401)
    # A tenant without any channel credential or base URL: refused, never accepted.
    bare = make_tenant(runtime)
    public_id = client.get("/api/v1/tenant", headers=bare.headers).json()["public_id"]
    path = f"/webhooks/twilio/{public_id}/sms"
    body, headers = twilio_request(path, sms_params("SM" + "6" * 32))
    assert client.post(path, content=body, headers=headers).json() == GENERIC_401
    client.patch("/api/v1/settings", headers=bare.headers, json={"public_base_url": BASE_URL})
    assert client.post(path, content=body, headers=headers).status_code == 401
    wa = whatsapp_body("wamid.none")
    assert client.post(f"/webhooks/whatsapp/{public_id}", content=wa, headers=meta_headers(wa)).status_code == 401
    assert client.get(
        f"/webhooks/whatsapp/{public_id}",
        params={"hub.mode": "subscribe", "hub.verify_token": WHATSAPP_VERIFY_TOKEN, "hub.challenge": "42"},
    ).status_code == 401


def test_another_tenants_secret_cannot_sign_for_this_tenant(
    client: TestClient, runtime: Runtime, ct: ChannelTenant
) -> None:
    other = configured_tenant(client, runtime, suffix="-other")
    body, headers = twilio_request(ct.twilio_path(), sms_params("SM" + "7" * 32), token=v.TWILIO_TOKEN + "-other")
    assert client.post(ct.twilio_path(), content=body, headers=headers).status_code == 401
    # Signed correctly for the other tenant, replayed against this tenant's URL: refused too.
    body, headers = twilio_request(other.twilio_path(), sms_params("SM" + "8" * 32), token="x" * 40)
    assert client.post(ct.twilio_path(), content=body, headers=headers).status_code == 401
    assert stored_messages(runtime, ct.tenant) == []


def test_the_previous_secret_is_accepted_during_the_grace_period_only(
    client: TestClient, runtime: Runtime, ct: ChannelTenant
) -> None:
    credentials = client.get("/api/v1/integrations", headers=ct.tenant.headers).json()
    twilio_id = next(c["id"] for c in credentials if c["kind"] == "twilio")
    old = "twilio-auth-token-0123456789abcdef"
    rotated = client.post(
        f"/api/v1/integrations/{twilio_id}/rotate", headers=ct.tenant.headers,
        json={"secret": "new-twilio-token-abcdef0123456789", "grace_period_hours": 1},
    )
    assert rotated.status_code == 200
    body, headers = twilio_request(ct.twilio_path(), sms_params("SM" + "9" * 32), token=old)
    assert client.post(ct.twilio_path(), content=body, headers=headers).status_code == 200
    new = "new-twilio-token-abcdef0123456789"
    body, headers = twilio_request(ct.twilio_path(), sms_params("SM" + "a" * 32), token=new)
    assert client.post(ct.twilio_path(), content=body, headers=headers).status_code == 200
    with tenant_transaction(runtime.database, ct.tenant.id) as session:
        session.execute(
            text("update integration_credentials set previous_valid_until = :t where id = :i"),
            {"t": datetime.now(UTC) - timedelta(seconds=1), "i": uuid.UUID(twilio_id)},
        )
    body, headers = twilio_request(ct.twilio_path(), sms_params("SM" + "b" * 32), token=old)
    assert client.post(ct.twilio_path(), content=body, headers=headers).status_code == 401
    assert len(stored_messages(runtime, ct.tenant)) == 2


def test_whatsapp_handshake_and_delivery(client: TestClient, runtime: Runtime, ct: ChannelTenant) -> None:
    path = f"/webhooks/whatsapp/{ct.public_id}"
    ok = client.get(path, params={"hub.mode": "subscribe", "hub.verify_token": WHATSAPP_VERIFY_TOKEN,
                                  "hub.challenge": "1158201444"})
    assert (ok.status_code, ok.text) == (200, "1158201444")
    assert ok.headers["content-type"].startswith("text/plain")
    wrong = client.get(path, params={"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "1"})
    assert (wrong.status_code, wrong.json()) == (401, GENERIC_401)
    body = whatsapp_body("wamid.HBgLMTQxNTU1NTAxOTk")
    for _ in range(2):
        assert client.post(path, content=body, headers=meta_headers(body)).status_code == 200
    assert stored_messages(runtime, ct.tenant) == [("whatsapp", "inbound", "Hello from WhatsApp")]
    # A body re-serialised (whitespace changed) no longer matches the MAC over the raw bytes.
    reformatted = body.replace(b'":"', b'": "')
    assert client.post(path, content=reformatted, headers=meta_headers(body)).status_code == 401


def test_standard_webhooks_vector_and_official_signer_accepted_end_to_end(
    client: TestClient, runtime: Runtime, ct: ChannelTenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = f"/webhooks/events/{ct.public_id}"

    class FrozenClock:
        @staticmethod
        def time() -> float:
            return float(v.STANDARD_NOW)

    monkeypatch.setattr(webhook_common, "time", FrozenClock)
    vector_headers = {"webhook-id": v.STANDARD_ID, "webhook-timestamp": v.STANDARD_TIMESTAMP,
                      "webhook-signature": v.STANDARD_SIGNATURE}
    assert client.post(path, content=v.STANDARD_BODY, headers=vector_headers).status_code == 200
    assert client.post(path, content=v.STANDARD_BODY + b" ", headers=vector_headers).status_code == 401
    monkeypatch.undo()

    payload = '{"type":"message.received","data":{"phone":"+14155550177","text":"Booked via our CRM"}}'
    now = datetime.now(UTC)
    signature = Webhook(EVENTS_SECRET).sign("msg_engium_1", now, payload)
    headers = {"webhook-id": "msg_engium_1", "webhook-timestamp": str(int(now.timestamp())),
               "webhook-signature": signature, "content-type": "application/json"}
    for _ in range(2):
        assert client.post(path, content=payload, headers=headers).status_code == 200
    assert stored_messages(runtime, ct.tenant) == [("web", "inbound", "Booked via our CRM")]
    stale = str(int(time.time()) - 301)
    assert client.post(path, content=payload, headers={**headers, "webhook-timestamp": stale}).status_code == 401


def test_body_cap_and_failure_rate_limit(client: TestClient, ct: ChannelTenant) -> None:
    path = ct.twilio_path()
    too_big = b"a=" + b"x" * (webhook_common.DEFAULT_MAX_BODY_BYTES + 1)
    assert client.post(path, content=too_big, headers={"Content-Type": FORM}).status_code == 413

    def chunks() -> object:
        for _ in range(300):
            yield b"x" * 1024

    assert client.post(path, content=chunks()).status_code == 413  # type: ignore[arg-type]
    client.app.state.channel_limits = ChannelLimits(failures_per_minute=5)  # type: ignore[attr-defined]
    statuses = [client.post(path, content=b"a=1", headers={"X-Twilio-Signature": "x"}).status_code for _ in range(8)]
    assert statuses[:5] == [401] * 5
    assert statuses[5:] == [429] * 3


def test_logs_hold_no_secret(client: TestClient, runtime: Runtime, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    ct = configured_tenant(client, runtime)
    body, headers = twilio_request(ct.twilio_path(), sms_params("SM" + "c" * 32))
    client.post(ct.twilio_path(), content=body, headers=headers)
    client.post(ct.twilio_path(), content=body, headers={**headers, "X-Twilio-Signature": "AAAA"})
    wa = whatsapp_body("wamid.log")
    client.post(f"/webhooks/whatsapp/{ct.public_id}", content=wa, headers=meta_headers(wa, "wrong-secret-123"))
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert not [s for s in ALL_SECRETS if s in logged]
    assert "refused" in caplog.text


def test_add_credential_helper_keeps_secrets_write_only(client: TestClient, runtime: Runtime) -> None:
    tenant = make_tenant(runtime)
    add_credential(client, tenant, "webhook_endpoint", "inbound", EVENTS_SECRET)
    listing = client.get("/api/v1/integrations", headers=tenant.headers).text
    assert EVENTS_SECRET not in listing


def test_replay_rows_are_kept_at_least_seven_days(client: TestClient, runtime: Runtime, ct: ChannelTenant) -> None:
    from engium.channels import store

    body, headers = twilio_request(ct.twilio_path(), sms_params("SM" + "d" * 32))
    assert client.post(ct.twilio_path(), content=body, headers=headers).status_code == 200
    with tenant_transaction(runtime.database, ct.tenant.id) as session:
        session.execute(text("update inbound_deliveries set received_at = now() - interval '6 days'"))
        # Asked to purge everything older than one hour: the 7-day floor keeps the row.
        assert store.purge_deliveries(session, timedelta(hours=1)) == 0
        session.execute(text("update inbound_deliveries set received_at = now() - interval '8 days'"))
        assert store.purge_deliveries(session) == 1
