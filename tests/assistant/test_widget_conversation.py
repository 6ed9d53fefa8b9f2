"""A customer on the web widget talks to the default (grounded) assistant, end to end through the API."""

from __future__ import annotations

from fastapi.testclient import TestClient

from engium.access.permissions import Role
from engium.runtime import Runtime
from tests.assistant.helpers import SATURDAY, open_salon, rows, visit
from tests.conftest import TenantHandle, audit_events, bearer, make_api_key


def test_opening_hours_are_answered_from_the_settings(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    visitor = visit(client, runtime, salon)
    assert visitor.say("When are you open?") == [
        "Our opening hours: Mon-Wed 09:00-18:00; Thu 09:00-20:00; Fri 09:00-18:00; Sat 09:00-17:00; Sun closed. "
        "Appointments: Mon-Sat 09:00-17:00; Sun closed."  # Alex, the only stylist, works 09:00-17:00
    ]
    assert visitor.say("Are you open on Sunday?") == ["We're closed on Sunday 5 May."]
    assert visitor.say("and on saturday?") == ["On Saturday 4 May we're open 09:00-17:00."]


def test_booking_a_haircut_asks_which_confirms_and_books(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    visitor = visit(client, runtime, salon)
    visitor.give_details()  # a visitor who gave a name and number up front is not asked again

    assert visitor.say("book a haircut Saturday 10:00") == ["Which would you like: Men's haircut or Women's haircut?"]
    proposal = visitor.say("men's please")
    assert proposal == [
        "I can book you in: Men's haircut (30 min, £30.00) with Alex Morgan on Saturday 4 May at 10:00. "
        "Shall I confirm? Reply yes or no."
    ]
    assert rows(runtime, salon.tenant, "select id from bookings") == []  # nothing before the customer's "yes"

    assert visitor.say("yes") == [
        "You're booked: Men's haircut (30 min, £30.00) with Alex Morgan on Saturday 4 May at 10:00. See you then!"
    ]
    booked = rows(runtime, salon.tenant, "select service_id::text, staff_id::text, starts_at, status from bookings")
    assert len(booked) == 1
    service_id, staff_id, starts_at, status = booked[0]
    assert (service_id, staff_id, status) == (salon.services["Men's haircut"], salon.staff["Alex Morgan"], "confirmed")
    assert starts_at.isoformat() == f"{SATURDAY.isoformat()}T09:00:00+00:00"  # 10:00 in London (BST)

    events = audit_events(runtime, salon.tenant)
    created = [e for e in events if e["action"] == "booking.created"]
    assert [(e["actor_kind"], e["actor_id"]) for e in created] == [("system", "assistant")]
    tools = [(e["details"]["tool"], e["details"]["outcome"]) for e in events if e["action"] == "assistant.tool_called"]
    assert tools == [("check_availability", "available"), ("book_appointment", "proposed"),
                     ("book_appointment", "booked")]
    replied = [e for e in events if e["action"] == "assistant.replied"]
    assert len(replied) == 3
    assert replied[-1]["details"]["sources"][0].startswith("booking:")
    # No message text in the engine's events.
    assert not any("haircut" in str(e["details"]).lower() for e in events if e["action"].startswith("assistant."))


def test_a_slot_that_is_taken_gets_alternatives(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    first, second = visit(client, runtime, salon), visit(client, runtime, salon)
    first.give_details()
    first.say("Can I get a men's haircut Saturday at 10?")
    first.say("yes")
    replies = second.say("Can I get a men's haircut Saturday at 10?")
    assert replies == [
        "Sorry, 10:00 isn't free for a Men's haircut on Saturday 4 May. The nearest free times are 09:00, 09:30 and "
        "10:30. Would one of those suit you?"
    ]
    assert second.say("10:30 then").pop().startswith("I can book you in: Men's haircut (30 min, £30.00) with Alex "
                                                     "Morgan on Saturday 4 May at 10:30.")
    assert second.say("no") == ["No problem, I haven't booked anything. Would another day or time suit you?"]
    assert len(rows(runtime, salon.tenant, "select id from bookings")) == 1


def test_under_the_silent_policy_the_assistant_stays_silent_after_a_hand_over_until_handed_back(
    client: TestClient, runtime: Runtime
) -> None:
    salon = open_salon(client, runtime)
    silent = {"escalation_rules": {"policy": "silent_until_handback"}}
    assert client.patch("/api/v1/settings", headers=salon.tenant.headers, json=silent).status_code == 200
    visitor = visit(client, runtime, salon)
    # Wednesday 09:00, open until 18:00: the default two-hour target fits in today's hours.
    assert visitor.say("I want to talk to a person") == [
        "Of course. I've asked a member of the team to take over; they'll reply here within about 2 hours."
    ]
    conversation = client.get(f"/api/v1/conversations/{visitor.conversation_id}", headers=salon.tenant.headers).json()
    assert conversation["status"] == "escalated"

    assert visitor.say("When are you open?") == []  # silent, and the message is kept for staff
    assert visitor.messages()[-1]["body"] == "When are you open?"
    skipped = [e["details"] for e in audit_events(runtime, salon.tenant) if e["action"] == "assistant.skipped"]
    assert skipped[-1]["reason"] == "escalated"

    handed = client.post(f"/api/v1/conversations/{visitor.conversation_id}/handback", headers=salon.tenant.headers)
    assert handed.status_code == 200, handed.text
    assert handed.json()["status"] == "open"
    again = client.post(f"/api/v1/conversations/{visitor.conversation_id}/handback", headers=salon.tenant.headers)
    assert again.status_code == 409
    assert visitor.say("Are you open on Sunday?") == ["We're closed on Sunday 5 May."]

    actions = [(e["action"], e["actor_kind"]) for e in audit_events(runtime, salon.tenant)]
    assert ("assistant.escalated", "system") in actions
    assert ("conversation.escalated", "system") in actions
    assert ("assistant.skipped", "system") in actions
    assert ("assistant.handed_back", "api_key") in actions


def test_a_booking_is_built_up_over_several_messages_and_survives_a_side_question(
    client: TestClient, runtime: Runtime
) -> None:
    salon = open_salon(client, runtime)
    visitor = visit(client, runtime, salon)
    assert visitor.say("I'd like to book an appointment") == [
        "Which service would you like? We offer Colour, Men's haircut, Women's haircut."
    ]
    assert visitor.say("a colour please") == ["Sure, a Colour (120 min, £95.00). Which day would you like to come in?"]
    assert visitor.say("Saturday")[0].startswith("On Saturday 4 May we have a Colour free at 09:00, 09:30, 10:00")
    proposal = visitor.say("2pm")
    assert proposal[0].startswith("I can book you in: Colour (120 min, £95.00) with Alex Morgan on Saturday 4 May "
                                  "at 14:00.")
    assert visitor.say("Is there parking?") == ["Yes, there is free parking behind the salon."]
    visitor.give_details(name="Robin")  # and the code texted to the number (ADR 0043)
    assert visitor.say("yes")[0].startswith("You're booked: Colour")
    assert len(rows(runtime, salon.tenant, "select id from bookings where status = 'confirmed'")) == 1


def test_a_closed_day_offers_the_next_free_day(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    visitor = visit(client, runtime, salon)
    replies = visitor.say("Any slots for a men's haircut on Sunday?")
    assert replies[0].startswith("Sorry, there's nothing free for a Men's haircut on Sunday 5 May. The next free day "
                                 "is Monday 6 May: 09:00, 09:30")
    assert visitor.say("10:30 works")[0].startswith("I can book you in: Men's haircut (30 min, £30.00) with Alex "
                                                    "Morgan on Monday 6 May at 10:30.")


def test_handback_needs_conversations_write_and_stays_within_the_tenant(
    client: TestClient, runtime: Runtime, other_tenant: TenantHandle
) -> None:
    salon = open_salon(client, runtime)
    visitor = visit(client, runtime, salon)
    visitor.say("agent please")
    path = f"/api/v1/conversations/{visitor.conversation_id}/handback"
    assert client.post(path, headers=bearer(make_api_key(runtime, salon.tenant, Role.AUDITOR))).status_code == 403
    assert client.post(path, headers=other_tenant.headers).status_code == 404
    assert client.post(path, headers=bearer(make_api_key(runtime, salon.tenant, Role.AGENT))).status_code == 200
