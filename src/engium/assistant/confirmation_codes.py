"""One-time codes that confirm a change to a booking proposed over SMS or WhatsApp.

On those channels the customer is known by the sender number the provider reported, and a caller id can
be spoofed: a stranger could text "cancel my appointment" from the customer's number and then "yes"
without ever reading the question. So a cancellation or a move proposed there carries a six-digit code
drawn with :mod:`secrets`, and the proposal, like every reply, goes to the real number only. The change
happens on a reply that contains the code ("482913", "yes 482913"); a bare "yes" is answered with a
request for the code. Three wrong codes drop the proposal, and it expires like any other
(``ENGIUM_ASSISTANT_PENDING_TTL_MINUTES``). Asking again starts a new proposal with a new code, sent to
the real number again, so a guesser gets three tries in a million per message the customer receives.
A reply with the code that says no keeps the booking; a bare code with nothing pending (the proposal
expired or was dropped) is told so instead of being looked up as a question.

A widget visitor whose user id the tenant's site signed confirms with a plain "yes": the signature, not
a reported number, says who they are.

The pending state keeps a SHA-256 of the code (salted with the conversation id and the proposal's time
stamp) and the count of wrong codes: ids and numbers, never the code or the customer's words.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any
from uuid import UUID

from engium.assistant.turn import TurnContext
from engium.assistant.turn_inputs import SENDER_VERIFIED_CHANNELS

CODE_DIGITS = 6
MAX_WRONG_CODES = 3
DIGEST_FIELD = "code_sha256"
WRONG_FIELD = "wrong_codes"

ASK_FOR_CODE = (
    "To confirm, please reply with the 6-digit code from my last message, or NO to keep your booking as it is."
)
WRONG_CODE = (
    "That code doesn't match. Please reply with the 6-digit code from my last message, or NO to keep your "
    "booking as it is."
)
GIVEN_UP = (
    "That code doesn't match either, so I've left your booking as it is. If you still want to change it, just "
    "ask again and I'll send a new code."
)
NOTHING_PENDING = (
    "That code is no longer valid, so nothing was changed. If you still want to change your booking, just ask "
    "again and I'll send a new code."
)

_CODE = re.compile(rf"(?<!\d)\d{{{CODE_DIGITS}}}(?!\d)")
# A reply that says no is never read as a code, even with six digits in it.
_REFUSAL = re.compile(r"\b(?:no|nope|not|don'?t|keep|stop|never)\b")
# A message that is a code and nothing else ("482913", "yes 482913", "code 482913").
_BARE_CODE = re.compile(rf"(?:(?:yes|ok|okay|confirm|confirmed|the|code|is)\s+)*\d{{{CODE_DIGITS}}}")


def required(ctx: TurnContext) -> bool:
    """Whether a change proposed in this conversation must be confirmed with a code: the customer's
    identity there is a reported sender number, not a signature."""
    return ctx.channel in SENDER_VERIFIED_CHANNELS


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_digest(salt: str, code: str) -> str:
    """The SHA-256 kept instead of a code, salted with what the code is for (a guess made for one proposal
    or challenge proves nothing about another). Also the widget's data-subject codes (privacy/challenges.py)."""
    return hashlib.sha256(f"{salt}|{code}".encode("ascii")).hexdigest()


def digest_matches(stored: str, salt: str, code: str) -> bool:
    """Compared in constant time: the stored digest leaks nothing through timing."""
    return hmac.compare_digest(stored, code_digest(salt, code))


def _digest(conversation_id: UUID, stamp: str, code: str) -> str:
    return code_digest(f"{conversation_id}|{stamp}", code)


def protect(pending: dict[str, Any], conversation_id: UUID, code: str) -> dict[str, Any]:
    """The proposal's pending state, to be confirmed only with ``code`` (which it does not contain)."""
    return {**pending, DIGEST_FIELD: _digest(conversation_id, str(pending["at"]), code), WRONG_FIELD: 0}


def is_protected(pending: dict[str, Any]) -> bool:
    return DIGEST_FIELD in pending


def offered(text: str) -> str | None:
    """The code in the customer's (normalised) reply: exactly one run of six digits, in a reply that
    does not say no."""
    found = _CODE.findall(text)
    if len(found) != 1 or _REFUSAL.search(text):
        return None
    return str(found[0])


def declined(text: str) -> bool:
    """A reply with the code that says no all the same ("no, don't, 482913"): read as a no."""
    return _CODE.search(text) is not None and _REFUSAL.search(text) is not None


def is_bare_code(text: str) -> bool:
    """A (normalised) message that is only a code: with nothing pending, the answer to an expired or
    dropped proposal, not a question to look up."""
    return _BARE_CODE.fullmatch(text) is not None


def matches(pending: dict[str, Any], conversation_id: UUID, code: str) -> bool:
    return digest_matches(str(pending.get(DIGEST_FIELD, "")), f"{conversation_id}|{pending.get('at')}", code)


def after_wrong_code(pending: dict[str, Any]) -> dict[str, Any] | None:
    """The proposal after one more wrong code; None once that makes :data:`MAX_WRONG_CODES`: dropped."""
    wrong = int(pending.get(WRONG_FIELD, 0)) + 1
    return None if wrong >= MAX_WRONG_CODES else {**pending, WRONG_FIELD: wrong}
