"""When the customer is told a person will reply: the response target counted in opening hours, and the
phrase that says it. Pure: no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from engium.assistant.handover_policy import HandoverPolicy, policy_of
from engium.assistant.handover_texts import follow_up_message, handover_message, waiting_message, when_phrase
from engium.assistant.response_time import add_open_minutes, expected_reply, is_open, next_opening
from engium.bookings.opening_hours import settings_hours

LONDON = ZoneInfo("Europe/London")
SALON = settings_hours({"mon": "09:00-18:00", "tue": "09:00-18:00", "wed": "09:00-18:00", "thu": "09:00-20:00",
                        "fri": "09:00-18:00", "sat": "09:00-17:00", "sun": "closed"})


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in May 2030 in London: 1 May is a Wednesday, 4 May a Saturday, 5 May a Sunday."""
    return datetime(2030, 5, day, hour, minute, tzinfo=LONDON)


def promise(now: datetime, minutes: int = 120, hours: dict[int, list[tuple[time, time]]] | None = None,
            language: str = "en") -> str:
    return when_phrase(expected_reply(SALON if hours is None else hours, LONDON, now, minutes), now, language)


@pytest.mark.parametrize(("now", "minutes", "said"), [
    (local(1, 9), 120, "within about 2 hours"),
    (local(1, 9), 30, "within about 30 minutes"),
    (local(1, 9), 60, "within about an hour"),
    (local(1, 9), 90, "within about 1 h 30 min"),
    # Half an hour before closing: the rest of the target runs on the next open day.
    (local(1, 17, 30), 120, "by 10:30 tomorrow"),
    # Saturday 16:30, closed on Sunday: 30 minutes on Saturday, 90 on Monday.
    (local(4, 16, 30), 120, "by Monday at 10:30"),
    # Closed: the next opening, whatever the target.
    (local(1, 7), 120, "when we open today at 09:00"),
    (local(1, 19), 120, "when we open tomorrow at 09:00"),
    (local(4, 20), 120, "when we open on Monday at 09:00"),
    (local(5, 12), 120, "when we open tomorrow at 09:00"),
])
def test_the_promise_counts_opening_hours(now: datetime, minutes: int, said: str) -> None:
    assert promise(now, minutes) == said


def test_a_business_open_one_day_a_week_names_the_date_a_week_ahead() -> None:
    mondays = settings_hours({"mon": "09:00-12:00"})
    assert promise(local(6, 13), hours=mondays) == "when we open on 13 May at 09:00"


@pytest.mark.parametrize(("now", "minutes", "language", "said"), [
    (local(1, 9), 120, "es", "en unas 2 horas"),
    (local(1, 9), 90, "de", "innerhalb von etwa 1 Std. 30 Min."),
    (local(1, 9), 60, "pt", "dentro de cerca de uma hora"),
    (local(1, 9), 30, "fr", "dans environ 30 minutes"),
    (local(1, 17, 30), 120, "es", "mañana antes de las 10:30"),
    (local(1, 17, 30), 120, "de", "bis morgen um 10:30 Uhr"),
    (local(4, 16, 30), 120, "fr", "lundi avant 10:30"),
    (local(4, 16, 30), 120, "pt", "até segunda-feira, às 10:30"),
    (local(1, 7), 120, "de", "gleich nach Öffnung heute um 09:00 Uhr"),
    (local(1, 19), 120, "pt", "quando abrirmos amanhã, às 09:00"),
    (local(4, 20), 120, "es", "cuando abramos el lunes a las 09:00"),
    (local(4, 20), 120, "de", "gleich nach Öffnung am Montag um 09:00 Uhr"),
    (local(4, 20), 120, "fr", "dès notre ouverture lundi à 09:00"),
    (local(4, 20), 120, "xx", "when we open on Monday at 09:00"),  # a language the assistant does not speak
])
def test_the_promise_is_said_in_the_customers_language(now: datetime, minutes: int, language: str, said: str) -> None:
    assert promise(now, minutes, language=language) == said


def test_a_date_a_week_ahead_is_written_the_languages_way() -> None:
    mondays = settings_hours({"mon": "09:00-12:00"})
    assert promise(local(6, 13), hours=mondays, language="es") == "cuando abramos el 13 de mayo a las 09:00"
    assert promise(local(6, 13), hours=mondays, language="de") == "gleich nach Öffnung am 13. Mai um 09:00 Uhr"
    assert promise(local(6, 13), hours=mondays, language="fr") == "dès notre ouverture le 13 mai à 09:00"
    assert promise(local(6, 13), hours=mondays, language="pt") == "quando abrirmos, no dia 13 de maio, às 09:00"


