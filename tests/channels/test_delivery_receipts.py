"""Delivery states end to end: a reply sent through the fake provider (a real HTTP server) keeps the
provider's id for it; the providers' signed status reports, posted to the app over HTTP, move it queued →
sent → delivered or failed, never backwards; a failure shows its reason on the message in the API and is
announced (audit event, ``message.delivery_failed`` webhook event)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from engium.runtime import Runtime
from tests.channels.delivery_reports import (
    api_message,
    failure_events,
    provider_id,
    twilio_status,
    whatsapp_status,
)
from tests.channels.fake_provider import FakeProvider
from tests.channels.inbound_helpers import ALL_SECRETS, ChannelTenant, add_credential
from tests.channels.outbound_replies import CUSTOMER, conversation, delivery, reply, sending
from tests.conftest import audit_events
from tests.job_queue import drain
from tests.web.forms import sign_in
from tests.web.members import owner_of
from tests.webhooks.conftest import allow_local, create_endpoint

__all__ = ["allow_local"]  # a fixture, used by name
WHATSAPP_ACCESS_TOKEN = "EAAG-graph-access-token-0123456789"


def sent_sms(client: TestClient, runtime: Runtime, ct: ChannelTenant, provider: FakeProvider) -> tuple[str, str, str]:
    """An agent's SMS reply, sent: (conversation id, message id, Twilio's sid for it)."""
    conversation_id = conversation(client, ct.tenant, "sms")
    message_id = reply(client, ct.tenant, conversation_id)
    drain(sending(runtime, provider))
    sid = provider.issued[-1]
    assert provider_id(runtime, ct.tenant, message_id) == ("twilio", sid)
    return conversation_id, message_id, sid


def test_twilio_reports_move_an_sms_reply_to_delivered_and_never_back(
    client: TestClient, runtime: Runtime, ct: ChannelTenant, fake_provider: FakeProvider
) -> None:
    conversation_id, message_id, sid = sent_sms(client, runtime, ct, fake_provider)
    assert api_message(client, ct.tenant, conversation_id, message_id)["delivery_status"] == "sent"

    assert twilio_status(client, ct, sid, "queued") == 204  # says nothing new
    assert twilio_status(client, ct, sid, "sent") == 204  # already sent: nothing to move
    assert twilio_status(client, ct, sid, "delivered") == 204
    shown = api_message(client, ct.tenant, conversation_id, message_id)
    assert (shown["delivery_status"], shown["delivery_error"]) == ("delivered", None)
    assert shown["delivery_updated_at"] is not None

    # Late and replayed reports are acknowledged and change nothing, not even the audit log.
    for late in ("sent", "delivered", "undelivered", "failed"):
        assert twilio_status(client, ct, sid, late, ErrorCode="30003") == 204
    assert delivery(runtime, ct.tenant, message_id) == ("delivered", None)
    updates = [e for e in audit_events(runtime, ct.tenant) if e["action"].startswith("channel.delivery_")]
    assert [(e["action"], e["actor_kind"], e["details"]["status"]) for e in updates] == [
        ("channel.delivery_updated", "webhook", "delivered")]
    assert updates[0]["details"]["message_id"] == message_id

    # And the staff app's transcript says so beside the reply.
    sign_in(client, owner_of(ct.tenant))
    reply_html = client.get(f"/conversations/{conversation_id}").text.split(f'id="m-{message_id}"', 1)[1]
    assert '<p class="delivery delivery-delivered">Delivered</p>' in reply_html.split("</article>", 1)[0]


def test_an_undelivered_sms_is_failed_with_a_readable_reason_and_announced(
    client: TestClient, runtime: Runtime, ct: ChannelTenant, fake_provider: FakeProvider,
    allow_local: object,
) -> None:
    endpoint = create_endpoint(client, ct.tenant, "http://127.0.0.1:9/hooks", ["message.delivery_failed"])
    conversation_id, message_id, sid = sent_sms(client, runtime, ct, fake_provider)
    for _ in range(2):  # Twilio retries; the second report is a replay
        assert twilio_status(client, ct, sid, "undelivered", ErrorCode="30003") == 204

    reason = "Twilio error 30003: the customer's phone is unreachable (off or out of coverage)"
    shown = api_message(client, ct.tenant, conversation_id, message_id)
    assert (shown["delivery_status"], shown["delivery_error"]) == ("failed", reason)
    # A delivery that failed after "sent" stays failed: a late "delivered" does not resurrect it.
    assert twilio_status(client, ct, sid, "delivered") == 204
    assert delivery(runtime, ct.tenant, message_id) == ("failed", reason)

    [failed] = [e for e in audit_events(runtime, ct.tenant) if e["action"] == "channel.delivery_failed"]
    assert (failed["outcome"], failed["details"]["error_code"]) == ("failed", 30003)
    [event] = failure_events(runtime, ct.tenant)
    # Ids and facts only leave the system: no reason text, number or message.
    assert event["data"] == {"message_id": message_id, "conversation_id": conversation_id, "provider": "twilio",
                             "error_code": 30003}
    assert endpoint["event_types"] == ["message.delivery_failed"]


def test_whatsapp_statuses_move_a_reply_and_a_failure_keeps_the_code_and_title(
    client: TestClient, runtime: Runtime, ct: ChannelTenant, fake_provider: FakeProvider
) -> None:
    add_credential(client, ct.tenant, "whatsapp", "access_token", WHATSAPP_ACCESS_TOKEN)
    first_conversation = conversation(client, ct.tenant, "whatsapp")
    first = reply(client, ct.tenant, first_conversation)
    second = reply(client, ct.tenant, first_conversation, body="And one more thing")
    drain(sending(runtime, fake_provider))
    first_id, second_id = (provider_id(runtime, ct.tenant, m)[1] for m in (first, second))
    assert {first_id, second_id} == set(fake_provider.issued)

    assert first_id is not None
    assert second_id is not None
    assert whatsapp_status(client, ct, first_id, "delivered") == 200
    assert whatsapp_status(client, ct, first_id, "read") == 200
    assert whatsapp_status(client, ct, first_id, "sent") == 200  # late: ignored
    assert delivery(runtime, ct.tenant, first) == ("delivered", None)

    # Meta's error title is kept as plain words; a number inside it is masked.
    title = "Re-engagement message for +14155550123"
    assert whatsapp_status(client, ct, second_id, "failed", [{"code": 131047, "title": title}]) == 200
    status, reason = delivery(runtime, ct.tenant, second)
    assert status == "failed"
    assert reason == "WhatsApp error 131047: more than 24 hours since the customer's last message: WhatsApp " \
                     "needs a template"
    assert whatsapp_status(client, ct, "wamid.unknownmessage0000", "failed", [{"code": 1, "title": title}]) == 200
    events = audit_events(runtime, ct.tenant)
    assert [e["details"]["status"] for e in events if e["action"].startswith("channel.delivery_")] == [
        "delivered", "failed"]
    assert CUSTOMER.removeprefix("+") not in str(events)


def test_a_send_that_fails_for_lack_of_a_credential_shows_failed_in_the_api_and_is_announced(
    client: TestClient, runtime: Runtime, fake_provider: FakeProvider, allow_local: object
) -> None:
    """The demo's complaint: the reply failed for lack of a credential but looked sent."""
    from tests.conftest import make_tenant

    tenant = make_tenant(runtime)  # no Twilio credential at all
    create_endpoint(client, tenant, "http://127.0.0.1:9/hooks", ["message.delivery_failed"])
    conversation_id = conversation(client, tenant, "sms")
    message_id = reply(client, tenant, conversation_id)
    assert api_message(client, tenant, conversation_id, message_id)["delivery_status"] == "queued"
    drain(sending(runtime, fake_provider))

    assert fake_provider.requests == []
    shown = api_message(client, tenant, conversation_id, message_id)
    assert shown["delivery_status"] == "failed"
    assert shown["delivery_error"] == (
        "no Twilio (SMS) credential is set up for this business (Integrations → add one)")
    [failed] = [e for e in audit_events(runtime, tenant) if e["action"] == "channel.send_failed"]
    assert failed["outcome"] == "failed"
    [event] = failure_events(runtime, tenant)
    assert event["data"] == {"message_id": message_id, "conversation_id": conversation_id, "provider": None,
                             "error_code": None}


