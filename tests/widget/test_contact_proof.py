"""On the widget, the phone number or e-mail address a visitor gives is proved with a one-time code before a
booking is made; once proved, the visitor is the customer who holds it, in any channel (ADR 0043).

Through the real app: the widget API with conversation tokens, the assistant's worker, the ``mail.send`` job
delivering to a real aiosmtpd server, and texted codes read from the outbound message the SMS channel sends."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from engium.app import create_app
from engium.assistant.phrasebook import say
from engium.channels import widget_proof
from engium.runtime import Runtime
from tests.assistant.helpers import Salon, WidgetVisitor, open_salon, rows, texting, visit
from tests.channels.inbound_helpers import GENERIC_401, WIDGET_SECRET, add_credential
from tests.conftest import CLIENT_IP, audit_events, make_tenant
from tests.job_queue import drain, runtime_with
from tests.mail import conftest as mail_fixtures
from tests.mail.conftest import SmtpServer
from tests.widget.contact_proofs import emailed_codes, texted_code

ADDRESS = "ada.lovelace@example.com"
OWNER = "+14155550123"  # the SMS customer's number
BOOK = "Can I get a men's haircut Saturday at 10?"
smtp_server = mail_fixtures.smtp_server


@pytest.fixture
def mail_runtime(runtime: Runtime, smtp_server: SmtpServer) -> Runtime:
    """The session's runtime with this test's SMTP server as the operator's sender."""
    return runtime_with(runtime, mail=smtp_server.settings())


@pytest.fixture
def mail_client(mail_runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(mail_runtime), client=(CLIENT_IP, 50124)) as test_client:
        yield test_client


def headers(visitor: WidgetVisitor) -> dict[str, str]:
    return {"X-Widget-Key": visitor.salon.channels.widget_key, "X-Widget-Token": visitor.token}


def prove(visitor: WidgetVisitor, code: str) -> Any:
    return visitor.client.post("/widget/v1/contact/verify", json={"code": code}, headers=headers(visitor))


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def statuses(runtime: Runtime, salon: Salon) -> list[str]:
    return [str(status) for (status,) in rows(runtime, salon.tenant, "select status from bookings order by starts_at")]


def test_an_emailed_code_proves_the_address_and_only_then_the_booking_is_made(
    mail_client: TestClient, mail_runtime: Runtime, smtp_server: SmtpServer
) -> None:
    salon = open_salon(mail_client, mail_runtime)
    visitor = visit(mail_client, mail_runtime, salon)
    visitor.say(BOOK)
    stated = visitor.give_details(name="Ada Lovelace", phone=None, email="Ada.Lovelace@example.com", prove=False)
    assert (stated["email"], stated["code_sent_to"]) == (ADDRESS, "email")
    drain(visitor.worker)  # the mail.send job delivers it to the SMTP server
    (code,) = emailed_codes(smtp_server, ADDRESS)
    assert visitor.messages()[-1]["asks_for"] == ["code"]

    assert visitor.say("yes") == [say("en", "code_still_missing")]
    assert rows(mail_runtime, salon.tenant, "select id from bookings") == []

    proved = prove(visitor, code)
    assert proved.status_code == 200, proved.text
    assert proved.json()["verified"] is True
    assert visitor.say("yes")[0].startswith("You're booked: Men's haircut")
    ((email, unverified),) = rows(mail_runtime, salon.tenant, "select k.email, k.unverified_email from bookings b "
                                                              "join contacts k on k.id = b.contact_id")
    assert (email, unverified) == (ADDRESS, None)  # proved: now the contact's identifier
    assert prove(visitor, code).status_code == 409  # used once

    events = audit_events(mail_runtime, salon.tenant)
    sent = [e for e in events if e["action"] == "contact.proof_sent"]
    verified = [e for e in events if e["action"] == "contact.proof_verified"]
    assert [e["details"]["channel"] for e in sent] == ["email"]
    assert verified[0]["details"]["linked_to_existing_contact"] is False
    assert ADDRESS not in str([e["details"] for e in sent + verified])  # never the address in the log
    stored = rows(mail_runtime, salon.tenant, "select code_sha256, address_sha256 from contact_proofs")
    assert code not in str(stored)
    assert ADDRESS not in str(stored)


