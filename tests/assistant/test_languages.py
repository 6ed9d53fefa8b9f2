"""The customer's language, detected per message, and what they ask recognised in each of the assistant's
five languages (English, Spanish, French, German, Portuguese)."""

from __future__ import annotations

import uuid
from datetime import date, time
from string import Formatter
from time import perf_counter

import pytest

from engium.assistant import when
from engium.assistant.handover_texts import HANDOVER_PHRASES
from engium.assistant.intents import ContactTopic, IntentKind, detect
from engium.assistant.language import SUPPORTED, conversation_language, detect_language
from engium.assistant.phrasebook import describe_day, joined, say
from engium.assistant.phrasebook_texts import PHRASES
from engium.assistant.service_match import ServiceName

WEDNESDAY = date(2030, 5, 1)
SATURDAY = date(2030, 5, 4)
THURSDAY = date(2030, 5, 2)

SALON = (
    ServiceName(uuid.uuid4(), "Women's haircut"),
    ServiceName(uuid.uuid4(), "Men's haircut"),
    ServiceName(uuid.uuid4(), "Colour"),
)
WOMENS, MENS, COLOUR = SALON


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("hola", "es"), ("¿precio?", "es"), ("¿A qué hora abren el sábado?", "es"), ("gracias", "es"),
        ("Quiero reservar un corte de pelo", "es"), ("buenos días", "es"),
        ("bonjour", "fr"), ("merci", "fr"), ("Combien coûte une coupe ?", "fr"), ("Quels sont vos horaires ?", "fr"),
        ("hallo", "de"), ("danke", "de"), ("Was kostet ein Haarschnitt?", "de"), ("Wann habt ihr geöffnet?", "de"),
        ("olá", "pt"), ("obrigado", "pt"), ("Quanto custa um corte de cabelo?", "pt"),
        ("Qual é o horário de sábado?", "pt"), ("Quero marcar um horário", "pt"),
        ("hello", "en"), ("How much is a haircut?", "en"), ("What are your opening hours?", "en"),
        ("thanks", "en"),
    ],
)
def test_a_message_says_its_language_even_when_short(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize("text", ["ok", "10", "482913", "taxi", "no", "👍", "", "sábado"])
def test_a_message_that_could_be_any_language_decides_nothing(text: str) -> None:
    assert detect_language(text) is None


def test_an_ambiguous_message_keeps_the_conversation_language() -> None:
    assert conversation_language("ok", "es") == "es"
    assert conversation_language("10", "fr") == "fr"
    assert conversation_language("ok", None) == "en"
    assert conversation_language("ok", "xx") == "en"  # a stored value the assistant does not speak


def test_a_customer_who_switches_language_is_followed() -> None:
    assert conversation_language("Danke, und was kostet eine Farbe?", "es") == "de"
    assert conversation_language("What about Saturday?", "fr") == "en"


INTENTS = [
    # Spanish
    ("es", "hola", IntentKind.GREETING), ("es", "buenas tardes", IntentKind.GREETING),
    ("es", "¡gracias!", IntentKind.THANKS), ("es", "muchas gracias", IntentKind.THANKS),
    ("es", "¿A qué hora abren el sábado?", IntentKind.HOURS), ("es", "¿Cuál es su horario?", IntentKind.HOURS),
    ("es", "¿precio?", IntentKind.PRICES), ("es", "¿Cuánto cuesta un corte de pelo?", IntentKind.PRICES),
    ("es", "Quiero reservar un corte de pelo de hombre el sábado a las 10", IntentKind.BOOK),
    ("es", "Quisiera pedir una cita", IntentKind.BOOK),
    ("es", "Quiero cancelar mi cita", IntentKind.CANCEL), ("es", "¿Puedo cambiar mi cita?", IntentKind.RESCHEDULE),
    ("es", "sí", IntentKind.YES), ("es", "sí, por favor", IntentKind.YES), ("es", "vale", IntentKind.YES),
    ("es", "no", IntentKind.NO), ("es", "no, gracias", IntentKind.NO),
    ("es", "Quiero hablar con una persona", IntentKind.HUMAN), ("es", "¿Cuándo es mi cita?", IntentKind.MY_DETAILS),
    # French
    ("fr", "bonjour", IntentKind.GREETING), ("fr", "merci beaucoup", IntentKind.THANKS),
    ("fr", "Quels sont vos horaires ?", IntentKind.HOURS), ("fr", "Vous êtes ouverts samedi ?", IntentKind.HOURS),
    ("fr", "Combien coûte une coupe homme ?", IntentKind.PRICES), ("fr", "Quels sont vos tarifs ?", IntentKind.PRICES),
    ("fr", "Je voudrais prendre rendez-vous samedi à 10h", IntentKind.BOOK),
    ("fr", "Je voudrais réserver une couleur", IntentKind.BOOK),
    ("fr", "Je voudrais annuler mon rendez-vous", IntentKind.CANCEL),
    ("fr", "Je dois déplacer mon rendez-vous", IntentKind.RESCHEDULE),
    ("fr", "oui", IntentKind.YES), ("fr", "oui, s'il vous plaît", IntentKind.YES), ("fr", "d'accord", IntentKind.YES),
    ("fr", "non", IntentKind.NO), ("fr", "non merci", IntentKind.NO),
    ("fr", "Je veux parler à une personne", IntentKind.HUMAN),
    ("fr", "Quand est mon rendez-vous ?", IntentKind.MY_DETAILS),
    # German
    ("de", "Hallo", IntentKind.GREETING), ("de", "Guten Morgen", IntentKind.GREETING),
    ("de", "Danke!", IntentKind.THANKS), ("de", "Vielen Dank", IntentKind.THANKS),
    ("de", "Wie sind Ihre Öffnungszeiten?", IntentKind.HOURS),
    ("de", "Habt ihr am Samstag geöffnet?", IntentKind.HOURS),
    ("de", "Was kostet ein Herrenhaarschnitt?", IntentKind.PRICES), ("de", "Preise?", IntentKind.PRICES),
    ("de", "Ich möchte am Samstag um 10 Uhr einen Haarschnitt für Herren buchen", IntentKind.BOOK),
    ("de", "Kann ich einen Termin für eine Farbe buchen?", IntentKind.BOOK),
    ("de", "Ich möchte meinen Termin absagen", IntentKind.CANCEL),
    ("de", "Kann ich meinen Termin verschieben?", IntentKind.RESCHEDULE),
    ("de", "ja", IntentKind.YES), ("de", "ja bitte", IntentKind.YES), ("de", "gerne", IntentKind.YES),
    ("de", "nein", IntentKind.NO), ("de", "nein danke", IntentKind.NO),
    ("de", "Ich möchte mit einem Menschen sprechen", IntentKind.HUMAN),
    ("de", "Wann ist mein Termin?", IntentKind.MY_DETAILS),
    # Portuguese
    ("pt", "olá", IntentKind.GREETING), ("pt", "bom dia", IntentKind.GREETING),
    ("pt", "obrigado", IntentKind.THANKS), ("pt", "muito obrigada", IntentKind.THANKS),
    ("pt", "Qual é o horário de sábado?", IntentKind.HOURS), ("pt", "Que horas vocês abrem?", IntentKind.HOURS),
    ("pt", "Quanto custa um corte de cabelo?", IntentKind.PRICES), ("pt", "preços?", IntentKind.PRICES),
    ("pt", "Quero marcar um corte masculino no sábado às 10", IntentKind.BOOK),
    ("pt", "Gostaria de agendar uma coloração", IntentKind.BOOK),
    ("pt", "Quero cancelar a minha marcação", IntentKind.CANCEL),
    ("pt", "Posso remarcar o meu horário?", IntentKind.RESCHEDULE),
    ("pt", "sim", IntentKind.YES), ("pt", "sim, por favor", IntentKind.YES), ("pt", "pode ser", IntentKind.YES),
    ("pt", "não", IntentKind.NO), ("pt", "não, obrigado", IntentKind.NO),
    ("pt", "Quero falar com uma pessoa", IntentKind.HUMAN), ("pt", "Quando é a minha marcação?", IntentKind.MY_DETAILS),
]


@pytest.mark.parametrize(("language", "text", "kind"), INTENTS)
def test_intents_are_recognised_in_each_language(language: str, text: str, kind: IntentKind) -> None:
    assert detect(text, WEDNESDAY, SALON, language).kind is kind


@pytest.mark.parametrize(
    ("language", "text", "day", "at", "service"),
    [
        ("es", "Quiero reservar un corte de pelo de hombre el sábado a las 10", SATURDAY, time(10), MENS),
        ("es", "una coloración mañana a las 15:30", THURSDAY, time(15, 30), COLOUR),
        ("fr", "Je voudrais prendre rendez-vous samedi à 10h pour une coupe homme", SATURDAY, time(10), MENS),
        ("fr", "une couleur demain à 11 heures", THURSDAY, time(11), COLOUR),
        ("de", "Ich möchte am Samstag um 10 Uhr einen Herrenhaarschnitt buchen", SATURDAY, time(10), MENS),
        ("de", "eine Farbe morgen um 14 Uhr", THURSDAY, time(14), COLOUR),
        ("pt", "Quero marcar um corte masculino no sábado às 10", SATURDAY, time(10), MENS),
        ("pt", "uma coloração amanhã às 9h", THURSDAY, time(9), COLOUR),
    ],
)
def test_dates_times_and_services_are_read_in_each_language(
    language: str, text: str, day: date, at: time, service: ServiceName
) -> None:
    intent = detect(text, WEDNESDAY, SALON, language)
    assert (intent.when.day, intent.when.at, intent.service.chosen) == (day, at, service)


@pytest.mark.parametrize(
    ("language", "text", "topic"),
    [("es", "¿Cuál es su dirección?", ContactTopic.ADDRESS), ("fr", "Quel est votre numéro de téléphone ?",
                                                                 ContactTopic.PHONE),
     ("de", "Wie ist Ihre Adresse?", ContactTopic.ADDRESS), ("pt", "Qual é o vosso telefone?", ContactTopic.PHONE)],
)
def test_contact_questions_are_recognised_in_each_language(language: str, text: str, topic: ContactTopic) -> None:
    intent = detect(text, WEDNESDAY, SALON, language)
    assert intent.kind is IntentKind.CONTACT
    assert topic in intent.topics


def test_english_words_are_not_rewritten_for_an_english_conversation() -> None:
    """"as", "a", "um" or "so" mean nothing special in English: only another language's table rewrites them."""
    assert detect("as soon as possible, um, at 10?", WEDNESDAY, SALON, "en").text == "as soon as possible um at 10"


@pytest.mark.parametrize("table", [PHRASES, HANDOVER_PHRASES], ids=["phrasebook", "hand-over"])
def test_every_phrase_has_all_five_languages_with_the_same_placeholders(table: dict[str, dict[str, str]]) -> None:
    for key, texts in table.items():
        assert set(texts) == set(SUPPORTED), key
        expected = {name for _, name, _, _ in Formatter().parse(texts["en"]) if name}
        for language, template in texts.items():
            assert {name for _, name, _, _ in Formatter().parse(template) if name} == expected, (key, language)


def test_every_hand_over_sentence_ends_with_when_a_person_will_reply() -> None:
    """The time phrase ("bis morgen um 10:30 Uhr") is built apart, so each language's sentence must have
    a place for it that reads right whatever it is: the end, where no verb follows it."""
    with_when = [texts for texts in HANDOVER_PHRASES.values() if "{when}" in texts["en"]]
    assert len(with_when) >= 9
    for texts in with_when:
        for template in texts.values():
            assert template.endswith(" {when}."), template
    assert not set(HANDOVER_PHRASES) & set(PHRASES)  # one place per sentence


def test_english_dates_read_as_before_and_other_languages_write_their_own() -> None:
    for day in (WEDNESDAY, THURSDAY, SATURDAY, date(2031, 1, 3)):
        assert describe_day(day, WEDNESDAY, "en") == when.describe_day(day, WEDNESDAY)
    assert describe_day(SATURDAY, WEDNESDAY, "es") == "sábado 4 de mayo"
    assert describe_day(SATURDAY, WEDNESDAY, "fr") == "samedi 4 mai"
    assert describe_day(SATURDAY, WEDNESDAY, "de") == "Samstag, 4. Mai"
    assert describe_day(THURSDAY, WEDNESDAY, "pt") == "amanhã (quinta-feira, 2 de maio)"
    assert describe_day(date(2031, 1, 3), WEDNESDAY, "es") == "viernes 3 de enero 2031"


def test_an_unknown_language_is_answered_in_english() -> None:
    assert say("xx", "thanks") == say("en", "thanks")
    assert joined("es", ["10:00", "10:30", "11:00"]) == "10:00, 10:30 y 11:00"
    assert joined("de", ["A", "B"], "or") == "A oder B"


@pytest.mark.parametrize(
    "text",
    ["¿a qué hora abren? " * 520, "a" * 10_000, "de " * 3_333, "a-" * 4_999, "l'" * 5_000, "ß¿ñ" * 3_333],
)
def test_the_longest_message_is_read_in_bounded_time(text: str) -> None:
    """A message of the widget's maximum length (10,000 characters), of any shape, costs milliseconds."""
    started = perf_counter()
    language = conversation_language(text, "es")
    detect(text, WEDNESDAY, SALON, language)
    assert perf_counter() - started < 2.0


@pytest.mark.parametrize(
    ("language", "text", "day"),
    [
        ("es", "¿Abren el día de Navidad?", date(2030, 12, 25)), ("es", "¿y en Nochebuena?", date(2030, 12, 24)),
        ("es", "¿Abren el día de Año Nuevo?", date(2031, 1, 1)),
        ("fr", "Êtes-vous ouverts le jour de Noël ?", date(2030, 12, 25)),
        ("fr", "Et la veille de Noël ?", date(2030, 12, 24)), ("fr", "Ouvert le jour de l'an ?", date(2031, 1, 1)),
        ("de", "Haben Sie am ersten Weihnachtstag geöffnet?", date(2030, 12, 25)),
        ("de", "Und am zweiten Weihnachtstag?", date(2030, 12, 26)), ("de", "Habt ihr an Heiligabend offen?",
                                                                         date(2030, 12, 24)),
        ("de", "Habt ihr Silvester geöffnet?", date(2030, 12, 31)),
        ("pt", "Vocês abrem no dia de Natal?", date(2030, 12, 25)),
        ("pt", "E na véspera de Natal?", date(2030, 12, 24)), ("pt", "Abrem no dia de Ano Novo?", date(2031, 1, 1)),
    ],
)
def test_holidays_are_named_in_each_language(language: str, text: str, day: date) -> None:
    """Rewritten to the English names the date reader and the business's closure labels use ("christmas day")."""
    assert detect(text, WEDNESDAY, SALON, language).when.day == day
