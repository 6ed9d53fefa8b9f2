"""Everything the assistant tells a customer about a hand-over to a person, in its five languages.

The same shape as the phrasebook (phrasebook_texts.py): each sentence is one key with a template per
language, and a specification keeps every key complete in all five with the same placeholders. They
live apart from the phrasebook because they are built differently: ``{when}`` is a phrase made from
:class:`~engium.assistant.response_time.ReplyDue` by the ``within_*``, ``by_*`` and ``opening_*``
templates below, with the phrasebook's weekday and month names. Each language's templates are written
so that ``{when}`` ends the sentence, which is where all five put such a phrase naturally (German word
order would otherwise split it). An unknown language, or a key a language lacks, falls back to English.
"""

from __future__ import annotations

from datetime import date, datetime

from engium.assistant.language import ENGLISH, supported
from engium.assistant.phrasebook import MONTHS, WEEKDAYS
from engium.assistant.response_time import ReplyDue

_KEYWORD = {
    "en": "I've passed your message to a member of the team; they'll reply here {when}.",
    "es": "He pasado su mensaje a un miembro del equipo; le responderá aquí {when}.",
    "fr": "J'ai transmis votre message à un membre de l'équipe ; il vous répondra ici {when}.",
    "de": "Ich habe Ihre Nachricht an jemanden aus dem Team weitergegeben; Sie bekommen hier eine Antwort {when}.",
    "pt": "Passei a sua mensagem a um membro da equipa; vai responder aqui {when}.",
}
_ERROR = {
    "en": "Sorry, something went wrong on our side. A member of the team will reply here {when}.",
    "es": "Lo siento, algo ha fallado por nuestra parte. Un miembro del equipo le responderá aquí {when}.",
    "fr": "Désolé, un problème est survenu de notre côté. Un membre de l'équipe vous répondra ici {when}.",
    "de": "Entschuldigung, bei uns ist etwas schiefgelaufen. Jemand aus dem Team antwortet Ihnen hier {when}.",
    "pt": "Lamento, algo correu mal do nosso lado. Um membro da equipa vai responder aqui {when}.",
}

