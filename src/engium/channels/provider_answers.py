"""What the providers tell us about a message, reduced to facts safe to store and show to staff.

A send's answer yields the provider's id for the message (Twilio's ``sid``, the WhatsApp Cloud API's
``messages[0].id``) or, when refused, its numeric error code. A status callback yields an error code and,
from WhatsApp, an error title. Nothing else is kept: error *messages* can quote the recipient's number
or the text, so the reason staff read is built here from the code (a short table of the common ones)
and, for a WhatsApp title, from letters and punctuation only with any long digit run masked.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Literal

Provider = Literal["twilio", "whatsapp"]
# The send answers are small JSON objects; more than this is not an answer worth reading.
MAX_ANSWER_BYTES = 16 * 1024
# Twilio message sids (SM…, MM…) and WhatsApp ids (wamid. + base64): checked before they are stored.
TWILIO_MESSAGE_SID = re.compile(r"^(SM|MM)[0-9a-fA-F]{32}$")
WHATSAPP_MESSAGE_ID = re.compile(r"^wamid\.[A-Za-z0-9+/=_-]{1,240}$")
MAX_REASON_CHARS = 200
_TITLE_NOISE = re.compile(r"[^A-Za-z0-9 .,:;'()/-]")
_LONG_DIGITS = re.compile(r"[0-9]{5,}")

NAMES: dict[Provider, str] = {"twilio": "Twilio", "whatsapp": "WhatsApp"}
# The codes staff meet most often, in words they can act on. Others are shown by number (both
# providers document every code on a public page).
KNOWN_ERRORS: dict[Provider, dict[int, str]] = {
    "twilio": {
        20003: "the Twilio credentials were refused (check the account SID and auth token)",
        21211: "the customer's phone number is not valid",
        21408: "sending to this country is not enabled on the Twilio account",
        21610: "the customer has unsubscribed from this number (STOP)",
        21612: "this number cannot send to the customer's number",
        21614: "the customer's number is not a mobile number",
        30003: "the customer's phone is unreachable (off or out of coverage)",
        30004: "the message was blocked by the customer's carrier or phone",
        30005: "the customer's number is unknown to the carrier",
        30006: "the customer's number is a landline or its carrier is unreachable",
        30007: "the carrier filtered the message as spam",
        30008: "the carrier reported an unknown error",
    },
    "whatsapp": {
        190: "the WhatsApp access token has expired or was revoked",
        131026: "the message could not be delivered to this WhatsApp user",
        131047: "more than 24 hours since the customer's last message: WhatsApp needs a template",
        131051: "WhatsApp does not support this message type",
        131056: "too many messages to this customer in a short time",
        130429: "the WhatsApp sending rate limit was reached",
        131021: "the recipient cannot be the sender's own number",
        131030: "the customer's number is not on the test allow-list",
        131000: "WhatsApp reported an unknown error",
    },
}


@dataclass(frozen=True)
class ProviderAnswer:
    message_id: str | None = None
    error_code: int | None = None


def valid_message_id(provider: Provider, value: object) -> str | None:
    shape = TWILIO_MESSAGE_SID if provider == "twilio" else WHATSAPP_MESSAGE_ID
    return value if isinstance(value, str) and shape.fullmatch(value) else None


def error_code(value: object) -> int | None:
    """A provider error code given as a number or a string of digits; anything else is no code."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and 0 < value < 10**9:
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 9:
        return int(value) or None
    return None


def read_answer(provider: Provider, body: bytes) -> ProviderAnswer:
    """The id of an accepted message, or the error code of a refused one, from a send's JSON answer."""
    try:
        parsed = json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError):
        return ProviderAnswer()
    if not isinstance(parsed, dict):
        return ProviderAnswer()
    if provider == "twilio":
        return ProviderAnswer(valid_message_id(provider, parsed.get("sid")), error_code(parsed.get("code")))
    messages = parsed.get("messages")
    first = messages[0] if isinstance(messages, list) and messages else None
    found = valid_message_id(provider, first.get("id")) if isinstance(first, dict) else None
    error = parsed.get("error")
    return ProviderAnswer(found, error_code(error.get("code")) if isinstance(error, dict) else None)


def clean_title(title: object) -> str | None:
    """A provider's error title reduced to plain words, long digit runs (numbers) masked."""
    if not isinstance(title, str):
        return None
    cleaned = _LONG_DIGITS.sub("…", _TITLE_NOISE.sub("", title)).strip()
    return cleaned[:100] or None


def describe_failure(provider: Provider, code: int | None, title: str | None = None) -> str:
    """The reason staff read on a message the provider reports as not delivered."""
    name = NAMES[provider]
    known = KNOWN_ERRORS[provider].get(code) if code is not None else None
    words = known or title
    if code is None:
        return f"{name} could not deliver it" + (f": {words}" if words else "")
    return f"{name} error {code}: {words}" if words else f"{name} error {code}"


def describe_rejection(provider: Provider, status_code: int, code: int | None) -> str:
    """The reason for a send the provider refused outright (a 4xx or 5xx answer)."""
    name = NAMES[provider]
    if code is None:
        return f"refused by {name} (HTTP {status_code})"
    return f"{describe_failure(provider, code)} (HTTP {status_code})"[:MAX_REASON_CHARS]