def test_without_opening_hours_the_promise_is_clock_time() -> None:
    assert promise(local(5, 3), hours={}) == "within about 2 hours"
    assert add_open_minutes({}, LONDON, local(5, 3), 120) == local(5, 5)
    assert is_open({}, LONDON, local(5, 3))


def test_business_minutes_skip_closed_days_and_split_spans() -> None:
    split = settings_hours({"mon": ["09:00-12:00", "13:00-17:00"]})
    assert add_open_minutes(split, LONDON, local(6, 11, 30), 60) == local(6, 13, 30)
    assert add_open_minutes(SALON, LONDON, local(4, 16, 30), 120) == local(6, 10, 30)
    assert next_opening(SALON, LONDON, local(4, 17)) == local(6, 9)


def test_times_are_read_in_the_business_zone_whatever_the_clock_zone() -> None:
    # 08:00 UTC is 09:00 in London in May (BST).
    assert expected_reply(SALON, LONDON, datetime(2030, 5, 1, 8, tzinfo=UTC), 120).kind == "within"
    assert expected_reply(SALON, LONDON, datetime(2030, 5, 1, 7, 59, tzinfo=UTC), 120).kind == "opening"


def test_the_hand_over_message_says_what_happens_next() -> None:
    assert handover_message("customer_request", "within about 2 hours", keeps_answering=True) == (
        "Of course. I've asked a member of the team to take over; they'll reply here within about 2 hours. "
        "In the meantime I can still help with opening hours, prices and bookings."
    )
    assert handover_message("unknown-code", "soon", keeps_answering=False) == (
        "Sorry, something went wrong on our side. A member of the team will reply here soon."
    )
    assert waiting_message("low_confidence", "by 10:30 tomorrow").endswith("will reply here by 10:30 tomorrow.")


def test_the_hand_over_message_is_said_in_the_customers_language() -> None:
    assert handover_message("customer_request", "en unas 2 horas", keeps_answering=True, language="es") == (
        "Por supuesto. He pedido a un miembro del equipo que se encargue; le responderá aquí en unas 2 horas. "
        "Mientras tanto, puedo seguir ayudándole con el horario, los precios y las citas."
    )
    assert handover_message("guard", "bis morgen um 10:30 Uhr", keeps_answering=False, language="de") == (
        "Ich habe Ihre Nachricht an jemanden aus dem Team weitergegeben; Sie bekommen hier eine Antwort bis "
        "morgen um 10:30 Uhr."
    )
    assert waiting_message("keyword", "dès que possible", "fr") == (
        "Un membre de l'équipe a déjà votre message et vous répondra ici dès que possible.")
    assert follow_up_message("assim que possível", "pt").endswith("vai responder aqui assim que possível.")


@pytest.mark.parametrize(("rules", "expected"), [
    ({}, HandoverPolicy("keep_answering", 120, 120)),
    ({"policy": "silent_until_handback", "response_minutes": 30, "follow_up_minutes": 0},
     HandoverPolicy("silent_until_handback", 30, 0)),
    # Stored values the API would refuse (written before it checked them): the defaults, never silence.
    ({"policy": "shout", "response_minutes": True, "follow_up_minutes": -5}, HandoverPolicy()),
    ({"response_minutes": 10**9, "follow_up_minutes": "60"}, HandoverPolicy()),
])
def test_a_stored_policy_is_read_leniently(rules: dict[str, object], expected: HandoverPolicy) -> None:
    assert policy_of(rules) == expected


def test_a_closure_moves_the_promise_past_the_closed_day() -> None:
    # Tuesday 30 April 2030 at 17:30, the salon closed all Wednesday 1 May: the reply is due on Thursday.
    tuesday = datetime(2030, 4, 30, 17, 30, tzinfo=LONDON)
    closed_wednesday: dict[date, list[tuple[time, time]]] = {local(1, 0).date(): []}
    assert when_phrase(expected_reply(SALON, LONDON, tuesday, 120, closed_wednesday), tuesday, "en") == \
        "by Thursday at 10:30"
    # Special hours replace the weekly ones for that day: open only 12:00-14:00 on Wednesday.
    short_wednesday = {local(1, 0).date(): [(time(12), time(14))]}
    assert when_phrase(expected_reply(SALON, LONDON, tuesday, 120, short_wednesday), tuesday, "en") == \
        "by 13:30 tomorrow"
    # Asked on the closed day itself: the next opening is Thursday's.
    during = local(1, 11)
    assert not is_open(SALON, LONDON, during, closed_wednesday)
    assert next_opening(SALON, LONDON, during, closed_wednesday) == local(2, 9)
