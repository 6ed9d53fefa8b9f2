"""What every webhook verifier shares: the one rejection type, the result, header and secret handling.

Rules that hold for every scheme (see ``docs`` in ``verification``):

* the body size is checked before anything else, so an oversize body costs no hashing or parsing;
* every header the scheme reads must appear exactly once, be printable ASCII and be short;
* every failure is a ``WebhookRejected`` whose message is always the same, raised ``from None`` so no
  parsing traceback is attached; the ``reason`` is for server logs and metrics only, never for a response;
* an empty secret can never match (HMAC with an empty key is computable by anyone), and with no usable
  secret the request is rejected, never accepted.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeAlias

DEFAULT_MAX_BODY_BYTES = 256 * 1024
DEFAULT_TIMESTAMP_TOLERANCE_S = 300
# Long enough for a Standard Webhooks header carrying many rotated signatures, short enough that an
# absurd header is refused before any work.
MAX_HEADER_VALUE_CHARS = 4096
# Unix seconds have 10 digits until the year 2286; 12 leaves room without admitting huge integers.
MAX_TIMESTAMP_DIGITS = 12

_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]*")
_DIGITS = re.compile(r"[0-9]+")
# Whitespace around a header value is not part of it (RFC 9110 section 5.5).
_OPTIONAL_WHITESPACE = " \t"

HeaderSource: TypeAlias = Mapping[str, str] | Iterable[tuple[str | bytes, str | bytes]]
"""Request headers: a mapping (Starlette ``Headers`` and multidicts yield repeated headers from
``items()``, so duplicates are seen) or the raw ASGI list of ``(name, value)`` pairs."""

Secret: TypeAlias = str | bytes


class RejectReason(StrEnum):
    """Why a webhook was refused. For logs and metrics; responses only ever say "invalid signature"."""

    BODY_TOO_LARGE = "body_too_large"
    NO_SECRET = "no_secret"
    MISCONFIGURED = "misconfigured"
    MISSING_HEADER = "missing_header"
    DUPLICATE_HEADER = "duplicate_header"
    MALFORMED_HEADER = "malformed_header"
    MALFORMED_BODY = "malformed_body"
    TIMESTAMP_OUT_OF_WINDOW = "timestamp_out_of_window"
    SIGNATURE_MISMATCH = "signature_mismatch"
    MALFORMED_PAYLOAD = "malformed_payload"
    HANDSHAKE_MISMATCH = "handshake_mismatch"


class WebhookRejected(Exception):
    """The only exception a verifier raises. Map it to 401 with a generic body."""

    MESSAGE = "invalid signature"

    def __init__(self, reason: RejectReason) -> None:
        super().__init__(self.MESSAGE)
        self.reason = reason

    def __repr__(self) -> str:
        return f"WebhookRejected(reason={self.reason.value!r})"


class WebhookScheme(StrEnum):
    TWILIO = "twilio"
    META = "meta"
    GITHUB = "github"
    SLACK = "slack"
    STANDARD_WEBHOOKS_V1 = "standard_webhooks_v1"
    STANDARD_WEBHOOKS_V1A = "standard_webhooks_v1a"
    MAILGUN = "mailgun"


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifiedWebhook:
    """A request whose signature checked out.

    ``event_id`` is the idempotency key the caller stores in its replay table (``None`` where the scheme
    has none); ``matched_secret_index`` says which configured secret matched, so an operator can see when
    the previous secret of a rotation is no longer in use; ``signed_at`` is the verified timestamp of
    schemes that sign one.
    """

    scheme: WebhookScheme
    matched_secret_index: int
    event_id: str | None = None
    signed_at: int | None = None


def reject_oversize_body(body: bytes, max_body_bytes: int) -> None:
    if len(body) > max_body_bytes:
        raise WebhookRejected(RejectReason.BODY_TOO_LARGE)


def _as_header_text(raw: object) -> str:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bytes | bytearray):
        # Servers hand header bytes over as latin-1 (ASGI, Starlette); the ASCII check follows.
        return bytes(raw).decode("latin-1")
    raise WebhookRejected(RejectReason.MALFORMED_HEADER)


def read_headers(headers: HeaderSource, names: Iterable[str]) -> dict[str, str]:
    """The values of the lower-case ``names`` that are present, each checked to occur once and be clean.

    Missing names are simply absent from the result; the caller knows which ones are required.
    """
    wanted = frozenset(names)
    found: dict[str, str] = {}
    try:
        pairs: Iterable[tuple[object, object]] = headers.items() if isinstance(headers, Mapping) else headers
        for raw_name, raw_value in pairs:
            name = _as_header_text(raw_name)
            # Only ASCII names are folded: str.lower() maps e.g. KELVIN SIGN to "k", which would let a
            # non-ASCII name stand in for a real one.
            if not name.isascii():
                continue
            name = name.lower()
            if name not in wanted:
                continue
            if name in found:
                raise WebhookRejected(RejectReason.DUPLICATE_HEADER)
            value = _as_header_text(raw_value).strip(_OPTIONAL_WHITESPACE)
            if len(value) > MAX_HEADER_VALUE_CHARS or not _PRINTABLE_ASCII.fullmatch(value):
                raise WebhookRejected(RejectReason.MALFORMED_HEADER)
            found[name] = value
    except WebhookRejected:
        raise
    except (TypeError, ValueError):
        # Anything that is not a mapping or a list of pairs is a malformed request, not a crash.
        raise WebhookRejected(RejectReason.MALFORMED_HEADER) from None
    return found


def required(found: Mapping[str, str], name: str) -> str:
    value = found.get(name)
    if not value:
        raise WebhookRejected(RejectReason.MISSING_HEADER)
    return value


def usable_secrets(secrets: Sequence[Secret]) -> list[tuple[int, bytes]]:
    """``(position, key bytes)`` of every non-empty secret; rejects when none is usable.

    A bare ``str``/``bytes`` passed where a sequence belongs would otherwise be read as one-character
    secrets, so it is refused as a misconfiguration.
    """
    if isinstance(secrets, str | bytes):
        raise WebhookRejected(RejectReason.MISCONFIGURED)
    keys: list[tuple[int, bytes]] = []
    for position, secret in enumerate(secrets):
        if not isinstance(secret, str | bytes):
            # bytes(32) is 32 zero bytes: a number must never silently become a key.
            raise WebhookRejected(RejectReason.MISCONFIGURED)
        if secret:
            keys.append((position, secret.encode("utf-8") if isinstance(secret, str) else secret))
    if not keys:
        raise WebhookRejected(RejectReason.NO_SECRET)
    return keys


def parse_timestamp(value: str) -> int:
    """Unix seconds as plain ASCII digits: no sign, fraction, exponent, or absurd length."""
    if len(value) > MAX_TIMESTAMP_DIGITS or not _DIGITS.fullmatch(value):
        raise WebhookRejected(RejectReason.MALFORMED_HEADER)
    return int(value)


def require_within_window(timestamp: int, now: float | None, tolerance_s: int) -> None:
    """Both directions: an old timestamp is a replay, a future one a replay prepared in advance."""
    current = time.time() if now is None else now
    # Written so that a NaN clock fails closed (every comparison with NaN is false).
    if not abs(current - timestamp) <= tolerance_s:
        raise WebhookRejected(RejectReason.TIMESTAMP_OUT_OF_WINDOW)
