"""The shape of a detector rule and how rule hits add up to evidence."""

# ruff: noqa: RUF001  (Turkish dotless i in the language gate's word list)

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Family(StrEnum):
    """Attack families; a detection's reasons name them."""

    INSTRUCTION_OVERRIDE = "instruction_override"
    PROMPT_EXTRACTION = "system_prompt_extraction"
    PERSONA = "persona"  # role-play framing: harmless alone ("act as a travel guide"), telling with the rest
    JAILBREAK = "jailbreak"  # lifting restrictions: "no rules", "never refuse", "amoral"
    ROLE_INJECTION = "role_injection"
    EXFILTRATION = "exfiltration"
    ENCODED = "encoded_payload"
    INDIRECT = "indirect_injection"
    HIDDEN_TEXT = "hidden_text"
    PERSONA_JAILBREAK = "persona_jailbreak"  # several persona-jailbreak cue groups together (persona_cues.py)
    CONTEXT = "context"  # not an attack by itself: where an attack-like hit was found (inside a document)


class Scope(StrEnum):
    """Where a rule applies: any text, a document (web page, retrieved chunk, tool result, email), an email."""

    ANY = "any"
    DOCUMENT = "document"
    EMAIL = "email"  # an email, not any document: a question in an FAQ page is content, in a receipt it is not


@dataclass(frozen=True)
class Rule:
    """A known attack shape. ``weight`` is log-odds evidence; about 4 on its own flags a text.

    ``needles`` are plain substrings of which at least one must occur before the regex runs at all: most
    benign text contains none of them, which keeps the detector fast on long documents.
    """

    name: str
    family: Family
    weight: float
    pattern: re.Pattern[str]
    needles: tuple[str, ...] = ()
    scope: Scope = Scope.ANY
    unless: re.Pattern[str] | None = None  # a match whose span contains this is not a hit
    script: str = "latin"  # the writing system the rule needs; rules for scripts absent from a text are skipped
    # A match whose own clause, read up to the match, contains this is not a hit either: "never share
    # other customers' details" in a staff handbook, "do not send passwords in the chat" in terms of use.
    unless_before: re.Pattern[str] | None = None
    # For rules of Latin-script languages other than English: the language whose words must be in the text
    # ("es", "fr" ...; "other" for any of them). Empty for English rules and for other scripts.
    lang: str = ""

    def matches(
        self, text: str, present: dict[str, bool] | None = None, start: int = 0, end: int | None = None
    ) -> bool:
        """Whether the rule hits ``text`` (or its part from ``start`` to ``end``: anchors and look-behinds still see
        the whole text); ``present`` memoises needle checks across the rules of one text, or of one part."""
        stop = len(text) if end is None else end
        whole = start == 0 and stop == len(text)
        if self.needles:
            memo = {} if present is None else present
            # A plain loop: this runs for every rule on every text, and a generator costs a third more.
            for needle in self.needles:
                found = memo.get(needle)
                if found is None:
                    found = memo[needle] = needle in text if whole else text.find(needle, start, stop) >= 0
                if found:
                    break
            else:
                return False
        for match in self.pattern.finditer(text, start, stop):
            if self.unless is not None and self.unless.search(match.group(0)) is not None:
                continue
            if self.unless_before is not None and self.unless_before.search(_clause_before(text, match.start())):
                continue
            return True
        return False


_CLAUSE_END = re.compile(r"[.!?;:\n,(\[]")
_LOOK_BACK = 60


def _clause_before(text: str, start: int) -> str:
    """The words of the clause before ``start`` (at most ``_LOOK_BACK`` characters)."""
    window = text[max(0, start - _LOOK_BACK):start]
    ends = [m.end() for m in _CLAUSE_END.finditer(window)]
    return window[ends[-1]:] if ends else window


def rule(
    name: str,
    family: Family,
    weight: float,
    pattern: str,
    needles: Iterable[str] = (),
    *,
    scope: Scope = Scope.ANY,
    unless: str | None = None,
    script: str = "latin",
    unless_before: str | None = None,
    flags: int = 0,  # texts are lower-cased before matching; IGNORECASE would only slow the engine down
) -> Rule:
    return Rule(
        name, family, weight, re.compile(pattern, flags), tuple(needles), scope,
        re.compile(unless, flags) if unless else None, script,
        re.compile(unless_before, flags) if unless_before else None,
    )


