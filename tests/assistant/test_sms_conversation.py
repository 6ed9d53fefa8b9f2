"""A customer texting the salon: signed Twilio webhooks in, assistant replies queued as SMS sends out.
Cancelling and moving bookings: only the verified customer, only their own bookings."""

from __future__ import annotations

from fastapi.testclient import TestClient

from engium.runtime import Runtime
from tests.assistant.helpers import open_salon, rows, texting, visit
from tests.conftest import audit_events

BOOKED = "You're booked: Men's haircut (30 min, £30.00) with Alex Morgan on Saturday 4 May at 10:00. See you then!"


def test_booking_by_sms_queues_every_reply_for_sending(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    customer = texting(client, runtime, salon)
    assert customer.say("Can I get a men's haircut Saturday at 10?") == [
        "I can book you in: Men's haircut (30 min, £30.00) with Alex Morgan on Saturday 4 May at 10:00. "
        "Shall I confirm? Reply yes or no."
    ]
    assert customer.say("Yes please!") == [BOOKED]

    booked = rows(runtime, salon.tenant,
                  "select b.status, k.phone from bookings b join contacts k on k.id = b.contact_id")
    assert booked == [("confirmed", "+14155550123")]
    replies = rows(runtime, salon.tenant, "select id::text from messages where author_kind = 'assistant'")
    sends = rows(runtime, salon.tenant, "select payload->>'message_id', status from jobs where kind = 'channel.send'")
    assert sorted(sends) == sorted((reply_id, "pending") for (reply_id,) in replies)
    assert len(sends) == 2


def test_cancel_is_refused_for_an_anonymous_visitor_and_done_for_the_same_phone_number(
    client: TestClient, runtime: Runtime
) -> None:
    salon = open_salon(client, runtime)
    customer = texting(client, runtime, salon)
    customer.say("Can I get a men's haircut Saturday at 10?")
    customer.say("yes")

    stranger = visit(client, runtime, salon)
    assert stranger.say("Please cancel my appointment on Saturday")[0].startswith(
        "For your security I can only change a booking for a verified customer"
    )
    other_number = texting(client, runtime, salon, phone="+14155550999")
    assert other_number.say("cancel my appointment") == [
        "I couldn't find an upcoming booking for you. If you booked under another number, the team can help."
    ]
    assert rows(runtime, salon.tenant, "select status from bookings") == [("confirmed",)]

    assert customer.say("I need to cancel my appointment") == [
        "Shall I cancel your Men's haircut (30 min, £30.00) with Alex Morgan on Saturday 4 May at 10:00? "
        "Reply yes or no."
    ]
    assert customer.say("yes") == [
        "Done: your Men's haircut (30 min, £30.00) with Alex Morgan on Saturday 4 May at 10:00 is cancelled."
    ]
    assert rows(runtime, salon.tenant, "select status from bookings") == [("cancelled",)]

    events = audit_events(runtime, salon.tenant)
    outcomes = [(e["details"]["tool"], e["details"]["outcome"])
                for e in events if e["action"] == "assistant.tool_called"]
    assert ("cancel_booking", "refused_unverified") in outcomes
    assert ("cancel_booking", "not_found") in outcomes
    assert ("cancel_booking", "cancelled") in outcomes
    cancelled = [e for e in events if e["action"] == "booking.cancelled"]
    assert [(e["actor_kind"], e["actor_id"]) for e in cancelled] == [("system", "assistant")]


def test_a_signed_in_widget_user_may_cancel_their_own_booking(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    member = visit(client, runtime, salon, signed_in_as="customer-42")
    member.say("Can I get a men's haircut Saturday at 10?")
    member.say("yes")
    assert member.say("cancel my booking")[0].startswith("Shall I cancel your Men's haircut")
    assert member.say("no") == ["OK, I've left your booking as it is. Anything else?"]
    assert rows(runtime, salon.tenant, "select status from bookings") == [("confirmed",)]


def test_moving_a_booking_by_sms(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    customer = texting(client, runtime, salon)
    customer.say("Can I get a men's haircut Saturday at 10?")
    customer.say("yes")
    assert customer.say("Can I move my booking to Monday at 3pm?") == [
        "Shall I move your booking to Men's haircut (30 min, £30.00) with Alex Morgan on Monday 6 May at 15:00? "
        "Reply yes or no."
    ]
    assert customer.say("yes") == [
        "Done: you're now booked for Men's haircut (30 min, £30.00) with Alex Morgan on Monday 6 May at 15:00."
    ]
    moved = rows(runtime, salon.tenant, "select starts_at, status from bookings")
    assert [(m[0].isoformat(), m[1]) for m in moved] == [("2030-05-06T14:00:00+00:00", "confirmed")]
    assert "booking.rescheduled" in {e["action"] for e in audit_events(runtime, salon.tenant)}


def test_a_customer_with_two_bookings_is_asked_which_one(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    customer = texting(client, runtime, salon)
    for request in ("Can I get a men's haircut Saturday at 10?", "Can I get a colour on Monday at 11am?"):
        customer.say(request)
        customer.say("yes")
    question = customer.say("cancel my booking")
    assert question[0].startswith("You have 2 upcoming bookings: 1) Men's haircut")
    assert question[0].endswith("Which one should I cancel?")
    assert customer.say("the one on monday")[0].startswith("Shall I cancel your Colour (120 min, £95.00)")
    customer.say("yes")
    statuses = rows(runtime, salon.tenant, "select s.name, b.status from bookings b join services s "
                                           "on s.id = b.service_id order by b.starts_at")
    assert statuses == [("Men's haircut", "confirmed"), ("Colour", "cancelled")]
