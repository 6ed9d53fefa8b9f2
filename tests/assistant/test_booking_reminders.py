"""Confirmations and reminders through the customer's channel, and the customer's answers (ADR 0042).

A booking staff make through the API is confirmed to the customer in the conversation they last wrote in;
a booking the assistant made is confirmed by its own reply, once. The reminder run sends each due reminder
once, in the conversation's language, never to a customer who sent STOP, and the customer answers it:
"C" confirms, "X" cancels (with the one-time code on SMS), a reply from another number does nothing.

The worker's clock is Wednesday 1 May 2030, 09:00 in London (tests/assistant/helpers.py).
"""

from __future__ import annotations

import re
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient

from engium.assistant.reminders import RunTally, remind_tenant
from engium.bookings.reminder_store import CONFIRMATION_JOB
from engium.mail.settings import MailSettings
from engium.runtime import Runtime
from tests.assistant.helpers import Salon, SmsCustomer, open_salon, rows, texting
from tests.conftest import audit_events
from tests.job_queue import drain, job_rows

SATURDAY_TEN = "2030-05-04T10:00:00+01:00"
REMINDER_TIME = datetime(2030, 5, 3, 12, 0, tzinfo=UTC)  # Friday: the Saturday booking is within 24 hours
NO_MAIL = MailSettings()
HAIRCUT = "Men's haircut (30 min, £30.00) with Alex Morgan"


def contact_of(runtime: Runtime, salon: Salon, customer: SmsCustomer) -> str:
    [(contact_id,)] = rows(runtime, salon.tenant, "select id from contacts where phone = :p", p=customer.phone)
    return str(contact_id)


def staff_books(client: TestClient, salon: Salon, contact_id: str, starts_at: str = SATURDAY_TEN) -> dict[str, Any]:
    response = client.post("/api/v1/bookings", headers=salon.tenant.headers, json={
        "service_id": salon.services["Men's haircut"], "staff_id": salon.staff["Alex Morgan"],
        "contact_id": contact_id, "starts_at": starts_at})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def remind(runtime: Runtime, salon: Salon, now: datetime = REMINDER_TIME) -> RunTally:
    return remind_tenant(runtime.database, salon.tenant.id, now, NO_MAIL)


def booked_customer(client: TestClient, runtime: Runtime, salon: Salon,
                    phone: str = "+14155550123") -> tuple[SmsCustomer, dict[str, Any]]:
    customer = texting(client, runtime, salon, phone)
    customer.say("Hello")
    booking = staff_books(client, salon, contact_of(runtime, salon, customer))
    drain(customer.worker)
    return customer, booking


def test_a_booking_made_by_staff_is_confirmed_in_the_customers_sms_conversation(
    client: TestClient, runtime: Runtime
) -> None:
    salon = open_salon(client, runtime)
    customer, booking = booked_customer(client, runtime, salon)
    author, last = customer.transcript()[-1]
    assert author == "assistant"
    assert f"your booking is confirmed: {HAIRCUT} on Saturday 4 May at 10:00." in last
    assert last.endswith("To move or cancel it, just reply here.")
    assert rows(runtime, salon.tenant, "select kind, status, channel from booking_messages") == [
        ("confirmation", "sent", "sms")]
    # The send leaves through the same path as every SMS reply: queued, with its job.
    assert rows(runtime, salon.tenant, "select delivery_status from messages where body = :b", b=last) == [
        ("queued",)]
    sent = [e for e in audit_events(runtime, salon.tenant) if e["action"] == "booking.notice_sent"]
    assert [e["details"]["booking_id"] for e in sent] == [booking["id"]]


