"""What a customer's message asks for, decided by code (no model): pure and deterministic.

The intent comes from the customer's own message only, never from retrieved documents or a model's
output, so text planted in a knowledge document or produced by a model cannot trigger a booking, a
cancellation or any other tool. Rules run in a fixed priority order; the first that fits wins:

human request > cancel > reschedule > the customer's own data > yes/no (short replies only) > booking >
availability > opening hours > prices/services > contact details > greeting/thanks > a knowledge question.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from engium.assistant import phrase_translation
from engium.assistant.service_match import NO_MATCH, ServiceMatch, ServiceName, match_services
from engium.assistant.when import When, parse_when


class IntentKind(StrEnum):
    HUMAN = "human"
    CANCEL = "cancel"
    RESCHEDULE = "reschedule"
    # "What's my booking?", "what email do you have for me?": personal data, for a verified customer only.
    MY_DETAILS = "my_details"
    YES = "yes"
    NO = "no"
    BOOK = "book"
    AVAILABILITY = "availability"
    HOURS = "hours"
    PRICES = "prices"
    CONTACT = "contact"
    GREETING = "greeting"
    THANKS = "thanks"
    KNOWLEDGE = "knowledge"


class ContactTopic(StrEnum):
    ADDRESS = "address"
    PHONE = "phone"
    EMAIL = "email"
    WEBSITE = "website"


@dataclass(frozen=True)
class Intent:
    kind: IntentKind
    when: When = field(default_factory=When)
    service: ServiceMatch = NO_MATCH
    topics: frozenset[ContactTopic] = frozenset()
    text: str = ""  # the normalised message (what retrieval searches for), in English keywords
    # The normalised message as the customer wrote it, when its language's keywords were rewritten into
    # English (phrase_translation.py); a knowledge base in that language is searched with it too.
    as_written: str = ""

    @property
    def names_a_slot(self) -> bool:
        return self.when.day is not None or self.when.at is not None


def _pattern(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


_HUMAN = _pattern(
    r"(?:talk|speak|chat)\s+(?:to|with)\s+(?:a|an|the|some|your)?\s*(?:real\s+)?"
    r"(?:person|human|someone|somebody|people|staff|agent|manager|receptionist|stylist|owner)",
    r"(?:real|actual|live)\s+(?:person|human|agent)", r"human\s+(?:being|please|agent)", r"agent\s+please",
    r"(?:a|an)\s+(?:human|agent|operator|representative)", r"representative", r"operator",
    r"not\s+a\s+(?:bot|robot|machine)", r"are\s+you\s+(?:a\s+)?(?:bot|robot|real)", r"call\s+me\s+back",
    r"human", r"person\s+please", r"someone\s+(?:from\s+the\s+team|to\s+call)",
)
_CANCEL = _pattern(
    r"cancel\s+(?:my|the|this|that|it|our|an?|me|tomorrow|today|appointment|booking|reservation)",
    r"(?:want|need|like|have|going)\s+to\s+cancel", r"please\s+cancel", r"can\s+you\s+cancel",
    r"^cancel(?:\s+please)?$", r"cancel\s+(?:on|for)\b",
)
_RESCHEDULE = _pattern(
    r"re-?schedule", r"re-?book", r"move\s+(?:my|the|it|our|an?)",
    r"change\s+(?:my|the|our)\s+(?:appointment|booking|time|slot)",
    r"(?:different|another|other)\s+(?:time|day|date|slot)\s+(?:for\s+my|instead)", r"push\s+(?:my|it|the)\s+",
    r"bring\s+(?:my|it|the)\s+\w+\s+forward",
)
_MY_DETAILS = _pattern(
    r"(?:what|when|which|where)(?:'s|\s+is|\s+are|\s+was)?\s+my\s+(?:next\s+|upcoming\s+)?"
    r"(?:booking|appointment|reservation)s?",
    r"do\s+i\s+have\s+(?:a|an|any)\s+(?:upcoming\s+)?(?:booking|appointment|reservation)s?",
    r"(?:show|list|check|tell\s+me|remind\s+me\s+of)\s+(?:me\s+)?(?:all\s+)?my\s+"
    r"(?:booking|appointment|reservation|detail)s?",
    r"(?:what|which)\s+(?:e-?mail|email\s+address|phone|phone\s+number|number|address|details|information|info|"
    r"data)\s+do\s+you\s+have\s+(?:for|on|about|of)\s+me",
    r"(?:what|which)(?:'s|\s+is)\s+my\s+(?:e-?mail|email\s+address|phone\s+number|number)",
    r"my\s+(?:e-?mail|phone\s+number|number|details|personal\s+data|data)\s+(?:on\s+file|you\s+have)",
)
_YES = re.compile(
    r"^(?:yes|yes please|yeah|yep|yup|y|ya|sure|ok|okay|k|confirm|confirmed|please do|go ahead|do it|"
    r"sounds good|perfect|great|that works|works for me|book it|yes book it|correct|absolutely|definitely|"
    r"please|yes thanks|yes thank you|ok thanks|lovely|fine|alright|all right|of course|yes confirm|yes sure|"
    r"yes perfect|ok perfect|yes ok|ok yes|sure please|yes please confirm|ok sure)$"
)
_NO = re.compile(
    r"^(?:no|nope|nah|n|no thanks|no thank you|not really|don'?t|do not|never mind|nevermind|cancel that|"
    r"stop|wrong|that'?s wrong|no that'?s wrong|not that|no way)$"
)
_BOOK = _pattern(
    r"book(?:ing)?\s+(?:me|a|an|in|for|my|it|the|that|\w+\s+(?:cut|haircut|colour|color))", r"^book\b",
    r"to\s+book", r"can\s+i\s+(?:get|have|come|book|make|grab|schedule)", r"could\s+i\s+(?:get|have|come|book)",
    r"i(?:'d|\s+would)\s+like", r"i\s+want", r"i\s+need", r"make\s+an?\s+(?:appointment|booking)",
    r"(?:get|schedule|reserve|grab)\s+(?:me\s+)?an?\s+", r"appointment\s+(?:for|on|at)", r"put\s+me\s+(?:down|in)",
    r"fit\s+me\s+in", r"squeeze\s+me\s+in", r"reserve",
)
_AVAILABILITY = _pattern(
    r"availab(?:le|ility)", r"slots?", r"openings", r"an\s+opening",
    r"free\s+(?:on|at|slot|time|tomorrow|today|this|next)",
    r"any\s+(?:time|space|room|gaps?)", r"what\s+times?(?!\s+(?:do|does|are)\s+you)",
    r"when\s+can\s+i\s+(?:come|book|get|have|see|pop)",
    r"(?:are|is)\s+\w*\s*free",
    r"spaces?\s+(?:on|for|left)", r"fully\s+booked", r"have\s+(?:any)?\s*(?:space|room|time)",
)
_HOURS = _pattern(
    r"open(?:ing)?(?:\s+hours|\s+times)?", r"close[sd]?", r"closing", r"hours", r"what\s+time\s+do\s+you",
    r"when\s+do\s+you\s+(?:start|finish|shut)", r"shut",
)
_PRICES = _pattern(
    r"how\s+much", r"prices?", r"pricing", r"costs?", r"charge", r"fees?", r"rates?", r"price\s*list",
    r"services", r"what\s+do\s+you\s+(?:offer|do)", r"menu", r"treatments", r"how\s+long\s+(?:does|is|will|do)",
)
# Asking what something costs is not asking to book it, even with "I want to know".
_PRICE_QUESTION = _pattern(r"how\s+much", r"prices?", r"costs?", r"pricing", r"price\s*list")
_CONTACT = {
    ContactTopic.ADDRESS: _pattern(
        r"address", r"where\s+(?:are|is)\s+(?:you|the\s+\w+|it)", r"located", r"location", r"directions",
        r"find\s+you", r"get\s+to\s+you",
    ),
    ContactTopic.PHONE: _pattern(r"phone", r"call\s+you", r"telephone", r"number\s+to\s+call", r"ring\s+you"),
    ContactTopic.EMAIL: _pattern(r"e-?mail"),
    ContactTopic.WEBSITE: _pattern(r"website", r"web\s+site", r"url"),
}
_GREETING = re.compile(
    r"^(?:hi|hello|hey|hiya|howdy|yo|good\s+(?:morning|afternoon|evening)|greetings|hi there|hello there|hey there)"
    r"(?:\s+(?:there|team|all|everyone))?$"
)
_THANKS = re.compile(
    r"^(?:thanks?|thank\s+you|thanks?\s+(?:a\s+lot|so\s+much|very\s+much)|thank\s+you\s+(?:so|very)\s+much|"
    r"cheers|ta|great thanks|perfect thanks|that'?s all|bye|goodbye|see you)$"
)
_PUNCTUATION = re.compile(r"[^\w\s'£$€:/.@-]")
_TRAILING = re.compile(r"[\s.!?,;]+$")


def normalise(text: str) -> str:
    """Lowercase NFKC text with runs of whitespace collapsed and emoji/punctuation noise dropped."""
    folded = unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'")
    return " ".join(_PUNCTUATION.sub(" ", folded).split())


def _short_reply(text: str) -> str:
    return _TRAILING.sub("", text.replace("!", " ").replace(",", " ")).strip()


def detect(text: str, today: date, services: Sequence[ServiceName], language: str = "en") -> Intent:
    """The intent of one customer message, with the date, time and service it mentions. A message in
    another of the assistant's languages is read through its English keywords (phrase_translation.py)."""
    written = normalise(text)
    plain = phrase_translation.to_english(written, language)
    when = parse_when(plain, today)
    service = match_services(plain, services)

    def intent(kind: IntentKind, topics: frozenset[ContactTopic] = frozenset()) -> Intent:
        return Intent(kind, when, service, topics, plain, written if plain != written else "")

    if _HUMAN.search(plain):
        return intent(IntentKind.HUMAN)
    if _CANCEL.search(plain):
        return intent(IntentKind.CANCEL)
    if _RESCHEDULE.search(plain):
        return intent(IntentKind.RESCHEDULE)
    if _MY_DETAILS.search(plain):
        return intent(IntentKind.MY_DETAILS)
    short = " ".join(_short_reply(plain).split())
    if len(short.split()) <= 4:
        if _YES.match(short):
            return intent(IntentKind.YES)
        if _NO.match(short):
            return intent(IntentKind.NO)
    if _PRICE_QUESTION.search(plain) and not intent(IntentKind.BOOK).names_a_slot:
        return intent(IntentKind.PRICES)
    if _BOOK.search(plain) and (service.candidates or when.day or when.at or "appointment" in plain
                                 or "book" in plain):
        return intent(IntentKind.BOOK)
    if _AVAILABILITY.search(plain):
        return intent(IntentKind.AVAILABILITY)
    if _HOURS.search(plain):
        return intent(IntentKind.HOURS)
    if _PRICES.search(plain) or ("£" in plain or "$" in plain):
        return intent(IntentKind.PRICES)
    topics = frozenset(topic for topic, pattern in _CONTACT.items() if pattern.search(plain))
    if topics:
        return intent(IntentKind.CONTACT, topics=topics)
    if service.candidates and (when.day or when.at):
        return intent(IntentKind.BOOK)  # "Saturday at 10 for a blow-dry": a booking without the verb
    if _GREETING.match(short):
        return intent(IntentKind.GREETING)
    if _THANKS.match(short):
        return intent(IntentKind.THANKS)
    return intent(IntentKind.KNOWLEDGE)
