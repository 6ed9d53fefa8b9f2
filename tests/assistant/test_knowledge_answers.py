"""Knowledge questions: the business's FAQ answers and documents quoted with their title; nothing
reliable found means a person, never a guess. Facts a business has not entered are never invented."""

from __future__ import annotations

from fastapi.testclient import TestClient

from engium.runtime import Runtime
from tests.assistant.helpers import Salon, open_salon, visit
from tests.assistant.knowledge_helpers import AFTERCARE, add_document
from tests.conftest import audit_events


def replied_events(runtime: Runtime, salon: Salon) -> list[dict[str, object]]:
    return [e["details"] for e in audit_events(runtime, salon.tenant) if e["action"] == "assistant.replied"]


def test_a_faq_question_gets_the_business_s_own_answer(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    visitor = visit(client, runtime, salon)
    assert visitor.say("Is there any parking?") == ["Yes, there is free parking behind the salon."]
    assert replied_events(runtime, salon)[-1]["sources"] == ["faq:0"]


def test_a_question_is_answered_by_quoting_the_matching_document(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    document_id = add_document(client, salon, "Aftercare guide", AFTERCARE)
    visitor = visit(client, runtime, salon)
    assert visitor.say("How long should I wait before washing coloured hair?") == [
        'From "Aftercare guide": Wait at least 48 hours before washing freshly coloured hair, so the colour can '
        "settle."
    ]
    details = replied_events(runtime, salon)[-1]
    assert details["responder"] == "grounded"
    sources = details["sources"]
    assert isinstance(sources, list)
    assert f"document:{document_id}" in sources
    assert any(str(s).startswith("chunk:") for s in sources)


def test_nothing_reliable_found_hands_over_instead_of_guessing(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    add_document(client, salon, "Aftercare guide", AFTERCARE)
    visitor = visit(client, runtime, salon)
    assert visitor.say("Do you do eyebrow threading?") == [
        "I'm not sure about that and would rather not guess, so I've asked a member of the team to reply here within "
        "about 2 hours. In the meantime I can still help with opening hours, prices and bookings."
    ]
    escalated = [e for e in audit_events(runtime, salon.tenant) if e["action"] == "assistant.escalated"]
    assert [e["details"]["reason"] for e in escalated] == ["low_confidence"]


def test_repeated_failures_hand_over_when_the_business_prefers_to_keep_trying(
    client: TestClient, runtime: Runtime
) -> None:
    salon = open_salon(client, runtime)
    rules = {"on_low_confidence": False, "after_failed_answers": 2}
    assert client.patch("/api/v1/settings", headers=salon.tenant.headers,
                        json={"escalation_rules": rules}).status_code == 200
    visitor = visit(client, runtime, salon)
    first = visitor.say("Do you do eyebrow threading?")
    assert first == ["I'm not sure about that, and I'd rather not guess. Would you like me to pass you to a member of "
                     "the team?"]
    assert visitor.say("What about nail art?") == [
        "Sorry I couldn't help with that. I've asked a member of the team to reply here within about 2 hours. In the "
        "meantime I can still help with opening hours, prices and bookings."
    ]
    conversation = client.get(f"/api/v1/conversations/{visitor.conversation_id}", headers=salon.tenant.headers)
    assert conversation.json()["status"] == "escalated"


def test_an_escalation_keyword_of_the_business_hands_over(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    client.patch("/api/v1/settings", headers=salon.tenant.headers, json={"escalation_rules": {"keywords": ["refund"]}})
    visitor = visit(client, runtime, salon)
    replies = visitor.say("I want a refund for my colour")
    assert replies[0].startswith("I've passed your message to a member of the team")


def test_prices_and_contact_details_come_from_the_catalogue_and_settings(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    visitor = visit(client, runtime, salon)
    assert visitor.say("How much is a haircut?") == [
        "Here's what that costs: Men's haircut: £30.00 (30 min); Women's haircut: £55.00 (60 min)."
    ]
    assert visitor.say("Where are you?") == ["You'll find us at 12 Market Street, London."]
    assert visitor.say("what's your email?") == ["I don't have our email on file, sorry."]
    assert visitor.say("hello") == [
        f"Hello, and welcome to {salon.tenant.name}! I can tell you our opening hours, services and prices, check "
        "availability and book you in. How can I help?"
    ]


def test_one_tenant_s_documents_never_answer_another_tenant_s_customers(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    add_document(client, salon, "Aftercare guide", AFTERCARE)
    elsewhere = open_salon(client, runtime, suffix="-other")
    visitor = visit(client, runtime, elsewhere)
    replies = visitor.say("How long should I wait before washing coloured hair?")
    assert replies[0].startswith("I'm not sure about that")
    assert "48 hours" not in replies[0]