def test_a_booking_the_assistant_made_gets_no_second_confirmation(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    customer = texting(client, runtime, salon)
    customer.say("Can I get a men's haircut Saturday at 10?")
    (booked,) = customer.say("yes")
    assert booked.startswith("You're booked")
    assert job_rows(runtime, CONFIRMATION_JOB, tenant_id=str(salon.tenant.id)) == []
    assert rows(runtime, salon.tenant, "select count(*) from booking_messages") == [(0,)]


def test_a_due_reminder_is_sent_once_in_the_conversations_language(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    customer, booking = booked_customer(client, runtime, salon)
    rows(runtime, salon.tenant, "update assistant_states set language = 'es' returning 1")
    before = len(customer.transcript())

    assert remind(runtime, salon, datetime(2030, 5, 2, 12, 0, tzinfo=UTC)).sent == 0  # 45 hours ahead: not yet
    first = remind(runtime, salon)
    again = remind(runtime, salon)

    assert (first.sent, again.sent) == (1, 0)
    [(author, text)] = customer.transcript()[before:]
    assert author == "assistant"
    assert ": le recordamos su cita, Men's haircut" in text
    assert "con Alex Morgan" in text
    assert "(sábado 4 de mayo) a las 10:00." in text
    assert text.endswith("Responda C para confirmar, X para cancelar o M para cambiarla.")
    assert rows(runtime, salon.tenant, "select booking_id, kind, status from booking_messages where kind = 'reminder'"
                ) == [(booking_id(booking), "reminder", "sent")]


def booking_id(booking: dict[str, Any]) -> uuid.UUID:
    return uuid.UUID(booking["id"])


def test_concurrent_reminder_runs_send_each_reminder_once(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    _customer, _ = booked_customer(client, runtime, salon)
    for index, phone in enumerate(("+14155550124", "+14155550125", "+14155550126")):
        other = texting(client, runtime, salon, phone)
        other.say("Hi")
        staff_books(client, salon, contact_of(runtime, salon, other), f"2030-05-04T1{index + 1}:00:00+01:00")
    tallies: list[RunTally] = []
    barrier = threading.Barrier(4)

    def run() -> None:
        barrier.wait()
        tallies.append(remind_tenant(runtime.database, salon.tenant.id, REMINDER_TIME, NO_MAIL, batch=1))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(t.sent for t in tallies) == 4
    assert rows(runtime, salon.tenant, "select count(*) from booking_messages where kind = 'reminder'") == [(4,)]
    assert rows(runtime, salon.tenant, "select count(*) from messages where body like '%a reminder of your%'"
                ) == [(4,)]


def test_a_customer_who_sent_stop_gets_no_reminder(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    customer, _ = booked_customer(client, runtime, salon)
    customer.say("STOP")
    before = len(customer.transcript())

    tally = remind(runtime, salon)

    assert (tally.sent, tally.skipped, tally.reasons) == (0, 1, {"opted_out": 1})
    assert len(customer.transcript()) == before
    assert rows(runtime, salon.tenant, "select status, reason from booking_messages where kind = 'reminder'") == [
        ("skipped", "opted_out")]


def test_replying_c_to_the_reminder_confirms_the_booking(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    customer, booking = booked_customer(client, runtime, salon)
    remind(runtime, salon)

    (reply,) = customer.say("C")

    assert reply == f"Thank you, your appointment is confirmed: {HAIRCUT} on Saturday 4 May at 10:00. See you then!"
    shown = client.get(f"/api/v1/bookings/{booking['id']}", headers=salon.tenant.headers).json()
    assert shown["status"] == "confirmed"
    assert shown["customer_confirmed_at"] is not None
    assert [e["actor_id"] for e in audit_events(runtime, salon.tenant)
            if e["action"] == "booking.customer_confirmed"] == ["assistant"]


def test_replying_x_cancels_only_with_the_code_sent_to_the_number(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    customer, _booking = booked_customer(client, runtime, salon)
    remind(runtime, salon)

    (proposal,) = customer.say("X")
    found = re.search(r"Reply with the code (\d{6}) to confirm", proposal)
    assert found is not None, proposal
    assert proposal.startswith(f"Shall I cancel your {HAIRCUT}")
    assert rows(runtime, salon.tenant, "select status from bookings") == [("confirmed",)]
    assert customer.say(found[1]) == [f"Done: your {HAIRCUT} on Saturday 4 May at 10:00 is cancelled."]
    assert rows(runtime, salon.tenant, "select status from bookings") == [("cancelled",)]


def test_replying_m_starts_moving_the_reminded_booking(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    customer, _ = booked_customer(client, runtime, salon)
    remind(runtime, salon)
    (reply,) = customer.say("M")
    assert HAIRCUT in reply
    assert rows(runtime, salon.tenant, "select status from bookings") == [("confirmed",)]


def test_a_reply_from_another_number_does_not_act_on_the_reminder(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    _customer, booking = booked_customer(client, runtime, salon)
    remind(runtime, salon)
    stranger = texting(client, runtime, salon, "+14155550999")

    stranger.say("C")
    stranger.say("X")

    shown = client.get(f"/api/v1/bookings/{booking['id']}", headers=salon.tenant.headers).json()
    assert (shown["status"], shown["customer_confirmed_at"]) == ("confirmed", None)
    assert [e for e in audit_events(runtime, salon.tenant) if e["action"] == "booking.customer_confirmed"] == []


def test_the_no_show_policy_is_in_the_reminder_and_the_assistant_answers_with_it(
    client: TestClient, runtime: Runtime
) -> None:
    salon = open_salon(client, runtime)
    policy = "Missed appointments without 24 hours' notice are charged in full."
    response = client.patch("/api/v1/booking-reminders/settings", headers=salon.tenant.headers,
                            json={"no_show_policy": policy, "hours_before": 48})
    assert response.status_code == 200, response.text
    customer, _ = booked_customer(client, runtime, salon)
    assert remind(runtime, salon, datetime(2030, 5, 2, 12, 0, tzinfo=UTC)).sent == 1  # 48 hours now
    (_, reminder) = customer.transcript()[-1]
    assert f"Please note our no-show policy: {policy}" in reminder
    (answer,) = customer.say("What is your no-show policy?")
    assert policy in answer


def test_a_customer_known_only_by_e_mail_is_reminded_by_e_mail(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    contact = client.post("/api/v1/contacts", headers=salon.tenant.headers,
                          json={"name": "Robin", "email": "robin@example.com"}).json()
    staff_books(client, salon, contact["id"])
    mail = MailSettings(host="127.0.0.1", port=2525, security="none", mail_from="salon@example.com")

    assert remind_tenant(runtime.database, salon.tenant.id, REMINDER_TIME, NO_MAIL).reasons == {
        "mail_not_configured": 1}
    rows(runtime, salon.tenant, "delete from booking_messages returning 1")
    assert remind_tenant(runtime.database, salon.tenant.id, REMINDER_TIME, mail).sent == 1

    [(recipient, subject, body)] = rows(runtime, salon.tenant, "select recipient, subject, body from outbound_mail")
    assert recipient == "robin@example.com"
    assert subject.endswith(": appointment reminder")
    assert f"a reminder of your appointment, {HAIRCUT}" in body
    assert "Reply C" not in body  # an e-mail reply does not reach the assistant
    assert rows(runtime, salon.tenant, "select channel from booking_messages") == [("email",)]