HANDOVER_PHRASES: dict[str, dict[str, str]] = {
    # --- the hand-over itself, by reason (assistant/escalation.py's codes)
    "handover.customer_request": {
        "en": "Of course. I've asked a member of the team to take over; they'll reply here {when}.",
        "es": "Por supuesto. He pedido a un miembro del equipo que se encargue; le responderá aquí {when}.",
        "fr": "Bien sûr. J'ai demandé à un membre de l'équipe de prendre le relais ; il vous répondra ici {when}.",
        "de": "Natürlich. Ich habe jemanden aus dem Team gebeten zu übernehmen; Sie bekommen hier eine Antwort "
              "{when}.",
        "pt": "Claro. Pedi a um membro da equipa para continuar; vai responder aqui {when}.",
    },
    "handover.keyword": _KEYWORD,
    "handover.failed_turns": {
        "en": "Sorry I couldn't help with that. I've asked a member of the team to reply here {when}.",
        "es": "Siento no haber podido ayudarle con eso. He pedido a un miembro del equipo que le responda aquí "
              "{when}.",
        "fr": "Désolé de ne pas avoir pu vous aider. J'ai demandé à un membre de l'équipe de vous répondre ici "
              "{when}.",
        "de": "Leider konnte ich dabei nicht helfen. Ich habe Ihre Nachricht an jemanden aus dem Team "
              "weitergegeben; Sie bekommen hier eine Antwort {when}.",
        "pt": "Lamento não ter conseguido ajudar. Pedi a um membro da equipa para responder aqui {when}.",
    },
    "handover.low_confidence": {
        "en": "I'm not sure about that and would rather not guess, so I've asked a member of the team to reply "
              "here {when}.",
        "es": "No estoy seguro de eso y prefiero no adivinar, así que he pedido a un miembro del equipo que le "
              "responda aquí {when}.",
        "fr": "Je n'en suis pas sûr et je préfère ne pas deviner, j'ai donc demandé à un membre de l'équipe de "
              "vous répondre ici {when}.",
        "de": "Da bin ich mir nicht sicher und möchte nicht raten, daher habe ich Ihre Nachricht an jemanden aus "
              "dem Team weitergegeben; Sie bekommen hier eine Antwort {when}.",
        "pt": "Não tenho a certeza e prefiro não adivinhar, por isso pedi a um membro da equipa para responder "
              "aqui {when}.",
    },
    "handover.guard": _KEYWORD,
    "handover.error": _ERROR,
    # Added when the tenant's policy lets the assistant go on answering while the customer waits.
    "handover.keeps_answering": {
        "en": "In the meantime I can still help with opening hours, prices and bookings.",
        "es": "Mientras tanto, puedo seguir ayudándole con el horario, los precios y las citas.",
        "fr": "En attendant, je peux toujours vous renseigner sur les horaires, les prix et les rendez-vous.",
        "de": "In der Zwischenzeit helfe ich Ihnen weiterhin gern bei Öffnungszeiten, Preisen und Terminen.",
        "pt": "Entretanto, posso continuar a ajudar com o horário, os preços e as marcações.",
    },
    # --- already with a person (keep-answering policies): asked for a person again, or another miss
    "waiting.customer_request": {
        "en": "A member of the team already has your message and will reply here {when}.",
        "es": "Un miembro del equipo ya tiene su mensaje y le responderá aquí {when}.",
        "fr": "Un membre de l'équipe a déjà votre message et vous répondra ici {when}.",
        "de": "Jemand aus dem Team hat Ihre Nachricht bereits und antwortet Ihnen hier {when}.",
        "pt": "Um membro da equipa já tem a sua mensagem e vai responder aqui {when}.",
    },
    "waiting.not_sure": {
        "en": "I'm not sure about that, and I'd rather not guess. A member of the team has your message and will "
              "reply here {when}.",
        "es": "No estoy seguro de eso y prefiero no adivinar. Un miembro del equipo tiene su mensaje y le "
              "responderá aquí {when}.",
        "fr": "Je n'en suis pas sûr et je préfère ne pas deviner. Un membre de l'équipe a votre message et vous "
              "répondra ici {when}.",
        "de": "Da bin ich mir nicht sicher, und ich möchte nicht raten. Jemand aus dem Team hat Ihre Nachricht und "
              "antwortet Ihnen hier {when}.",
        "pt": "Não tenho a certeza e prefiro não adivinhar. Um membro da equipa tem a sua mensagem e vai "
              "responder aqui {when}.",
    },
    "waiting.error": _ERROR,
    # --- the one follow-up when nobody has replied in the tenant's time (assistant/follow_up.py)
    "follow_up": {
        "en": "Sorry for the wait. Your message is still with our team, and a member of the team will reply "
              "here {when}.",
        "es": "Disculpe la espera. Su mensaje sigue con nuestro equipo, y un miembro del equipo le responderá "
              "aquí {when}.",
        "fr": "Désolé pour l'attente. Votre message est toujours entre les mains de notre équipe, et un membre de "
              "l'équipe vous répondra ici {when}.",
        "de": "Entschuldigen Sie die Wartezeit. Ihre Nachricht liegt weiterhin bei unserem Team, und jemand aus "
              "dem Team antwortet Ihnen hier {when}.",
        "pt": "Desculpe a espera. A sua mensagem continua com a nossa equipa, e um membro da equipa vai "
              "responder aqui {when}.",
    },
    # --- {when}: how long, by when, or at the next opening
    "soon": {"en": "as soon as they can", "es": "en cuanto pueda", "fr": "dès que possible",
             "de": "so bald wie möglich", "pt": "assim que possível"},
    "within_minutes": {"en": "within about {minutes} minutes", "es": "en unos {minutes} minutos",
                       "fr": "dans environ {minutes} minutes", "de": "innerhalb von etwa {minutes} Minuten",
                       "pt": "dentro de cerca de {minutes} minutos"},
    "within_hour": {"en": "within about an hour", "es": "en una hora aproximadamente",
                    "fr": "dans environ une heure", "de": "innerhalb von etwa einer Stunde",
                    "pt": "dentro de cerca de uma hora"},
    "within_hours": {"en": "within about {hours} hours", "es": "en unas {hours} horas",
                     "fr": "dans environ {hours} heures", "de": "innerhalb von etwa {hours} Stunden",
                     "pt": "dentro de cerca de {hours} horas"},
    "within_hours_minutes": {"en": "within about {hours} h {minutes} min", "es": "en unas {hours} h {minutes} min",
                             "fr": "dans environ {hours} h {minutes} min",
                             "de": "innerhalb von etwa {hours} Std. {minutes} Min.",
                             "pt": "dentro de cerca de {hours} h {minutes} min"},
    "by_today": {"en": "by {time} today", "es": "hoy antes de las {time}", "fr": "aujourd'hui avant {time}",
                 "de": "bis heute um {time} Uhr", "pt": "até hoje às {time}"},
    "by_tomorrow": {"en": "by {time} tomorrow", "es": "mañana antes de las {time}", "fr": "demain avant {time}",
                    "de": "bis morgen um {time} Uhr", "pt": "até amanhã às {time}"},
    "by_weekday": {"en": "by {weekday} at {time}", "es": "el {weekday} antes de las {time}",
                   "fr": "{weekday} avant {time}", "de": "bis {weekday} um {time} Uhr",
                   "pt": "até {weekday}, às {time}"},
    "by_date": {"en": "by {date} at {time}", "es": "el {date} antes de las {time}", "fr": "le {date} avant {time}",
                "de": "bis zum {date} um {time} Uhr", "pt": "até ao dia {date}, às {time}"},
    "opening_today": {"en": "when we open today at {time}", "es": "cuando abramos hoy a las {time}",
                      "fr": "dès notre ouverture aujourd'hui à {time}",
                      "de": "gleich nach Öffnung heute um {time} Uhr", "pt": "quando abrirmos hoje, às {time}"},
    "opening_tomorrow": {"en": "when we open tomorrow at {time}", "es": "cuando abramos mañana a las {time}",
                         "fr": "dès notre ouverture demain à {time}",
                         "de": "gleich nach Öffnung morgen um {time} Uhr", "pt": "quando abrirmos amanhã, às {time}"},
    "opening_weekday": {"en": "when we open on {weekday} at {time}", "es": "cuando abramos el {weekday} a las {time}",
                        "fr": "dès notre ouverture {weekday} à {time}",
                        "de": "gleich nach Öffnung am {weekday} um {time} Uhr",
                        "pt": "quando abrirmos, {weekday}, às {time}"},
    "opening_date": {"en": "when we open on {date} at {time}", "es": "cuando abramos el {date} a las {time}",
                     "fr": "dès notre ouverture le {date} à {time}",
                     "de": "gleich nach Öffnung am {date} um {time} Uhr",
                     "pt": "quando abrirmos, no dia {date}, às {time}"},
    # A date without its weekday ("4 May", "4 de mayo", "4. Mai"); the names are the phrasebook's.
    "day_month": {"en": "{day} {month}", "es": "{day} de {month}", "fr": "{day} {month}", "de": "{day}. {month}",
                  "pt": "{day} de {month}"},
}


