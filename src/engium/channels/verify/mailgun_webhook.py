"""Mailgun's signed inbound routes (``forward()`` to our URL): HMAC-SHA256, hex, over ``timestamp + token``.

Mailgun posts the parsed e-mail as a form (``multipart/form-data``, or ``application/x-www-form-urlencoded``)
with three fields that authenticate it: ``timestamp`` (Unix seconds), ``token`` (50 random characters) and
``signature`` = hex HMAC-SHA256 of the timestamp and token concatenated, keyed with the domain's webhook
signing key. The signature does not cover the rest of the form, so three defences stand together (ADR 0046):
the timestamp must be within five minutes either way, each token is used once (the caller claims it in the
replay table) and the request arrives over TLS, so a signed form cannot be captured and refilled.

Rules shared with the other verifiers: size first, every field exactly once, the generic rejection.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from email import policy
from email.message import Message
from email.parser import BytesParser
from typing import cast

from engium.channels.verify.urlencoded_form import parse_urlencoded_form
from engium.channels.verify.webhook_common import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_TIMESTAMP_TOLERANCE_S,
    RejectReason,
    Secret,
    VerifiedWebhook,
    WebhookRejected,
    WebhookScheme,
    parse_timestamp,
    reject_oversize_body,
    require_within_window,
    usable_secrets,
)

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
MAX_FIELDS = 256
_TOKEN = re.compile(r"[A-Za-z0-9_-]{10,256}")
_HEX_SIGNATURE = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifiedMailgunWebhook(VerifiedWebhook):
    """``event_id`` is the token (single use); ``fields`` the form's text fields, as verified."""

    fields: dict[str, str]


def mailgun_signature(key: bytes, timestamp: str, token: str) -> str:
    return hmac.new(key, (timestamp + token).encode("ascii"), hashlib.sha256).hexdigest()


def parse_form(body: bytes, content_type: str, *, max_fields: int = MAX_FIELDS) -> dict[str, str]:
    """The form's text fields (files are skipped); a repeated name or a malformed form is refused."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media == FORM:
        return dict(parse_urlencoded_form(body, max_params=max_fields))
    if media != MULTIPART or any(c in content_type for c in "\r\n\0"):
        raise WebhookRejected(RejectReason.MALFORMED_BODY)
    # The stdlib MIME parser reads multipart/form-data once given its Content-Type line.
    envelope = b"Content-Type: " + content_type.encode("latin-1") + b"\r\nMIME-Version: 1.0\r\n\r\n" + body
    parsed = BytesParser(policy=policy.HTTP).parsebytes(envelope)
    if not parsed.is_multipart() or parsed.defects:
        raise WebhookRejected(RejectReason.MALFORMED_BODY)
    fields: dict[str, str] = {}
    for part in cast(list[Message], parsed.get_payload()):
        if len(fields) >= max_fields or part.is_multipart():
            raise WebhookRejected(RejectReason.MALFORMED_BODY)
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or not name:
            raise WebhookRejected(RejectReason.MALFORMED_BODY)
        if part.get_filename() is not None:
            continue  # an attachment: not read (ADR 0046)
        if name in fields:
            raise WebhookRejected(RejectReason.MALFORMED_BODY)
        raw = part.get_payload(decode=True)
        if not isinstance(raw, bytes):
            raise WebhookRejected(RejectReason.MALFORMED_BODY)
        try:
            fields[name] = raw.decode(part.get_content_charset() or "utf-8")
        except (UnicodeDecodeError, LookupError):
            raise WebhookRejected(RejectReason.MALFORMED_BODY) from None
    return fields


def verify_mailgun(
    body: bytes,
    content_type: str,
    secrets: list[Secret],
    *,
    now: float | None = None,
    tolerance_s: int = DEFAULT_TIMESTAMP_TOLERANCE_S,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> VerifiedMailgunWebhook:
    reject_oversize_body(body, max_body_bytes)
    keys = usable_secrets(secrets)
    fields = parse_form(body, content_type)
    timestamp_text, token, signature = (fields.get(n, "") for n in ("timestamp", "token", "signature"))
    if not timestamp_text or not token or not signature:
        raise WebhookRejected(RejectReason.MISSING_HEADER)
    timestamp = parse_timestamp(timestamp_text)
    if not _TOKEN.fullmatch(token) or not _HEX_SIGNATURE.fullmatch(signature):
        raise WebhookRejected(RejectReason.MALFORMED_HEADER)
    # The window before hashing: a stale request costs nothing.
    require_within_window(timestamp, now, tolerance_s)
    for position, key in keys:
        if hmac.compare_digest(mailgun_signature(key, timestamp_text, token), signature):
            return VerifiedMailgunWebhook(scheme=WebhookScheme.MAILGUN, matched_secret_index=position,
                                          event_id=token, signed_at=timestamp, fields=fields)
    raise WebhookRejected(RejectReason.SIGNATURE_MISMATCH)
