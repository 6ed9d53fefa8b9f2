"""The confirmation and reminder sentences (assistant/booking_notices.py, ADR 0042), in the five languages.

Merged into the one phrasebook by phrasebook_texts.py. ``{business}`` is the business's name, ``{booking}``
a slot written by the "slot" sentence, ``{policy}`` the business's no-show policy as it wrote it (never
translated). The reminder's reply letters (C, X, M) are the same in every language, and none of them is a
carrier keyword: a bare "CANCEL" on SMS is an opt-out (channels/keywords.py), so the reminder asks for X.
The sentences that start with a space are appended to another one.
"""

from __future__ import annotations

BOOKING_PHRASES: dict[str, dict[str, str]] = {
    "booking_confirmation": {
        "en": "{business}: your booking is confirmed: {booking}.",
        "es": "{business}: su cita está confirmada: {booking}.",
        "fr": "{business} : votre rendez-vous est confirmé : {booking}.",
        "de": "{business}: Ihr Termin ist bestätigt: {booking}.",
        "pt": "{business}: a sua marcação está confirmada: {booking}.",
    },
    "booking_reminder": {
        "en": "{business}: a reminder of your appointment, {booking}.",
        "es": "{business}: le recordamos su cita, {booking}.",
        "fr": "{business} : rappel de votre rendez-vous, {booking}.",
        "de": "{business}: Erinnerung an Ihren Termin, {booking}.",
        "pt": "{business}: lembramos a sua marcação, {booking}.",
    },
    "reminder_options": {
        "en": " Reply C to confirm, X to cancel or M to move it.",
        "es": " Responda C para confirmar, X para cancelar o M para cambiarla.",
        "fr": " Répondez C pour confirmer, X pour annuler ou M pour le déplacer.",
        "de": " Antworten Sie C zum Bestätigen, X zum Absagen oder M zum Verschieben.",
        "pt": " Responda C para confirmar, X para cancelar ou M para a alterar.",
    },
    "confirmation_options": {
        "en": " To move or cancel it, just reply here.",
        "es": " Para cambiarla o cancelarla, responda aquí.",
        "fr": " Pour le déplacer ou l'annuler, répondez simplement ici.",
        "de": " Zum Verschieben oder Absagen antworten Sie einfach hier.",
        "pt": " Para a alterar ou cancelar, basta responder aqui.",
    },
    "no_show_note": {
        "en": " Please note our no-show policy: {policy}",
        "es": " Tenga en cuenta nuestra política de ausencias: {policy}",
        "fr": " Notez notre politique en cas d'absence : {policy}",
        "de": " Bitte beachten Sie unsere Regelung bei Nichterscheinen: {policy}",
        "pt": " Tenha em conta a nossa política de faltas: {policy}",
    },
    "booking_confirmation_subject": {
        "en": "{business}: your booking is confirmed",
        "es": "{business}: su cita está confirmada",
        "fr": "{business} : votre rendez-vous est confirmé",
        "de": "{business}: Ihr Termin ist bestätigt",
        "pt": "{business}: a sua marcação está confirmada",
    },
    "booking_reminder_subject": {
        "en": "{business}: appointment reminder",
        "es": "{business}: recordatorio de su cita",
        "fr": "{business} : rappel de rendez-vous",
        "de": "{business}: Terminerinnerung",
        "pt": "{business}: lembrete da sua marcação",
    },
    "attendance_confirmed": {
        "en": "Thank you, your appointment is confirmed: {booking}. See you then!",
        "es": "Gracias, su cita queda confirmada: {booking}. ¡Hasta pronto!",
        "fr": "Merci, votre rendez-vous est confirmé : {booking}. À bientôt !",
        "de": "Danke, Ihr Termin ist bestätigt: {booking}. Bis dann!",
        "pt": "Obrigado, a sua marcação está confirmada: {booking}. Até breve!",
    },
    "no_show_question": {
        "en": "What is your no-show policy for missed appointments?",
        "es": "¿Cuál es su política si no me presento a una cita?",
        "fr": "Quelle est votre politique en cas d'absence à un rendez-vous ?",
        "de": "Was gilt, wenn ich einen Termin verpasse (Nichterscheinen)?",
        "pt": "Qual é a vossa política de faltas a marcações?",
    },
}
