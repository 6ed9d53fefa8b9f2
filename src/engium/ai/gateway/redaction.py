"""Replaces personal data with placeholders before a prompt leaves (ENGIUM_AI_REDACT_PERSONAL_DATA).

Regular expressions with checksums rather than presidio: presidio's recognisers need a spaCy language
model downloaded from a model hub, which self-hosted and offline deployments cannot rely on (ADR 0011).
What is covered, in this order so that a longer shape is never half-taken by a shorter one:

- payment card numbers: 13-19 digits, spaces or dashes allowed, passing the Luhn check;
- IBANs: country code, check digits and 11-30 letters/digits, passing the ISO 7064 mod-97 check;
- e-mail addresses;
- phone numbers: "+" and 8-15 digits, or 9-15 digits, with spaces, dots, dashes or parentheses between;
  dates (2024-05-01, 01.05.2024) and times are left alone, since bookings need them.

Only user and assistant messages are redacted. System messages hold the tenant's own instructions and
business details (the guard keeps customer text out of them, P3), which the model needs verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from engium.ai.gateway.messages import ChatMessage

EMAIL_PLACEHOLDER = "[email]"
PHONE_PLACEHOLDER = "[phone]"
CARD_PLACEHOLDER = "[card number]"
IBAN_PLACEHOLDER = "[iban]"

_CARD = re.compile(r"(?<![\w+])(?:\d[ -]?){12,18}\d(?!\w)")
_IBAN = re.compile(r"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])")
_PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d ().-]{5,}\d(?![\w])")
_DATE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}")


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_valid(candidate: str) -> bool:
    compact = candidate.replace(" ", "")
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


def _is_card(match: str) -> bool:
    digits = re.sub(r"\D", "", match)
    return 13 <= len(digits) <= 19 and luhn_valid(digits)


def _is_phone(match: str) -> bool:
    if _DATE.search(match):
        return False
    digits = sum(ch.isdigit() for ch in match)
    # Without a "+", 8 digits are too often an order number or a date written without separators.
    return (8 if match.startswith("+") else 9) <= digits <= 15


def _replace(pattern: re.Pattern[str], accept: Callable[[str], bool], placeholder: str, text: str) -> tuple[str, int]:
    count = 0

    def substitute(m: re.Match[str]) -> str:
        nonlocal count
        if not accept(m.group(0)):
            return m.group(0)
        count += 1
        return placeholder

    return pattern.sub(substitute, text), count


def redact_text(text: str) -> tuple[str, int]:
    """The text with personal data replaced, and how many spans were replaced."""
    total = 0
    for pattern, accept, placeholder in (
        (_CARD, _is_card, CARD_PLACEHOLDER),
        (_IBAN, iban_valid, IBAN_PLACEHOLDER),
        (_EMAIL, lambda _: True, EMAIL_PLACEHOLDER),
        (_PHONE, _is_phone, PHONE_PLACEHOLDER),
    ):
        text, count = _replace(pattern, accept, placeholder, text)
        total += count
    return text, total


def redact_messages(messages: Sequence[ChatMessage]) -> tuple[tuple[ChatMessage, ...], int]:
    out: list[ChatMessage] = []
    total = 0
    for message in messages:
        if message.role == "system":
            out.append(message)
            continue
        content, count = redact_text(message.content)
        out.append(ChatMessage(message.role, content) if count else message)
        total += count
    return tuple(out), total
