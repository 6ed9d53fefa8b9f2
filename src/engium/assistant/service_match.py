"""Which of the business's services a message names: "haircut" -> both haircuts (ask which),
"men's cut" -> Men's haircut, "color" -> Colour. Pure: the caller passes the catalogue's names.

Words are folded before comparing (case, apostrophes, hyphens, plurals, a few spelling variants and
synonyms such as "gents" = "men's"), and two adjacent message words also count as one ("blow dry" =
"blow-dry"). A service scores the number of its name's words the message contains; the best score wins,
and a tie between several services is an ambiguity the engine turns into a question, never a guess.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from uuid import UUID

_WORD = re.compile(r"[a-z0-9]+")
# Words that say nothing about which service: "a cut and blow-dry" must not match on "and".
_FILLER = frozenset({"a", "an", "and", "the", "with", "of", "for", "my", "to", "in", "on", "&", "s"})
_FOLD = {
    "men": "mens", "man": "mens", "male": "mens", "gents": "mens", "gent": "mens", "gentlemen": "mens",
    "gentleman": "mens", "boys": "mens", "women": "womens", "woman": "womens", "ladies": "womens",
    "lady": "womens", "female": "womens", "girls": "womens", "color": "colour", "colours": "colour",
    "colors": "colour", "colouring": "colour", "coloring": "colour", "dye": "colour", "tint": "colour",
    "hair cut": "haircut", "haircuts": "haircut", "trim": "haircut", "blowdry": "blowdry",
    "blow dry": "blowdry", "blowout": "blowdry", "blow out": "blowdry",
}


@dataclass(frozen=True)
class ServiceName:
    id: UUID
    name: str


@dataclass(frozen=True)
class ServiceMatch:
    """``chosen`` when exactly one service fits best; ``candidates`` when several tie (ask which)."""

    chosen: ServiceName | None
    candidates: tuple[ServiceName, ...]

    @property
    def ambiguous(self) -> bool:
        return self.chosen is None and len(self.candidates) > 1


NO_MATCH = ServiceMatch(None, ())


def _fold(word: str) -> str:
    if word in _FOLD:
        return _FOLD[word]
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        singular = word[:-1]
        return _FOLD.get(singular, singular)
    return word


def words(text: str) -> list[str]:
    # NFKD and dropping apostrophes first: "Women's" -> "womens", "café" -> "cafe".
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    plain = re.sub("['\u2019`]", "", plain).replace("-", "")
    return _WORD.findall(plain)


def folded_terms(text: str) -> set[str]:
    """The message's folded words, plus adjacent pairs read as one word or one phrase."""
    raw = words(text)
    terms = {_fold(w) for w in raw if w not in _FILLER}
    for first, second in pairwise(raw):
        terms.add(_fold(first + second))
        phrase = f"{first} {second}"
        if phrase in _FOLD:
            terms.add(_FOLD[phrase])
    return terms


def _name_terms(name: str) -> set[str]:
    return {_fold(w) for w in words(name) if w not in _FILLER}


def match_services(text: str, services: Sequence[ServiceName]) -> ServiceMatch:
    terms = folded_terms(text)
    scored: list[tuple[int, ServiceName]] = []
    for service in services:
        name_terms = _name_terms(service.name)
        if not name_terms:
            continue
        hits = len(name_terms & terms)
        if hits == 0:
            continue
        # A name said in full beats any partial match ("Colour" vs "Colour and cut" for "colour").
        exact = 1 if name_terms <= terms else 0
        scored.append((hits * 2 + exact, service))
    if not scored:
        return NO_MATCH
    best = max(score for score, _ in scored)
    top = tuple(service for score, service in scored if score == best)
    return ServiceMatch(top[0], top) if len(top) == 1 else ServiceMatch(None, top)


def narrow(text: str, candidates: Sequence[ServiceName]) -> ServiceMatch:
    """A follow-up answer ("men's", "the first one") to "which of these did you mean?"."""
    found = match_services(text, candidates)
    if found.chosen is not None or found.ambiguous:
        return found
    lowered = words(text)
    ordinals = {"first": 0, "1": 0, "second": 1, "2": 1, "third": 2, "3": 2, "last": len(candidates) - 1}
    for word in lowered:
        if word in ordinals and 0 <= ordinals[word] < len(candidates):
            chosen = candidates[ordinals[word]]
            return ServiceMatch(chosen, (chosen,))
    return NO_MATCH