def test_a_provider_4xx_is_failed_with_its_error_code_never_its_text(
    client: TestClient, runtime: Runtime, ct: ChannelTenant, fake_provider: FakeProvider, allow_local: object
) -> None:
    create_endpoint(client, ct.tenant, "http://127.0.0.1:9/hooks", ["message.delivery_failed"])
    fake_provider.statuses = [400]
    # Twilio's error messages can quote the number: only the code is kept.
    fake_provider.error_body = {"code": 21211, "message": f"The 'To' number {CUSTOMER} is not a valid phone number.",
                                "status": 400}
    conversation_id = conversation(client, ct.tenant, "sms")
    message_id = reply(client, ct.tenant, conversation_id)
    drain(sending(runtime, fake_provider))
    shown = api_message(client, ct.tenant, conversation_id, message_id)
    assert (shown["delivery_status"], shown["delivery_error"]) == (
        "failed", "Twilio error 21211: the customer's phone number is not valid (HTTP 400)")
    assert provider_id(runtime, ct.tenant, message_id) == (None, None)
    [failed] = [e for e in audit_events(runtime, ct.tenant) if e["action"] == "channel.send_failed"]
    assert (failed["details"]["status_code"], failed["details"]["error_code"]) == (400, 21211)
    [event] = failure_events(runtime, ct.tenant)
    assert (event["data"]["provider"], event["data"]["error_code"]) == ("twilio", 21211)
    assert CUSTOMER not in str(audit_events(runtime, ct.tenant))


def test_a_malformed_provider_id_is_not_stored(
    client: TestClient, runtime: Runtime, ct: ChannelTenant, fake_provider: FakeProvider
) -> None:
    fake_provider.issued_override = "SM../../../x"
    message_id = reply(client, ct.tenant, conversation(client, ct.tenant, "sms"))
    drain(sending(runtime, fake_provider))
    assert delivery(runtime, ct.tenant, message_id) == ("sent", None)
    assert provider_id(runtime, ct.tenant, message_id) == (None, None)


def test_reports_reveal_no_secret(client: TestClient, runtime: Runtime, ct: ChannelTenant,
                                  fake_provider: FakeProvider) -> None:
    _, _, sid = sent_sms(client, runtime, ct, fake_provider)
    assert twilio_status(client, ct, sid, "failed", ErrorCode="30007") == 204
    written = str(audit_events(runtime, ct.tenant))
    for secret in ALL_SECRETS:
        assert secret not in written
