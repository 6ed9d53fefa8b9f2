"""The hours answer's sentences (assistant/hours_answer.py, ADR 0036), in the five languages.

Kept apart from phrasebook_texts.py, which merges them into the one phrasebook, only to keep each module
readable. ``{day}`` is a date written by phrasebook.describe_day, ``{spans}`` a list of HH:MM-HH:MM spans,
``{label}`` a closure's name as the business wrote it (never translated), ``{list}`` a weekly list or the
upcoming closures. The sentences that start with a space are appended to another one.
"""

from __future__ import annotations

HOURS_PHRASES: dict[str, dict[str, str]] = {
    "hours_unknown": {
        "en": "I don't have our opening hours on file, sorry. A member of the team can tell you.",
        "es": "Lo siento, no tengo nuestro horario registrado. Un miembro del equipo se lo puede decir.",
        "fr": "Désolé, je n'ai pas nos horaires. Un membre de l'équipe pourra vous renseigner.",
        "de": "Leider habe ich unsere Öffnungszeiten nicht vorliegen. Jemand aus dem Team kann sie Ihnen nennen.",
        "pt": "Lamento, não tenho o nosso horário registado. Um membro da equipa pode informá-lo.",
    },
    "hours_day_unknown": {
        "en": "I don't have our hours for {weekday}s on file, sorry.",
        "es": "Lo siento, no tengo nuestro horario del {weekday}.",
        "fr": "Désolé, je n'ai pas nos horaires du {weekday}.",
        "de": "Leider habe ich unsere Zeiten für {weekday} nicht vorliegen.",
        "pt": "Lamento, não tenho o nosso horário de {weekday}.",
    },
    "closed_on": {
        "en": "We're closed on {day}.",
        "es": "Estamos cerrados el {day}.",
        "fr": "Nous sommes fermés le {day}.",
        "de": "Am {day} haben wir geschlossen.",
        "pt": "Estamos fechados no dia {day}.",
    },
    "open_on": {
        "en": "On {day} we're open {spans}.",
        "es": "El {day} abrimos {spans}.",
        "fr": "Le {day}, nous sommes ouverts {spans}.",
        "de": "Am {day} haben wir {spans} geöffnet.",
        "pt": "No dia {day}, estamos abertos {spans}.",
    },
    "closed_for": {
        "en": "We're closed on {day} ({label}).",
        "es": "Estamos cerrados el {day} ({label}).",
        "fr": "Nous sommes fermés le {day} ({label}).",
        "de": "Am {day} haben wir geschlossen ({label}).",
        "pt": "Estamos fechados no dia {day} ({label}).",
    },
    "special_hours_on": {
        "en": "On {day} ({label}) we have special hours: {spans}.",
        "es": "El {day} ({label}) tenemos un horario especial: {spans}.",
        "fr": "Le {day} ({label}), nous avons des horaires spéciaux : {spans}.",
        "de": "Am {day} ({label}) haben wir besondere Öffnungszeiten: {spans}.",
        "pt": "No dia {day} ({label}), temos um horário especial: {spans}.",
    },
    "appointment_hours": {
        "en": " Appointments are available {spans}.",
        "es": " Horario de citas: {spans}.",
        "fr": " Rendez-vous possibles : {spans}.",
        "de": " Termine sind {spans} möglich.",
        "pt": " Marcações disponíveis: {spans}.",
    },
    "no_appointments_that_day": {
        "en": " No appointments are available that day.",
        "es": " Ese día no hay citas disponibles.",
        "fr": " Aucun rendez-vous n'est possible ce jour-là.",
        "de": " An diesem Tag sind keine Termine möglich.",
        "pt": " Nesse dia não há marcações disponíveis.",
    },
    "opening_hours": {
        "en": "Our opening hours: {list}.",
        "es": "Nuestro horario: {list}.",
        "fr": "Nos horaires : {list}.",
        "de": "Unsere Öffnungszeiten: {list}.",
        "pt": "O nosso horário: {list}.",
    },
    "weekly_appointments": {
        "en": " Appointments: {list}.",
        "es": " Citas: {list}.",
        "fr": " Rendez-vous : {list}.",
        "de": " Termine: {list}.",
        "pt": " Marcações: {list}.",
    },
    "upcoming_closures": {
        "en": " Coming up: {list}.",
        "es": " Próximamente: {list}.",
        "fr": " Prochainement : {list}.",
        "de": " Demnächst: {list}.",
        "pt": " Em breve: {list}.",
    },
    "upcoming_closed": {
        "en": "closed {day} ({label})",
        "es": "cerrado el {day} ({label})",
        "fr": "fermé le {day} ({label})",
        "de": "geschlossen am {day} ({label})",
        "pt": "fechado no dia {day} ({label})",
    },
    "upcoming_special": {
        "en": "{spans} on {day} ({label})",
        "es": "{spans} el {day} ({label})",
        "fr": "{spans} le {day} ({label})",
        "de": "{spans} am {day} ({label})",
        "pt": "{spans} no dia {day} ({label})",
    },
    "closed": {"en": "closed", "es": "cerrado", "fr": "fermé", "de": "geschlossen", "pt": "fechado"},
    "not_listed": {"en": "not listed", "es": "sin datos", "fr": "non indiqué", "de": "keine Angabe",
                   "pt": "sem informação"},
}
