"""What a message asks for, decided by code from the customer's own words."""

from __future__ import annotations

import uuid
from datetime import date, time

import pytest

from engium.assistant.intents import ContactTopic, IntentKind, detect
from engium.assistant.service_match import ServiceName, match_services, narrow

WEDNESDAY = date(2030, 5, 1)
SALON = (
    ServiceName(uuid.uuid4(), "Women's haircut"),
    ServiceName(uuid.uuid4(), "Men's haircut"),
    ServiceName(uuid.uuid4(), "Colour"),
    ServiceName(uuid.uuid4(), "Blow-dry"),
)
WOMENS, MENS, COLOUR, BLOW_DRY = SALON


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Hi", IntentKind.GREETING),
        ("Hello there!", IntentKind.GREETING),
        ("good morning", IntentKind.GREETING),
        ("Thanks!", IntentKind.THANKS),
        ("When are you open?", IntentKind.HOURS),
        ("are you open on Sunday", IntentKind.HOURS),
        ("What are your opening hours?", IntentKind.HOURS),
        ("what time do you close on friday", IntentKind.HOURS),
        ("How much is a haircut?", IntentKind.PRICES),
        ("what services do you offer", IntentKind.PRICES),
        ("I want to know the price of colour", IntentKind.PRICES),
        ("Any slots Saturday?", IntentKind.AVAILABILITY),
        ("do you have availability tomorrow for a blow dry", IntentKind.AVAILABILITY),
        ("book a haircut Saturday 10:00", IntentKind.BOOK),
        ("Can I get a haircut Saturday at 10?", IntentKind.BOOK),
        ("I'd like to book an appointment", IntentKind.BOOK),
        ("Saturday at 10 for a blow dry", IntentKind.BOOK),
        ("yes", IntentKind.YES),
        ("Yes please!", IntentKind.YES),
        ("ok", IntentKind.YES),
        ("no", IntentKind.NO),
        ("No thanks.", IntentKind.NO),
        ("cancel my appointment", IntentKind.CANCEL),
        ("I need to cancel my booking on Saturday", IntentKind.CANCEL),
        ("Can I move my booking to Monday at 3pm?", IntentKind.RESCHEDULE),
        ("I'd like to reschedule", IntentKind.RESCHEDULE),
        ("talk to a person", IntentKind.HUMAN),
        ("agent please", IntentKind.HUMAN),
        ("Can I speak to someone?", IntentKind.HUMAN),
        ("are you a bot?", IntentKind.HUMAN),
        ("Where are you?", IntentKind.CONTACT),
        ("What's your phone number?", IntentKind.CONTACT),
        ("What is your cancellation policy?", IntentKind.KNOWLEDGE),
        ("Is there parking?", IntentKind.KNOWLEDGE),
        ("Do you take walk-ins?", IntentKind.KNOWLEDGE),
    ],
)
def test_intents(text: str, kind: IntentKind) -> None:
    assert detect(text, WEDNESDAY, SALON).kind is kind


def test_a_booking_request_carries_its_date_time_and_service() -> None:
    intent = detect("Can I get a men's haircut Saturday at 10?", WEDNESDAY, SALON)
    assert intent.kind is IntentKind.BOOK
    assert (intent.when.day, intent.when.at) == (date(2030, 5, 4), time(10))
    assert intent.service.chosen == MENS


def test_a_service_named_loosely_is_ambiguous_not_guessed() -> None:
    intent = detect("book a haircut Saturday 10:00", WEDNESDAY, SALON)
    assert intent.service.chosen is None
    assert intent.service.ambiguous
    assert set(intent.service.candidates) == {WOMENS, MENS}


@pytest.mark.parametrize(
    ("text", "chosen"),
    [
        ("men's haircut", MENS), ("a gents cut", MENS), ("ladies haircut", WOMENS), ("womens hair cut", WOMENS),
        ("color", COLOUR), ("colouring", COLOUR), ("blow dry", BLOW_DRY), ("a blowdry", BLOW_DRY),
    ],
)
def test_service_names_are_matched_loosely(text: str, chosen: ServiceName) -> None:
    assert match_services(text, SALON).chosen == chosen


def test_an_unknown_service_matches_nothing() -> None:
    assert match_services("a manicure", SALON).candidates == ()


def test_a_follow_up_narrows_the_choice() -> None:
    both = (WOMENS, MENS)
    assert narrow("men's", both).chosen == MENS
    assert narrow("the first one", both).chosen == WOMENS
    assert narrow("2", both).chosen == MENS
    assert narrow("whatever", both).chosen is None


def test_contact_questions_name_their_topics() -> None:
    intent = detect("what's your address and email?", WEDNESDAY, SALON)
    assert intent.kind is IntentKind.CONTACT
    assert intent.topics == {ContactTopic.ADDRESS, ContactTopic.EMAIL}


def test_tools_are_never_triggered_by_long_messages_that_merely_contain_yes() -> None:
    text = "yes I was wondering whether you do hair extensions at all"
    assert detect(text, WEDNESDAY, SALON).kind is IntentKind.KNOWLEDGE


def test_odd_characters_do_not_change_the_intent() -> None:
    # Full-width letters (NFKC folds them) and an emoji question mark.
    assert detect("\uff22\uff2f\uff2f\uff2b a haircut Saturday 10:00", WEDNESDAY, SALON).kind is IntentKind.BOOK
    assert detect("When are you open\u2753", WEDNESDAY, SALON).kind is IntentKind.HOURS