def test_a_proven_visitor_sees_and_cancels_the_booking_they_made_by_sms(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    customer = texting(client, runtime, salon, phone=OWNER)
    customer.say(BOOK)
    assert customer.say("yes")[0].startswith("You're booked")

    visitor = visit(client, runtime, salon)
    assert visitor.give_details(name="Sam", phone=OWNER, prove=False)["code_sent_to"] == "sms"
    assert prove(visitor, texted_code(runtime, salon, OWNER)).status_code == 200

    (listed,) = visitor.say("What are my bookings?")
    assert listed.startswith("Your upcoming bookings: Men's haircut")
    assert "Saturday 4 May at 10:00" in listed
    (question,) = visitor.say("Please cancel my booking")
    assert question.startswith("Shall I cancel your Men's haircut")
    assert visitor.say("yes")[0].startswith("Done: your Men's haircut")
    assert statuses(runtime, salon) == ["cancelled"]
    # The widget conversation now belongs to the SMS customer: one contact, both channels.
    channels = rows(runtime, salon.tenant, "select distinct c.channel from conversations c join contacts k on "
                                           "k.id = c.contact_id where k.phone = :p order by 1", p=OWNER)
    assert channels == [("sms",), ("web",)]
    assert rows(runtime, salon.tenant, "select count(*) from contacts") == [(1,)]
    merged = [e for e in audit_events(runtime, salon.tenant) if e["action"] == "contact.merged"]
    assert [e["actor_kind"] for e in merged] == ["contact"]


def test_a_visitor_who_asks_for_their_bookings_is_shown_the_form_then_the_code_field(
    client: TestClient, runtime: Runtime
) -> None:
    salon = open_salon(client, runtime)
    customer = texting(client, runtime, salon, phone=OWNER)
    customer.say(BOOK)
    customer.say("yes")

    visitor = visit(client, runtime, salon)
    assert visitor.say("¿Cuál es mi cita?") == [say("es", "prove_first")]  # in the customer's language
    assert visitor.messages()[-1]["asks_for"] == ["name", "phone_or_email"]
    visitor.give_details(name="Sam", phone=OWNER, prove=False)
    assert visitor.messages()[-1]["asks_for"] == ["code"]
    assert prove(visitor, texted_code(runtime, salon, OWNER)).status_code == 200
    assert visitor.messages()[-1]["asks_for"] == []
    (listed,) = visitor.say("¿Cuál es mi cita?")
    assert listed.startswith("Sus próximas citas:")


def test_an_unproven_visitor_who_types_someone_elses_number_sees_and_changes_nothing(
    client: TestClient, runtime: Runtime
) -> None:
    salon = open_salon(client, runtime)
    customer = texting(client, runtime, salon, phone=OWNER)
    customer.say(BOOK)
    customer.say("yes")

    mallory = visit(client, runtime, salon)
    mallory.give_details(name="Mallory", phone=OWNER, prove=False)  # the code goes to the owner's phone, not to Mallory
    assert mallory.say("What are my bookings?") == [say("en", "prove_first")]
    assert mallory.say("Please cancel my booking") == [say("en", "prove_first")]
    mallory.say("yes")
    assert statuses(runtime, salon) == ["confirmed"]
    # Guessing does not help: five wrong codes void it, and the right one is refused after that.
    code = texted_code(runtime, salon, OWNER)
    for tries_left in (4, 3, 2, 1, 0):
        refused = prove(mallory, wrong(code))
        assert (refused.status_code, refused.json()["error"]["details"]) == (422, {"tries_left": tries_left})
    voided = prove(mallory, code)
    assert (voided.status_code, voided.json()["error"]["message"]) == (409, widget_proof.VOIDED)
    assert mallory.say("What are my bookings?") == [say("en", "prove_first")]
    failed = [e for e in audit_events(runtime, salon.tenant) if e["action"] == "contact.proof_failed"]
    assert [e["details"]["wrong_codes"] for e in failed] == [1, 2, 3, 4, 5]
    assert failed[-1]["details"]["voided"] is True


def test_an_expired_code_is_refused(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    visitor = visit(client, runtime, salon)
    visitor.give_details(phone="+447700900123", prove=False)
    rows(runtime, salon.tenant, "update contact_proofs set expires_at = now() - interval '1 second' returning id")
    expired = prove(visitor, texted_code(runtime, salon))
    assert (expired.status_code, expired.json()["error"]["message"]) == (409, widget_proof.EXPIRED)


def test_a_code_is_good_for_the_conversation_that_asked_only(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    alice, bob = visit(client, runtime, salon), visit(client, runtime, salon)
    alice.give_details(name="Alice", phone="+447700900123", prove=False)
    code = texted_code(runtime, salon)
    # Bob has asked for no code: Alice's is no use to him, nor is it once he asks for one of his own.
    assert prove(bob, code).status_code == 409
    bob.give_details(name="Bob", phone="+447700900999", prove=False)
    assert prove(bob, code).status_code == 422
    # A code for a detail Alice has since changed proves nothing either.
    alice.give_details(name="Alice", phone="+447700900555", prove=False)
    assert prove(alice, code).status_code == 422
    assert rows(runtime, salon.tenant, "select count(*) from contact_proofs where confirmed_at is not null") == [(0,)]


def test_a_proof_in_one_business_verifies_nothing_in_another(client: TestClient, runtime: Runtime) -> None:
    other, salon = open_salon(client, runtime), open_salon(client, runtime, suffix="-b")
    customer = texting(client, runtime, other, phone=OWNER)
    customer.say(BOOK)
    customer.say("yes")  # a booking at the other business, for the same number

    visitor = visit(client, runtime, salon)
    visitor.give_details(name="Sam", phone=OWNER, prove=False)
    assert prove(visitor, texted_code(runtime, salon, OWNER)).status_code == 200
    assert visitor.say("What are my bookings?") == [say("en", "no_bookings_seen")]
    assert statuses(runtime, other) == ["confirmed"]
    assert rows(runtime, other.tenant, "select count(*) from contact_proofs") == [(0,)]
    # The token is this business's: with the other business's key it is the generic 401.
    crossed = client.post("/widget/v1/contact/verify", json={"code": "123456"},
                          headers={"X-Widget-Key": other.channels.widget_key, "X-Widget-Token": visitor.token})
    assert (crossed.status_code, crossed.json()) == (401, GENERIC_401)


def test_codes_are_rate_limited_per_conversation_and_per_number(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    visitor = visit(client, runtime, salon)
    visitor.give_details(phone="+447700900123", prove=False)
    first = texted_code(runtime, salon)
    for _ in range(widget_proof.SENDS_PER_CONVERSATION - 1):
        assert client.post("/widget/v1/contact/code", headers=headers(visitor)).status_code == 202
    refused = client.post("/widget/v1/contact/code", headers=headers(visitor))
    assert (refused.status_code, refused.json()["error"]["message"]) == (429, widget_proof.TOO_MANY_SENDS)
    latest = texted_code(runtime, salon)
    if latest != first:
        assert prove(visitor, first).status_code == 422  # a new code voids the one before
    # Other conversations naming the same number share its budget.
    for _ in range(widget_proof.SENDS_PER_ADDRESS - widget_proof.SENDS_PER_CONVERSATION):
        visit(client, runtime, salon).give_details(phone="+447700900123", prove=False)
    flooded = client.put("/widget/v1/contact", json={"name": "Eve", "phone": "+447700900123"},
                         headers=headers(visit(client, runtime, salon)))
    assert (flooded.status_code, flooded.json()["error"]["message"]) == (429, widget_proof.TOO_MANY_FOR_ADDRESS)
    assert prove(visitor, latest).status_code == 200


def test_a_number_is_refused_where_the_business_cannot_text_and_an_address_is_asked_for(
    mail_client: TestClient, mail_runtime: Runtime, smtp_server: SmtpServer
) -> None:
    tenant = make_tenant(mail_runtime)
    widget = add_credential(mail_client, tenant, "widget", "default", WIDGET_SECRET)
    key = {"X-Widget-Key": str(widget["metadata"]["public_widget_key"])}
    token = mail_client.post("/widget/v1/conversations", json={}, headers=key).json()["token"]
    given = {**key, "X-Widget-Token": token}
    refused = mail_client.put("/widget/v1/contact", json={"name": "Ada", "phone": "+447700900123"}, headers=given)
    assert (refused.status_code, refused.json()["error"]["message"]) == (422, widget_proof.NO_TEXT_CHANNEL)
    assert mail_client.post("/widget/v1/contact/code", headers=given).status_code == 422
    accepted = mail_client.put("/widget/v1/contact", json={"name": "Ada", "email": ADDRESS}, headers=given)
    assert accepted.json()["code_sent_to"] == "email"


@pytest.mark.parametrize("body", [{}, {"code": "12345"}, {"code": "1234567"}, {"code": "abcdef"},
                                  {"code": "123456", "extra": 1}, {"code": 123456}])
def test_a_malformed_code_is_422(client: TestClient, runtime: Runtime, body: dict[str, Any]) -> None:
    salon = open_salon(client, runtime)
    visitor = visit(client, runtime, salon)
    answer = client.post("/widget/v1/contact/verify", json=body, headers=headers(visitor))
    assert answer.status_code == 422, answer.text


def test_where_no_code_can_be_sent_at_all_the_visitor_is_not_sent_round_in_a_circle(
    client: TestClient, runtime: Runtime
) -> None:
    tenant = make_tenant(runtime)  # no SMS channel, and this server has no e-mail sender
    widget = add_credential(client, tenant, "widget", "default", WIDGET_SECRET)
    key = {"X-Widget-Key": str(widget["metadata"]["public_widget_key"])}
    token = client.post("/widget/v1/conversations", json={}, headers=key).json()["token"]
    given = {**key, "X-Widget-Token": token}
    for details in ({"name": "Ada", "phone": "+447700900123"}, {"name": "Ada", "email": "ada@example.com"}):
        refused = client.put("/widget/v1/contact", json=details, headers=given)
        assert (refused.status_code, refused.json()["error"]["message"]) == (422, widget_proof.NO_WAY_TO_SEND)
