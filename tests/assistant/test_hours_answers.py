"""The assistant answers date questions from the weekly hours, the business's closures and the staff who
can serve them: it never promises an hour at which nobody can take an appointment (ADR 0036).

The worker's clock is Wednesday 1 May 2030 (tests/assistant/helpers.py); Alex works 09:00-17:00 Monday to
Saturday while the salon is open until 18:00, and until 20:00 on Thursdays.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from engium.runtime import Runtime
from tests.assistant.helpers import Salon, open_salon, visit


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
