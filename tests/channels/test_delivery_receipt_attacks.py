"""Attacks on the delivery-report endpoints: unsigned, wrongly signed, cross-tenant and malformed reports are
refused with the channels' generic 401 (or acknowledged without effect), never a 500, and change nothing."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from fastapi.testclient import TestClient

from engium.runtime import Runtime
from tests.channels.delivery_reports import (
    status_path,
    twilio_status,
    whatsapp_status,
    whatsapp_statuses_body,
)
from tests.channels.fake_provider import FakeProvider
from tests.channels.inbound_helpers import (
    FORM,
    GENERIC_401,
    TWILIO_TOKEN,
    WHATSAPP_APP_SECRET,
    ChannelTenant,
    add_credential,
    configured_tenant,
    meta_headers,
    twilio_request,
)
from tests.channels.outbound_replies import conversation, delivery, reply, sending
from tests.conftest import audit_events, make_tenant
from tests.job_queue import drain


def sent(client: TestClient, runtime: Runtime, ct: ChannelTenant, provider: FakeProvider, channel: str = "sms"
         ) -> tuple[str, str]:
    """A reply of ``ct`` on ``channel``, sent: (message id, the provider's id for it)."""
    message_id = reply(client, ct.tenant, conversation(client, ct.tenant, channel))
    drain(sending(runtime, provider))
    return message_id, provider.issued[-1]


def no_delivery_events(runtime: Runtime, ct: ChannelTenant) -> bool:
    return not [e for e in audit_events(runtime, ct.tenant) if e["action"].startswith("channel.delivery_")]


def test_unsigned_and_wrongly_signed_reports_are_refused_and_change_nothing(
    client: TestClient, runtime: Runtime, ct: ChannelTenant, fake_provider: FakeProvider
) -> None:
    message_id, sid = sent(client, runtime, ct, fake_provider)
    params = {"MessageSid": sid, "MessageStatus": "failed", "ErrorCode": "30003"}
    body, headers = twilio_request(status_path(ct), params)
    unsigned = client.post(status_path(ct), content=body, headers={"Content-Type": FORM})
    assert (unsigned.status_code, unsigned.json()) == (401, GENERIC_401)
    for token in ("not-the-tenants-token", TWILIO_TOKEN + "x"):
        assert twilio_status(client, ct, sid, "failed", token=token, ErrorCode="30003") == 401
    # Signed for another URL (the inbound SMS route) and replayed here: the URL is part of what is signed.
    body, headers = twilio_request(ct.twilio_path(), params)
    assert client.post(status_path(ct), content=body, headers=headers).status_code == 401
    # A valid signature over other parameters than those posted.
    _, headers = twilio_request(status_path(ct), {**params, "MessageStatus": "delivered"})
    assert client.post(status_path(ct), content=body, headers=headers).status_code == 401

    assert delivery(runtime, ct.tenant, message_id) == ("sent", None)
    assert no_delivery_events(runtime, ct)


def test_a_tenant_cannot_move_another_tenants_message(
    client: TestClient, runtime: Runtime, fake_provider: FakeProvider
) -> None:
    a = configured_tenant(client, runtime, suffix="-a")
    b = configured_tenant(client, runtime, suffix="-b")
    message_b, sid_b = sent(client, runtime, b, fake_provider)
    # A's own valid report naming B's sid: acknowledged (nothing to tell Twilio), and nothing moves.
    assert twilio_status(client, a, sid_b, "failed", token=TWILIO_TOKEN + "-a", ErrorCode="30003") == 204
    # A's token on B's URL does not verify.
    assert twilio_status(client, b, sid_b, "failed", token=TWILIO_TOKEN + "-a", ErrorCode="30003") == 401
    assert delivery(runtime, b.tenant, message_b) == ("sent", None)
    assert no_delivery_events(runtime, a)
    assert no_delivery_events(runtime, b)


def test_a_whatsapp_report_cannot_cross_tenants_or_skip_the_signature(
    client: TestClient, runtime: Runtime, fake_provider: FakeProvider
) -> None:
    a = configured_tenant(client, runtime, suffix="-a")
    b = configured_tenant(client, runtime, suffix="-b")
    add_credential(client, b.tenant, "whatsapp", "access_token", "EAAG-token-b-0123456789")
    message_b, wamid_b = sent(client, runtime, b, fake_provider, "whatsapp")
    body = whatsapp_statuses_body({"id": wamid_b, "status": "failed", "errors": [{"code": 131026}]})
    # Signed with A's app secret and posted to A: a valid delivery of A's, which knows no such message.
    signed_a = hmac.new((WHATSAPP_APP_SECRET + "-a").encode(), body, hashlib.sha256).hexdigest()
    headers = {"X-Hub-Signature-256": f"sha256={signed_a}", "Content-Type": "application/json"}
    assert client.post(f"/webhooks/whatsapp/{a.public_id}", content=body, headers=headers).status_code == 200
    # The same bytes posted to B: A's signature does not verify there; nor does no signature.
    assert client.post(f"/webhooks/whatsapp/{b.public_id}", content=body, headers=headers).status_code == 401
    unsigned = client.post(f"/webhooks/whatsapp/{b.public_id}", content=body,
                           headers={"Content-Type": "application/json"})
    assert unsigned.status_code == 401
    assert delivery(runtime, b.tenant, message_b) == ("sent", None)
    assert no_delivery_events(runtime, a)
    assert no_delivery_events(runtime, b)


@pytest.mark.parametrize("body", [
    b"",
    b"%%%",
    b"MessageSid=%ZZ&MessageStatus=failed",
    b"\xff\xfe\x00garbage",
    b"MessageSid=SM1&MessageSid=SM2&MessageStatus=delivered",
    b"a=" + b"b" * 70_000,
])
def test_bad_form_bodies_are_4xx_never_500(client: TestClient, ct: ChannelTenant, body: bytes) -> None:
    headers = {"Content-Type": FORM, "X-Twilio-Signature": "GvWf1cFY/Q7PnoempGyD5oXAezc="}
    answer = client.post(status_path(ct), content=body, headers=headers)
    assert 400 <= answer.status_code < 500, answer.text
    assert "Traceback" not in answer.text


def test_signed_reports_with_odd_fields_are_acknowledged_without_effect(
    client: TestClient, runtime: Runtime, ct: ChannelTenant, fake_provider: FakeProvider
) -> None:
    message_id, sid = sent(client, runtime, ct, fake_provider)
    for status, extra in (("delivered\x00", {}), ("", {}), ("DELIVERED", {}), ("failed", {"ErrorCode": "-1; drop"})):
        params = {"MessageSid": sid, "MessageStatus": status, **extra}
        body, headers = twilio_request(status_path(ct), params)
        assert client.post(status_path(ct), content=body, headers=headers).status_code == 204
        if status != "failed":
            assert delivery(runtime, ct.tenant, message_id) == ("sent", None)
    # A failure with an unreadable code is still a failure, shown without a code.
    assert delivery(runtime, ct.tenant, message_id) == ("failed", "Twilio could not deliver it")
    for sid_like in ("", "SM" + "0" * 31, "../" + sid, "MM" + "z" * 32):
        assert twilio_status(client, ct, sid_like, "failed") == 204

    odd = [{"id": 5, "status": "failed"}, {"id": sid, "status": "delivered"}, "x", {"status": None},
           {"id": "wamid." + "A" * 300, "status": "failed"}]
    body = whatsapp_statuses_body(*odd)  # type: ignore[arg-type]
    answer = client.post(f"/webhooks/whatsapp/{ct.public_id}", content=body, headers=meta_headers(body))
    assert answer.status_code == 200
    assert whatsapp_status(client, ct, "wamid.nothing", "failed", [{"code": "abc", "title": ["x"]}]) == 200


def test_without_a_public_base_url_no_report_can_verify(
    client: TestClient, runtime: Runtime, fake_provider: FakeProvider
) -> None:
    tenant = make_tenant(runtime)
    public_id = client.get("/api/v1/tenant", headers=tenant.headers).json()["public_id"]
    add_credential(client, tenant, "twilio", "default", TWILIO_TOKEN,
                   {"account_sid": "AC" + "0" * 32, "phone_number": "+15005550006"})
    message_id = reply(client, tenant, conversation(client, tenant, "sms"))
    drain(sending(runtime, fake_provider))
    # No callback URL is given to Twilio when none could be verified.
    assert "StatusCallback" not in fake_provider.requests[0].body.decode()
    ct = ChannelTenant(tenant, public_id, "")
    assert twilio_status(client, ct, fake_provider.issued[-1], "failed") == 401
    assert delivery(runtime, tenant, message_id) == ("sent", None)
    assert client.post("/webhooks/twilio/nosuchtenant/status", content=b"a=b",
                       headers={"Content-Type": FORM}).status_code == 401