# One search per script per text decides which non-Latin rules can possibly match.
SCRIPTS: dict[str, re.Pattern[str]] = {
    "cyrillic": re.compile(r"[\u0400-\u04ff]"),
    "cjk": re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]"),
    "arabic": re.compile(r"[\u0600-\u06ff]"),
    "hangul": re.compile(r"[\uac00-\ud7af]"),
    "devanagari": re.compile(r"[\u0900-\u097f]"),
}


# Function words of the Latin-script languages with rules, chosen to be rare in English. A text with none
# of them is not in that language, and its rules (a fifth of the detector's time on long English texts)
# are skipped. Only a speed gate: an English text that happens to contain "que" costs a little more.
_LANGUAGE_WORDS = {
    "es": "que|las|los|del|por|para|una|tus|eres|ahora|sin|todas|todos|nunca|mis|esta|este|el|ignora|olvida|"
          "muestra|dime|instrucciones|reglas|cuál|cuáles|desde|actúa|finge",
    "fr": "les|des|est|une|pour|dans|vous|tes|tu|pas|avec|sur|qui|ne|mes|aux|toutes|sans|ton|ta|oublie|ignorez|"
          "consignes|désormais|règles|dorénavant|affiche",
    "de": "und|der|das|ist|nicht|du|ich|mit|sie|ein|eine|zu|auf|für|den|dem|alle|bitte|deine|dich|dir|"
          "anweisungen|regeln|vergiss|ignoriere|ab|jetzt|zeig|zeige|gib|wiederhole",
    "it": "che|il|di|per|sono|non|gli|tutte|della|tuo|tue|sei|questo|ora|mai|istruzioni|regole|dimentica|ignora|"
          "mostrami|ripeti|dimmi",
    "pt": "que|não|nao|uma|você|voce|para|com|os|seu|sua|suas|todas|agora|do|da|instruções|instrucoes|regras|"
          "esqueça|esqueca|mostre|finja",
    "nl": "het|een|en|van|je|niet|ik|dat|op|voor|met|jouw|alle|zijn|naar|negeer|vergeet|instructies|regels|"
          "toon|herhaal|vanaf",
    "pl": "nie|jest|się|że|jak|twój|twoje|wszystkie|proszę|od|instrukcje|zasady|zignoruj|zapomnij|jesteś|pokaż|"
          "powtórz",
    "tr": "ve|bir|bu|için|ile|değil|sen|tüm|önceki|lütfen|bana|talimatları|kurallara|sistem|bundan|artık|"
          "göster",
    "vi": "bỏ|qua|những|các|của|và|hướng|dẫn|quên|không",
    "id": "dan|yang|untuk|ini|itu|semua|saya|anda|tidak|abaikan|lupakan|instruksi",
}
_LANGUAGES_OF_WORD: dict[str, frozenset[str]] = {}
for _lang, _words in _LANGUAGE_WORDS.items():
    for _word in _words.split("|"):
        _LANGUAGES_OF_WORD[_word] = _LANGUAGES_OF_WORD.get(_word, frozenset()) | {_lang}
_WORD = re.compile(r"\w+")


def languages_in(lowered: str) -> frozenset[str]:
    """The Latin-script languages (besides English) whose function words occur in ``lowered``."""
    found: set[str] = set()
    for word in set(_WORD.findall(lowered)).intersection(_LANGUAGES_OF_WORD):
        found |= _LANGUAGES_OF_WORD[word]
    return frozenset(found | {"other"}) if found else frozenset()


def scripts_in(text: str) -> frozenset[str]:
    if text.isascii():
        return frozenset({"latin"})
    return frozenset({"latin", *(name for name, pattern in SCRIPTS.items() if pattern.search(text))})


@dataclass(frozen=True)
class Hit:
    rule: str
    family: Family
    weight: float
    via: str = ""  # "" for the text itself, else how it was decoded: "base64", "rot13", "unicode_tags" ...


# Each further hit of one family counts this fraction of the one before it.
_DECAY = 0.6


def family_evidence(hits: Iterable[Hit]) -> dict[Family, float]:
    """Sum evidence per family with diminishing returns: repeating one idea is not several ideas.

    The strongest hit counts fully, the next 60 %, the next 36 %, and so on; families add up, since a
    persona *and* an override *and* an extraction request together are more telling than any one.
    """
    by_family: dict[Family, list[float]] = {}
    for hit in hits:
        by_family.setdefault(hit.family, []).append(hit.weight)
    return {
        family: sum(weight * _DECAY**rank for rank, weight in enumerate(sorted(weights, reverse=True)))
        for family, weights in by_family.items()
    }
