"""A customer texting the salon: signed Twilio webhooks in, assistant replies queued as SMS sends out.
Cancelling and moving bookings: only the verified customer, only their own bookings, and over SMS and
WhatsApp only with the one-time code sent to the booking's number (a sender number can be spoofed)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import text

from engium.assistant.confirmation_codes import ASK_FOR_CODE, GIVEN_UP, NOTHING_PENDING, WRONG_CODE
from engium.conversations.outbound import SEND_JOB
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.assistant.helpers import SmsCustomer, open_salon, rows, texting, visit
from tests.conftest import audit_events
from tests.job_queue import job_rows

BOOKED = "You're booked: Men's haircut (30 min, £30.00) with Alex Morgan on Saturday 4 May at 10:00. See you then!"
HAIRCUT = "Men's haircut (30 min, £30.00) with Alex Morgan on Saturday 4 May at 10:00"
PROPOSAL = re.compile(r"(?P<question>.*\?) Reply with the code (?P<code>\d{6}) to confirm, or NO to keep it\.")


def proposed(replies: list[str]) -> tuple[str, str]:
    """The question and the one-time code of a change proposed over SMS or WhatsApp."""
    (reply,) = replies
    found = PROPOSAL.fullmatch(reply)
    assert found is not None, reply
    return found["question"], found["code"]


def booked_haircut(customer: SmsCustomer) -> None:
    customer.say("Can I get a men's haircut Saturday at 10?")
    assert customer.say("yes") == [BOOKED]


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
    # Each reply is queued for sending (the provider here refuses, so they wait for a retry).
    sends = [j["args"]["message_id"] for j in job_rows(runtime, SEND_JOB, tenant_id=str(salon.tenant.id))]
    assert sorted(sends) == sorted(reply_id for (reply_id,) in replies)
    assert len(sends) == 2
    states = rows(runtime, salon.tenant,
                  "select distinct delivery_status from messages where author_kind = 'assistant'")
    assert states == [("queued",)]


def test_cancel_is_refused_for_an_anonymous_visitor_and_done_for_the_same_phone_number(
    client: TestClient, runtime: Runtime
) -> None:
    salon = open_salon(client, runtime)
    customer = texting(client, runtime, salon)
    customer.say("Can I get a men's haircut Saturday at 10?")
    customer.say("yes")

    stranger = visit(client, runtime, salon)
    # Asked to prove a number or address first (ADR 0043); the code would go to the number, not to them.
    assert stranger.say("Please cancel my appointment on Saturday")[0].startswith(
        "For your security, please confirm your phone number or e-mail address first"
    )
    other_number = texting(client, runtime, salon, phone="+14155550999")
    assert other_number.say("cancel my appointment") == [
        "I couldn't find an upcoming booking for you. If you booked under another number, the team can help."
    ]
    assert rows(runtime, salon.tenant, "select status from bookings") == [("confirmed",)]

    question, code = proposed(customer.say("I need to cancel my appointment"))
    assert question == f"Shall I cancel your {HAIRCUT}?"
    assert customer.say(code) == [f"Done: your {HAIRCUT} is cancelled."]
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
    member.give_details()  # a web booking needs a name and a phone or e-mail
    member.say("Can I get a men's haircut Saturday at 10?")
    member.say("yes")
    assert member.say("cancel my booking")[0].startswith("Shall I cancel your Men's haircut")
    assert member.say("no") == ["OK, I've left your booking as it is. Anything else?"]
    assert rows(runtime, salon.tenant, "select status from bookings") == [("confirmed",)]


def test_a_signed_in_widget_user_confirms_with_a_plain_yes(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    member = visit(client, runtime, salon, signed_in_as="customer-42")
    member.give_details()  # a web booking needs a name and a phone or e-mail
    member.say("Can I get a men's haircut Saturday at 10?")
    member.say("yes")
    assert member.say("cancel my booking") == [f"Shall I cancel your {HAIRCUT}? Reply yes or no."]
    assert member.say("yes") == [f"Done: your {HAIRCUT} is cancelled."]
    assert rows(runtime, salon.tenant, "select status from bookings") == [("cancelled",)]


def test_moving_a_booking_by_sms(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    customer = texting(client, runtime, salon)
    booked_haircut(customer)
    question, code = proposed(customer.say("Can I move my booking to Monday at 3pm?"))
    assert question == (
        "Shall I move your booking to Men's haircut (30 min, £30.00) with Alex Morgan on Monday 6 May at 15:00?"
    )
    assert customer.say("yes") == [ASK_FOR_CODE]
    assert customer.say(f"Yes, {code}!") == [
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
    (which,) = customer.say("cancel my booking")
    assert which.startswith("You have 2 upcoming bookings: 1) Men's haircut")
    assert which.endswith("Which one should I cancel?")
    question, code = proposed(customer.say("the one on monday"))
    assert question.startswith("Shall I cancel your Colour (120 min, £95.00)")
    customer.say(code)
    statuses = rows(runtime, salon.tenant, "select s.name, b.status from bookings b join services s "
                                           "on s.id = b.service_id order by b.starts_at")
    assert statuses == [("Men's haircut", "confirmed"), ("Colour", "cancelled")]


def test_yes_without_the_code_changes_nothing_over_sms(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    customer = texting(client, runtime, salon)
    booked_haircut(customer)
    _, code = proposed(customer.say("cancel my appointment"))

    assert customer.say("yes") == [ASK_FOR_CODE]
    assert customer.say("yes please") == [ASK_FOR_CODE]
    assert rows(runtime, salon.tenant, "select status from bookings") == [("confirmed",)]
    # Asking for the code used none of the three tries, and the proposal still waits for it.
    assert customer.say(f"yes {code}") == [f"Done: your {HAIRCUT} is cancelled."]
    assert rows(runtime, salon.tenant, "select status from bookings") == [("cancelled",)]
    outcomes = [e["details"]["outcome"] for e in audit_events(runtime, salon.tenant)
                if e["action"] == "assistant.tool_called" and e["details"]["tool"] == "cancel_booking"]
    assert outcomes == ["proposed", "code_required", "code_required", "cancelled"]


def test_three_wrong_codes_drop_the_proposal(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    customer = texting(client, runtime, salon)
    booked_haircut(customer)
    _, code = proposed(customer.say("cancel my appointment"))
    wrong = [f"{(int(code) + n) % 1_000_000:06d}" for n in (1, 2, 3)]

    assert customer.say(wrong[0]) == [WRONG_CODE]
    assert customer.say(f"yes {wrong[1]}") == [WRONG_CODE]
    assert customer.say(wrong[2]) == [GIVEN_UP]
    assert rows(runtime, salon.tenant, "select pending from assistant_states") == [(None,)]
    assert customer.say(code) == [NOTHING_PENDING]  # too late: nothing is pending any more
    assert rows(runtime, salon.tenant, "select status from bookings") == [("confirmed",)]

    # Asking again sends a new code, and three fresh tries.
    _, again = proposed(customer.say("cancel my appointment"))
    assert customer.say(again) == [f"Done: your {HAIRCUT} is cancelled."]


def test_no_keeps_the_booking_even_with_digits_in_it(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    customer = texting(client, runtime, salon)
    booked_haircut(customer)
    _, code = proposed(customer.say("cancel my appointment"))
    assert customer.say("no") == ["OK, I've left your booking as it is. Anything else?"]
    assert customer.say(code) == [NOTHING_PENDING]
    _, code = proposed(customer.say("cancel my appointment"))
    assert customer.say(f"no, don't, {code}") == ["OK, I've left your booking as it is. Anything else?"]
    assert customer.say(code) == [NOTHING_PENDING]
    assert rows(runtime, salon.tenant, "select status from bookings") == [("confirmed",)]


def test_the_pending_state_keeps_a_hash_of_the_code_not_the_code(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    customer = texting(client, runtime, salon)
    booked_haircut(customer)
    _, code = proposed(customer.say("cancel my appointment"))
    ((pending,),) = rows(runtime, salon.tenant, "select pending from assistant_states")
    assert set(pending) == {"kind", "at", "booking_id", "code_sha256", "wrong_codes"}
    assert len(pending["code_sha256"]) == 64
    assert code not in str(pending)


def test_whatsapp_changes_need_the_code_too(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    customer = texting(client, runtime, salon, phone="+14155550199", whatsapp=True)
    booked_haircut(customer)
    _, code = proposed(customer.say("cancel my appointment"))
    assert customer.say("yes") == [ASK_FOR_CODE]
    assert rows(runtime, salon.tenant, "select status from bookings") == [("confirmed",)]
    assert customer.say(code) == [f"Done: your {HAIRCUT} is cancelled."]
    assert rows(runtime, salon.tenant, "select status from bookings") == [("cancelled",)]


def test_a_proposal_stored_without_a_code_confirms_nothing_over_sms(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    customer = texting(client, runtime, salon)
    booked_haircut(customer)
    proposed(customer.say("cancel my appointment"))
    # As a proposal made before codes existed was stored: the same state, without the code's hash.
    with tenant_transaction(runtime.database, salon.tenant.id) as session:
        session.execute(text("update assistant_states set pending = pending - 'code_sha256' - 'wrong_codes'"))
    customer.say("yes")
    assert rows(runtime, salon.tenant, "select status from bookings") == [("confirmed",)]
