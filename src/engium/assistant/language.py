"""Which of the assistant's languages a customer writes in: English, Spanish, French, German or Portuguese.

Decided per message, by code: a customer who switches language is answered in the new one. Short
messages are the hard part ("hola", "¿precio?", "merci", "ok", "10"), so besides the general guesser's
idea (ai/guard/language_guess.py: frequent function words and letters only some languages use) each
language lists the words a front desk hears (greetings, thanks, "price", "appointment", weekday names)
and its punctuation ("¿", "¡"). A message with no such evidence, or with as much for two languages
("ok", "taxi", a number, a code), is *ambiguous*: the conversation keeps the language it had
(:func:`conversation_language`), English for a conversation that never said anything telling.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

ENGLISH = "en"
SUPPORTED = ("en", "es", "fr", "de", "pt")
LANGUAGE_NAMES = {"en": "English", "es": "Spanish", "fr": "French", "de": "German", "pt": "Portuguese"}

# Words that point to one language, compared without accents (customers often leave them out). A word
# shared by two languages counts for both, so on its own it decides nothing.
_WORDS: dict[str, frozenset[str]] = {lang: frozenset(text.split()) for lang, text in {
    "en": """the and you your is are to of for with this that what can please my have not hello hi hey
        thanks thank how much price prices cost open opening hours book booking appointment cancel
        tomorrow today when where do does want would like need yes no morning afternoon evening
        monday tuesday wednesday thursday friday saturday sunday haircut cut colour color time free
        there will could should i am it on at next any some talk person human staff help bye""",
    "es": """el la los las que por para una con mi tu es esta usted puedo quiero gracias del al
        tienen hay lo le se mis sus pero como cuanto cuando donde hola buenos buenas dias tardes noches
        precio precios cuesta cuestan horario horarios abren abierto cierran cerrado cita citas reservar
        reserva cancelar anular cambiar manana hoy lunes martes miercoles jueves viernes sabado domingo
        corte pelo cabello hombre mujer si no vale claro perfecto hablar persona ayuda necesito quisiera
        tiene hacen hace ninos descuento estacionamiento aparcamiento favor adios muchas disculpa""",
    "fr": """le la les des est une pour dans vous je pas avec sur qui mon votre merci du au ai ce cette
        ou mais nous sont avez pouvez bonjour bonsoir salut combien prix tarif tarifs coute horaires
        ouvert ouvrez ouverts ferme fermez rendez vous reserver reservation annuler deplacer demain
        aujourd hui lundi mardi mercredi jeudi vendredi samedi dimanche coupe cheveux homme femme oui
        non parler personne aide voudrais besoin enfants remise stationnement plait revoir quelle heure
        quels quel est ce que d accord""",
    "de": """der die das und ist nicht ich mit sie ein eine zu auf fur den dem bitte ihr ab auch mein
        meine kann konnen wir haben hallo wann guten tag morgen abend danke dankeschon preis preise
        kostet kosten offnungszeiten geoffnet offen geschlossen termin termine buchen reservieren
        absagen stornieren verschieben heute montag dienstag mittwoch donnerstag freitag samstag sonntag
        haarschnitt herren damen ja nein sprechen mensch hilfe mochte brauche kinder rabatt parken
        tschuss wie viel uhr habt servus moin""",
    "pt": """nao no na uma voce qual quais horas para com os seu sua da meu obrigado obrigada ola quero posso
        voces um ao pelo
        pela tem podem minha oi bom dia boa tarde noite preco precos custa quanto horario horarios
        abrem aberto fecham fechado marcacao marcar agendar reservar cancelar desmarcar remarcar
        amanha hoje segunda terca quarta quinta sexta sabado domingo feira corte cabelo homem mulher
        sim claro falar pessoa ajuda preciso gostaria criancas desconto estacionamento tchau voces""",
}.items()}
# Letters (before accents are dropped) that only some of the languages write.
_LETTERS = {"es": "ñ¿¡", "pt": "ãõ", "de": "ßäöü", "fr": "èêëîœùç"}
_WORD = re.compile(r"[^\W\d_]+")


def _fold(text: str) -> str:
    """Lower case without accents: "Sábado" and "sabado" are the same word here."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def scores(text: str) -> Counter[str]:
    """Evidence per language: each telling word or letter counts one."""
    sample = text[:2_000]
    counts: Counter[str] = Counter()
    for word in _WORD.findall(_fold(sample)):
        for lang, words in _WORDS.items():
            if word in words:
                counts[lang] += 1
    lowered = sample.lower()
    for lang, letters in _LETTERS.items():
        counts[lang] += sum(lowered.count(letter) for letter in letters)
    return +counts


def detect_language(text: str) -> str | None:
    """The message's language when it says so clearly; None when it is ambiguous (no telling word, or a
    tie between two languages)."""
    ranked = scores(text).most_common(2)
    if not ranked:
        return None
    if len(ranked) == 2 and ranked[1][1] == ranked[0][1]:
        return None
    return ranked[0][0]


def conversation_language(text: str, previous: str | None) -> str:
    """The language to answer this message in: its own when clear, else the conversation's last one."""
    found = detect_language(text)
    if found is not None:
        return found
    return previous if previous in SUPPORTED else ENGLISH


def supported(language: str | None) -> str:
    """A stored or configured language code, English when it is not one the assistant speaks."""
    return language if language in SUPPORTED else ENGLISH
