"""Before a web booking the assistant asks who is coming; the widget's form answers with
``PUT /widget/v1/contact``, for the visitor's own contact only, and nothing a visitor types ever
becomes a contact's identifier."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from engium.assistant.contact_details import ASK, STILL_MISSING
from engium.assistant.phrasebook import say
from engium.runtime import Runtime
from tests.assistant.helpers import open_salon, rows, texting, visit
from tests.channels.inbound_helpers import GENERIC_401, configured_tenant
from tests.conftest import audit_events
from tests.widget.contact_proofs import texted_code

PROPOSAL = "I can book you in: Men's haircut (30 min, £30.00) with Alex Morgan on Saturday 4 May at 10:00."
ASKS_FOR = ["name", "phone_or_email"]


def test_a_web_visitor_gives_a_name_and_number_before_the_booking_is_made(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    visitor = visit(client, runtime, salon)

    assert visitor.say("Can I get a men's haircut Saturday at 10?") == [f"{PROPOSAL} {ASK}"]
    *earlier, asking = visitor.messages()
    assert asking["asks_for"] == ASKS_FOR  # the widget shows its form under this reply
    assert all(m["asks_for"] == [] for m in earlier)

    assert visitor.say("yes") == [STILL_MISSING]  # a "yes" alone books nothing
    assert rows(runtime, salon.tenant, "select id from bookings") == []
    assert visitor.messages()[-1]["asks_for"] == ASKS_FOR

    stated = visitor.give_details(name="Ada Lovelace", phone="+44 7700 900123", prove=False)
    assert {k: v for k, v in stated.items() if k != "code_expires_at"} == {
        "name": "Ada Lovelace", "phone": "+447700900123", "email": None, "code_sent_to": "sms"}
    assert visitor.messages()[-1]["asks_for"] == ["code"]  # given: the form asks for the texted code (ADR 0043)

    assert visitor.say("yes") == [say("en", "code_still_missing")]  # not proved yet: nothing booked
    assert rows(runtime, salon.tenant, "select id from bookings") == []
    proved = client.post("/widget/v1/contact/verify", json={"code": texted_code(runtime, salon)},
                         headers={"X-Widget-Key": salon.channels.widget_key, "X-Widget-Token": visitor.token})
    assert proved.status_code == 200, proved.text
    assert all(m["asks_for"] == [] for m in visitor.messages())  # proved: the form goes away

    assert visitor.say("yes")[0].startswith("You're booked: Men's haircut")
    ((name, phone, unverified_phone, email),) = rows(
        runtime, salon.tenant, "select k.name, k.phone, k.unverified_phone, k.email from bookings b "
                               "join contacts k on k.id = b.contact_id")
    assert (name, phone, unverified_phone, email) == ("Ada Lovelace", "+447700900123", None, None)

    events = audit_events(runtime, salon.tenant)
    (updated,) = [e for e in events if e["action"] == "contact.updated"]
    # Field names only; the visitor's address and user agent are sealed under their key (ADR 0021).
    assert updated["actor_kind"] == "contact"
    assert {k: v for k, v in updated["details"].items() if k != "personal"} == {
        "fields": ["name", "unverified_phone"], "source": "widget"}
    assert [entry["fields"] for entry in updated["details"]["personal"]] == [["ip", "user_agent"]]
    tools = [(e["details"]["tool"], e["details"]["outcome"]) for e in events if e["action"] == "assistant.tool_called"]
    assert ("book_appointment", "details_required") in tools
    assert "Lovelace" not in str([e["details"] for e in events])  # names and numbers stay out of the log


def test_a_visitor_who_cannot_use_the_form_reaches_a_person(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    visitor = visit(client, runtime, salon)
    visitor.say("Can I get a men's haircut Saturday at 10?")
    visitor.say("yes")
    visitor.say("yes")
    (handed,) = visitor.say("yes")
    assert "member of the team" in handed
    assert rows(runtime, salon.tenant, "select status from conversations") == [("escalated",)]
    assert rows(runtime, salon.tenant, "select id from bookings") == []


def test_an_sms_customer_is_not_asked_for_details(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    customer = texting(client, runtime, salon)
    (proposal,) = customer.say("Can I get a men's haircut Saturday at 10?")
    assert proposal == f"{PROPOSAL} Shall I confirm? Reply yes or no."


@pytest.mark.parametrize("body", [
    {"phone": "+447700900123"},                                   # no name
    {"name": "   ", "phone": "+447700900123"},                    # a blank name
    {"name": "Ada"},                                              # no way to reach her
    {"name": "Ada", "phone": None, "email": None},
    {"name": "Ada", "phone": "07700 900123"},                     # not international
    {"name": "Ada", "email": "not an address"},
    {"name": "A" * 201, "phone": "+447700900123"},
    {"name": "Ada", "phone": "+447700900123", "widget_id": "user:someone-else"},  # nothing else may be set
])
def test_details_are_validated(client: TestClient, runtime: Runtime, body: dict[str, Any]) -> None:
    business = configured_tenant(client, runtime)
    key = {"X-Widget-Key": business.widget_key}
    token = client.post("/widget/v1/conversations", json={}, headers=key).json()["token"]
    answer = client.put("/widget/v1/contact", json=body, headers={**key, "X-Widget-Token": token})
    assert answer.status_code == 422, answer.text


def test_a_visitor_states_details_for_their_own_contact_only(client: TestClient, runtime: Runtime) -> None:
    business, other = configured_tenant(client, runtime), configured_tenant(client, runtime, suffix="-b")
    key = {"X-Widget-Key": business.widget_key}
    alice = client.post("/widget/v1/conversations", json={}, headers=key).json()["token"]
    bob = client.post("/widget/v1/conversations", json={}, headers=key).json()["token"]
    details = {"name": "Alice", "phone": "+44 7700 900111", "email": "Alice@Example.com"}

    stated = client.put("/widget/v1/contact", json=details, headers={**key, "X-Widget-Token": alice})
    # This server sends no e-mail: the code is texted to the number (ADR 0043).
    assert {k: v for k, v in stated.json().items() if k != "code_expires_at"} == {
        "name": "Alice", "phone": "+447700900111", "email": "alice@example.com", "code_sent_to": "sms"}
    names = rows(runtime, business.tenant, "select name, unverified_email from contacts where widget_id is not null "
                                           "order by name")
    assert names == [("", None), ("Alice", "alice@example.com")]  # Bob's contact is untouched

    for headers in ({**key}, {**key, "X-Widget-Token": "A" * 43},
                    {"X-Widget-Key": other.widget_key, "X-Widget-Token": bob}):  # another business's key
        refused = client.put("/widget/v1/contact", json=details, headers=headers)
        assert (refused.status_code, refused.json()) == (401, GENERIC_401)
    assert rows(runtime, other.tenant, "select id from contacts") == []


def test_a_stated_number_never_identifies_anyone(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    customer = texting(client, runtime, salon, phone="+14155550199")
    customer.say("When are you open?")
    # A visitor types the SMS customer's number: accepted (no hint that it is known), stored as a claim.
    visitor = visit(client, runtime, salon)
    assert visitor.give_details(name="Mallory", phone="+14155550199", prove=False)["phone"] == "+14155550199"
    contacts = rows(runtime, salon.tenant, "select name, phone, unverified_phone from contacts order by name")
    assert contacts == [("", "+14155550199", None), ("Mallory", None, "+14155550199")]
    # The real owner's next text still lands on their own contact, not on the visitor's.
    customer.say("Are you open on Sunday?")
    texts = rows(runtime, salon.tenant, "select count(*) from messages m join conversations c on c.id = "
                                        "m.conversation_id join contacts k on k.id = c.contact_id where k.name = ''")
    # Two questions, two answers, and the one-time code texted to the real owner, who can ignore it (ADR 0043).
    assert texts == [(5,)]


def test_a_polling_widget_reads_only_what_is_new(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    visitor = visit(client, runtime, salon)
    visitor.say("When are you open?")
    first = visitor.messages()
    headers = {"X-Widget-Key": salon.channels.widget_key, "X-Widget-Token": visitor.token}

    def after(message_id: str) -> list[str]:
        answer = client.get("/widget/v1/messages", params={"after": message_id}, headers=headers)
        assert answer.status_code == 200, answer.text
        return [m["body"] for m in answer.json()]

    assert after(first[-1]["id"]) == []
    visitor.say("Are you open on Sunday?")
    assert after(first[-1]["id"]) == ["Are you open on Sunday?", "We're closed on Sunday 5 May."]
    # A message id from another conversation is no cursor: the widget gets its whole transcript.
    other = visit(client, runtime, salon)
    other.say("hello")
    assert len(after(other.messages()[0]["id"])) == 4


def test_the_config_names_the_business(client: TestClient, runtime: Runtime) -> None:
    business = configured_tenant(client, runtime)
    config = client.get("/widget/v1/config", headers={"X-Widget-Key": business.widget_key})
    assert config.json()["business_name"] == business.tenant.name
    assert config.json()["ai_notice"].startswith(f"You are chatting with {business.tenant.name}'s AI assistant")
    assert client.get("/widget/v1/config", headers={"X-Widget-Key": "wk_unknown_00000000000"}).status_code == 401
