"""The assistant answers date questions from the weekly hours, the business's closures and the staff who
can serve them: it never promises an hour at which nobody can take an appointment (ADR 0036).

The worker's clock is Wednesday 1 May 2030 (tests/assistant/helpers.py); Alex works 09:00-17:00 Monday to
Saturday while the salon is open until 18:00, and until 20:00 on Thursdays. A customer who writes in Spanish,
French, German or Portuguese gets the same answer in their language (ADR 0038), with the closure's name as
the business wrote it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from engium.assistant import hours_answer
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.assistant.helpers import Salon, open_salon, visit
from tests.channels.inbound_helpers import configured_tenant

WEDNESDAY = date(2030, 5, 1)


def close(client: TestClient, salon: Salon, **fields: Any) -> None:
    response = client.post("/api/v1/closures", json=fields, headers=salon.tenant.headers)
    assert response.status_code == 201, response.text


def test_christmas_is_answered_from_the_closure_not_the_weekly_hours(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    close(client, salon, label="Christmas Day", start_date="2025-12-25", repeats_yearly=True)
    close(client, salon, label="Christmas Eve", start_date="2025-12-24", repeats_yearly=True,
          opens_at="09:00", closes_at="14:00")
    visitor = visit(client, runtime, salon)
    closed = ["We're closed on Wednesday 25 December (Christmas Day)."]
    assert visitor.say("Are you open on Christmas Day?") == closed
    assert visitor.say("open on 25 December?") == closed
    assert visitor.say("What are your hours on christmas eve?") == [
        "On Tuesday 24 December (Christmas Eve) we have special hours: 09:00-14:00."
    ]
    # After an hours question, the name of the day alone is enough.
    assert visitor.say("When are you open on Saturday?") == ["On Saturday 4 May we're open 09:00-17:00."]
    assert visitor.say("Christmas Day?") == closed


def test_a_day_the_business_named_itself_is_understood(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    close(client, salon, label="Staff training day", start_date="2030-05-07")
    visitor = visit(client, runtime, salon)
    assert visitor.say("staff training day?") == ["We're closed on Tuesday 7 May (Staff training day)."]


def test_hours_beyond_what_staff_work_are_answered_with_the_appointment_hours(
    client: TestClient, runtime: Runtime
) -> None:
    visitor = visit(client, runtime, open_salon(client, runtime))
    assert visitor.say("hours tomorrow?") == [
        "On tomorrow (Thursday 2 May) we're open 09:00-20:00. Appointments are available 09:00-17:00."
    ]
    assert visitor.say("are you open on Monday?") == [
        "On Monday 6 May we're open 09:00-18:00. Appointments are available 09:00-17:00."
    ]
    assert visitor.say("When are you open?") == [
        "Our opening hours: Mon-Wed 09:00-18:00; Thu 09:00-20:00; Fri 09:00-18:00; Sat 09:00-17:00; Sun closed. "
        "Appointments: Mon-Sat 09:00-17:00; Sun closed."
    ]


def test_the_weekly_answer_mentions_closures_in_the_next_two_weeks(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    close(client, salon, label="Early May bank holiday", start_date="2030-05-06")
    close(client, salon, label="Summer party", start_date="2030-05-10", opens_at="09:00", closes_at="12:00")
    close(client, salon, label="Christmas Day", start_date="2030-12-25")
    reply = visit(client, runtime, salon).say("What are your opening hours?")
    assert reply[0].endswith(
        " Coming up: closed Monday 6 May (Early May bank holiday); 09:00-12:00 on Friday 10 May (Summer party)."
    )
    assert "Christmas" not in reply[0]


def test_no_slot_is_offered_on_a_holiday(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    close(client, salon, label="Early May bank holiday", start_date="2030-05-06")
    visitor = visit(client, runtime, salon)
    visitor.give_details()
    assert visitor.say("book a men's haircut on Monday at 10:00") == [
        "Sorry, we're closed on Monday 6 May (Early May bank holiday). The next free day is Tuesday 7 May: "
        "09:30, 10:00 and 10:30. Would one of those suit you?"
    ]


def test_days_the_hours_leave_out_are_not_listed_and_claimed_by_no_source(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    hours = {"mon": "9-17", "tue": "9-17", "wed": "9-17", "sat": "10-14", "sun": "closed"}
    assert client.patch("/api/v1/settings", json={"opening_hours": hours},
                        headers=salon.tenant.headers).status_code == 200
    visitor = visit(client, runtime, salon)
    assert visitor.say("What are your opening hours?") == [
        "Our opening hours: Mon-Wed 09:00-17:00; Thu-Fri not listed; Sat 10:00-14:00; Sun closed."
    ]
    assert visitor.say("are you open on Friday?") == ["I don't have our hours for Fridays on file, sorry."]
    assert visitor.say("¿Abren el viernes?") == ["Lo siento, no tengo nuestro horario del viernes."]
    with tenant_transaction(runtime.database, salon.tenant.id) as session:
        assert hours_answer.hours_reply(session, None, WEDNESDAY, "en").sources == ("settings:opening_hours",)
        assert hours_answer.hours_reply(session, date(2030, 5, 3), WEDNESDAY, "en").sources == ()


def test_a_business_without_hours_says_so_in_the_customers_language(client: TestClient, runtime: Runtime) -> None:
    salon = Salon(configured_tenant(client, runtime))  # no opening hours and no staff: not "closed every day"
    visitor = visit(client, runtime, salon)
    assert visitor.say("When are you open?") == [
        "I don't have our opening hours on file, sorry. A member of the team can tell you."
    ]
    assert visitor.say("Wie sind Ihre Öffnungszeiten?") == [
        "Leider habe ich unsere Öffnungszeiten nicht vorliegen. Jemand aus dem Team kann sie Ihnen nennen."
    ]
    with tenant_transaction(runtime.database, salon.tenant.id) as session:
        assert hours_answer.hours_reply(session, None, WEDNESDAY, "de").sources == ()  # nothing claimed


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("¿Abren el día de Navidad?", "Estamos cerrados el miércoles 25 de diciembre (Christmas Day)."),
        ("Êtes-vous ouverts le jour de Noël ?", "Nous sommes fermés le mercredi 25 décembre (Christmas Day)."),
        ("Haben Sie am ersten Weihnachtstag geöffnet?",
         "Am Mittwoch, 25. Dezember haben wir geschlossen (Christmas Day)."),
        ("Vocês abrem no dia de Natal?", "Estamos fechados no dia quarta-feira, 25 de dezembro (Christmas Day)."),
    ],
)
def test_christmas_day_is_answered_from_the_closure_in_the_customers_language(
    client: TestClient, runtime: Runtime, question: str, answer: str
) -> None:
    salon = open_salon(client, runtime)
    close(client, salon, label="Christmas Day", start_date="2025-12-25", repeats_yearly=True)
    assert visit(client, runtime, salon).say(question) == [answer]


def test_special_hours_and_appointment_hours_are_said_in_the_customers_language(
    client: TestClient, runtime: Runtime
) -> None:
    salon = open_salon(client, runtime)
    close(client, salon, label="Christmas Eve", start_date="2025-12-24", repeats_yearly=True,
          opens_at="09:00", closes_at="14:00")
    close(client, salon, label="Late opening", start_date="2030-05-09", opens_at="09:00", closes_at="21:00")
    visitor = visit(client, runtime, salon)
    assert visitor.say("¿Abren en Nochebuena?") == [
        "El martes 24 de diciembre (Christmas Eve) tenemos un horario especial: 09:00-14:00."
    ]
    assert visitor.say("Vous êtes ouverts le 9 mai ?") == [
        "Le jeudi 9 mai (Late opening), nous avons des horaires spéciaux : 09:00-21:00. "
        "Rendez-vous possibles : 09:00-17:00."
    ]
    assert visitor.say("Habt ihr am Sonntag geöffnet?") == ["Am Sonntag, 5. Mai haben wir geschlossen."]


def test_the_weekly_answer_lists_appointments_and_closures_in_the_customers_language(
    client: TestClient, runtime: Runtime
) -> None:
    salon = open_salon(client, runtime)
    close(client, salon, label="Early May bank holiday", start_date="2030-05-06")
    close(client, salon, label="Summer party", start_date="2030-05-10", opens_at="09:00", closes_at="12:00")
    assert visit(client, runtime, salon).say("Wie sind Ihre Öffnungszeiten?") == [
        "Unsere Öffnungszeiten: Mo-Mi 09:00-18:00; Do 09:00-20:00; Fr 09:00-18:00; Sa 09:00-17:00; So geschlossen. "
        "Termine: Mo-Sa 09:00-17:00; So geschlossen. Demnächst: geschlossen am Montag, 6. Mai (Early May bank "
        "holiday); 09:00-12:00 am Freitag, 10. Mai (Summer party)."
    ]


def test_a_closure_named_after_a_weekday_is_its_own_date_in_any_language(
    client: TestClient, runtime: Runtime
) -> None:
    """"Easter Monday" is 21 April, not next Monday; a label in the customer's language ("Lunes de Pascua")
    is found in what they wrote, though its words are rewritten into English keywords."""
    salon = open_salon(client, runtime)
    close(client, salon, label="Easter Monday", start_date="2031-04-21")
    assert visit(client, runtime, salon).say("Are you open on Easter Monday?") == [
        "We're closed on Monday 21 April 2031 (Easter Monday)."
    ]
    spanish = open_salon(client, runtime, suffix="-es")
    close(client, spanish, label="Lunes de Pascua", start_date="2031-04-21")
    assert visit(client, runtime, spanish).say("¿Abren el Lunes de Pascua?") == [
        "Estamos cerrados el lunes 21 de abril 2031 (Lunes de Pascua)."
    ]