def text(key: str, language: str = ENGLISH, **values: object) -> str:
    """The hand-over sentence ``key`` in ``language``, with ``values`` filled in."""
    texts = HANDOVER_PHRASES[key]
    template = texts.get(supported(language)) or texts[ENGLISH]
    return template.format(**values) if values else template


def _day_key(prefix: str, at: date, today: date, language: str) -> tuple[str, dict[str, object]]:
    days = (at - today).days
    if days <= 0:
        return f"{prefix}_today", {}
    if days == 1:
        return f"{prefix}_tomorrow", {}
    lang = supported(language)
    if days < 7:
        return f"{prefix}_weekday", {"weekday": WEEKDAYS[lang][at.weekday()]}
    return f"{prefix}_date", {"date": text("day_month", lang, day=at.day, month=MONTHS[lang][at.month - 1])}


def _duration(minutes: int, language: str) -> str:
    hours, rest = divmod(minutes, 60)
    if hours == 0:
        return text("within_minutes", language, minutes=rest)
    if rest == 0:
        return text("within_hour", language) if hours == 1 else text("within_hours", language, hours=hours)
    return text("within_hours_minutes", language, hours=hours, minutes=rest)


def when_phrase(due: ReplyDue, now: datetime, language: str = ENGLISH) -> str:
    """"within about 2 hours", "by 10:30 tomorrow", "when we open on Tuesday at 09:00", in ``language``."""
    if due.kind == "within":
        return _duration(due.minutes, language)
    today = now.astimezone(due.at.tzinfo).date()
    key, values = _day_key("by" if due.kind == "by" else "opening", due.at.date(), today, language)
    return text(key, language, time=f"{due.at:%H:%M}", **values)


def handover_message(reason: str, when: str, *, keeps_answering: bool, language: str = ENGLISH) -> str:
    reason = reason if f"handover.{reason}" in HANDOVER_PHRASES else "error"
    said = text(f"handover.{reason}", language, when=when)
    return f"{said} {text('handover.keeps_answering', language)}" if keeps_answering else said


def waiting_message(reason: str, when: str, language: str = ENGLISH) -> str:
    """Already with a person: the assistant says so instead of handing over again."""
    key = {"customer_request": "waiting.customer_request", "keyword": "waiting.customer_request",
           "error": "waiting.error"}.get(reason, "waiting.not_sure")
    return text(key, language, when=when)


def follow_up_message(when: str, language: str = ENGLISH) -> str:
    return text("follow_up", language, when=when)
