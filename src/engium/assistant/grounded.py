"""The default "grounded" responder: answers knowledge questions by quoting the business's own words.

No generative model: the reply is the FAQ answer the business wrote, or the sentences of its retrieved
documents that best match the question, quoted with the document's title. Every sentence said is a
sentence of a source whose id is in the reply's ``sources``, so an answer can always be traced back;
when nothing matches well enough the responder says so (and the engine hands over) rather than guess.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from engium.assistant.phrase_translation import FOREIGN_STOP_WORDS
from engium.assistant.phrasebook import say
from engium.assistant.service_match import words
from engium.assistant.turn import Reply

_STOP_WORDS = (
    "a about after all also am an and any anything are as at be been before being but by can could did do "
    "does doing for from get got had has have hello hey hi how i if im in into is it its ive just know let "
    "like me might more most much my need no not of off on once one or our please should so some tell than "
    "thank thanks that the their them then there these they this those to too up us very want was we were "
    "what whats when where which while who why will with would yes you your youre"
)
# A Spanish question is rewritten into English keywords (phrase_translation.py); its leftover function
# words say nothing either.
_STOP = frozenset(_STOP_WORDS.split(" ")) | FOREIGN_STOP_WORDS
_STOP = frozenset(_STOP_WORDS.split(" "))
# Words customers and businesses use for the same thing: a question says "kids" and "cheaper" where the
# policy says "children" and "20% off". Each group folds into one concept word on both sides, so the
# overlap that decides whether a sentence answers counts the idea, not the spelling. Groups are kept
# narrow (a word with two common meanings, such as "offer", stays out).
_CONCEPT_GROUPS = {
    "child": "child children childrens kid kiddie kiddy junior toddler infant baby babie",
    "discount": "discount discounted cheaper cheap reduced reduction concession",
    "pet": "pet dog cat animal puppy",
    "voucher": "voucher giftcard",
    "pay": "pay payment paying card contactless cash",
}
_CONCEPTS = {word: concept for concept, group in _CONCEPT_GROUPS.items() for word in group.split()}
# "20% off", "£5 off", "half price": a discount, whatever the number.
_DISCOUNT_PHRASE = re.compile(r"(?:[£$€]?\d+(?:\.\d+)?\s*(?:%|percent|per\s+cent)?\s*off|half[\s-]+price)\b")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
MAX_QUOTE_CHARS = 480
# The share of the question's content words a sentence or FAQ must contain to count as an answer.
MIN_OVERLAP = 0.5


class Passage(Protocol):
    """What the responder needs of a retrieved chunk (engium.knowledge.retrieval.Citation fits)."""

    @property
    def document_id(self) -> UUID: ...
    @property
    def document_title(self) -> str: ...
    @property
    def chunk_id(self) -> UUID: ...
    @property
    def content(self) -> str: ...
    @property
    def score(self) -> float: ...


def terms(text: str) -> set[str]:
    """Content words, crudely stemmed so "prices"/"price" and "booking"/"book" meet, and folded into
    their concept ("kids" and "children" meet as "child")."""
    found = set()
    for word in words(_DISCOUNT_PHRASE.sub(" discount ", text.lower())):
        if word in _STOP or len(word) < 2:
            continue
        if len(word) > 6 and word.endswith("ing"):
            word = word[:-3]
        elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        found.add(_CONCEPTS.get(word, word))
    return found


def faq_answer(question: str, faqs: Sequence[tuple[str, str]]) -> Reply | None:
    """The business's own FAQ answer when the question matches one of its FAQ questions."""
    asked = terms(question)
    if not asked:
        return None
    best: tuple[float, int] | None = None
    for index, (faq_question, faq_answer_text) in enumerate(faqs):
        in_question = asked & terms(faq_question)
        in_answer = (asked & terms(faq_answer_text)) - in_question
        score = (len(in_question) + 0.5 * len(in_answer)) / len(asked)
        if in_question and score >= MIN_OVERLAP and (best is None or score > best[0]):
            best = (score, index)
    if best is None:
        return None
    return Reply(faqs[best[1]][1], (f"faq:{best[1]}",))


@dataclass(frozen=True)
class _Candidate:
    overlap: float
    rank: int
    position: int
    sentence: str
    passage: Passage


def sentences(content: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(content) if len(s.strip()) > 2]


def best_sentences(question: str, passages: Sequence[Passage]) -> list[_Candidate]:
    asked = terms(question)
    if not asked:
        return []
    found: list[_Candidate] = []
    for rank, passage in enumerate(passages):
        for position, sentence in enumerate(sentences(passage.content)):
            overlap = len(asked & terms(sentence)) / len(asked)
            if overlap >= MIN_OVERLAP:
                found.append(_Candidate(overlap, rank, position, sentence, passage))
    # Most of the question covered first; among equals, the better-ranked passage, then reading order.
    found.sort(key=lambda c: (-c.overlap, c.rank, c.position))
    return found


def extractive_answer(question: str, passages: Sequence[Passage], language: str = "en") -> Reply | None:
    """Up to two sentences of the best-matching document, in their original order, quoted with its title
    (the quote as the business wrote it, the frame in the customer's language)."""
    ranked = best_sentences(question, passages)
    if not ranked:
        return None
    top = ranked[0]
    chosen = [top]
    for other in ranked[1:]:
        same_chunk = other.passage.chunk_id == top.passage.chunk_id
        fits = sum(len(c.sentence) for c in chosen) + len(other.sentence) <= MAX_QUOTE_CHARS
        if same_chunk and fits and other.position != top.position:
            chosen.append(other)
            break
    chosen.sort(key=lambda c: c.position)
    quote = " ".join(c.sentence for c in chosen)
    if len(quote) > MAX_QUOTE_CHARS:
        quote = quote[: MAX_QUOTE_CHARS - 1].rsplit(" ", 1)[0] + "..."
    title = top.passage.document_title
    return Reply(
        say(language, "from_document", title=title, quote=quote),
        (f"chunk:{top.passage.chunk_id}", f"document:{top.passage.document_id}"),
    )


def not_sure_reply(language: str = "en") -> Reply:
    return Reply(say(language, "not_sure"), ())
