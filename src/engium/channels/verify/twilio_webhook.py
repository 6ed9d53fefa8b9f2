"""Twilio's ``X-Twilio-Signature``: HMAC-SHA1, base64, over the public URL followed by the POST parameters.

The signed string is the URL Twilio called, then every parameter sorted by name (code-point order, which
is UTF-8 byte order, i.e. Twilio's "Unix-style case-sensitive" sort), each as name immediately followed
by value, with no separators. The scheme signs no timestamp: the caller's replay defence is its
idempotency table keyed on ``MessageSid``, which this verifier returns as ``event_id``.

The URL is never reconstructed from the request. Behind a proxy, ``Host`` and ``X-Forwarded-*`` are
whatever the client sent, so the caller passes the URL built from the tenant's configured public base
URL. Like the official validator, the URL is accepted both with and without its port (the default
port is added when there is none), because Twilio is not consistent about including it.

Only form bodies are verified; Twilio's JSON bodies (signed through a ``bodySHA256`` query parameter)
are refused by the content-type check.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass

from engium.channels.verify.urlencoded_form import DEFAULT_MAX_PARAMS, parse_urlencoded_form
from engium.channels.verify.webhook_common import (
    DEFAULT_MAX_BODY_BYTES,
    HeaderSource,
    RejectReason,
    Secret,
    VerifiedWebhook,
    WebhookRejected,
    WebhookScheme,
    read_headers,
    reject_oversize_body,
    required,
    usable_secrets,
)

SIGNATURE_HEADER = "x-twilio-signature"
CONTENT_TYPE_HEADER = "content-type"
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
IDEMPOTENCY_PARAM = "MessageSid"

# base64 of a 20-byte SHA-1 MAC.
_SIGNATURE_SHAPE = re.compile(r"[A-Za-z0-9+/]{27}=")
# scheme://host[:port][/path][?query]; no userinfo, no fragment, printable ASCII only.
_PUBLIC_URL = re.compile(
    r"(?P<scheme>https?)://(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$'()*+,;=%-]+)"
    r"(?::(?P<port>[0-9]{1,5}))?(?P<rest>[/?][\x21-\x22\x24-\x7e]*)?",
    re.IGNORECASE,
)
_DEFAULT_PORTS = {"http": "80", "https": "443"}


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifiedTwilioWebhook(VerifiedWebhook):
    """``form_params`` are the exact parameters that were signed, in body order. Use them rather than
    parsing the body a second time with another parser that might read it differently."""

    form_params: tuple[tuple[str, str], ...] = ()


def twilio_url_variants(public_url: str) -> tuple[str, str]:
    """The URL without its port and with its port (the scheme's default when none was given).

    Mirrors ``twilio.request_validator``'s ``remove_port``/``add_port``, including that an explicit
    non-default port is also tried without it. A malformed URL is a configuration error; it is refused
    the same way as a bad request so that no code path accepts.
    """
    match = _PUBLIC_URL.fullmatch(public_url)
    if match is None:
        raise WebhookRejected(RejectReason.MISCONFIGURED)
    # The URL is signed exactly as configured (the official validator would also lower-case the scheme;
    # Engium builds these URLs itself, in lower case, so nothing is lost by being exact).
    scheme, host, port = match.group("scheme"), match.group("host"), match.group("port")
    rest = match.group("rest") or ""
    without_port = f"{scheme}://{host}{rest}"
    with_port = f"{scheme}://{host}:{port or _DEFAULT_PORTS[scheme.lower()]}{rest}"
    return without_port, with_port


def _require_form_content_type(found: dict[str, str]) -> None:
    media_type = required(found, CONTENT_TYPE_HEADER).split(";", 1)[0].strip().lower()
    if media_type != FORM_MEDIA_TYPE:
        raise WebhookRejected(RejectReason.MALFORMED_HEADER)


def twilio_signed_params(params: Sequence[tuple[str, str]]) -> bytes:
    """The parameter part of the signed string: names sorted, each name then its value."""
    return "".join(name + value for name, value in sorted(params)).encode("utf-8")


def verify_twilio(
    body: bytes,
    headers: HeaderSource,
    secrets: Sequence[Secret],
    *,
    public_url: str,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    max_params: int = DEFAULT_MAX_PARAMS,
) -> VerifiedTwilioWebhook:
    """Verify a Twilio form webhook; ``secrets`` are auth tokens, current first.

    ``public_url`` is the full URL Twilio was configured to call (scheme, host, port, path, query),
    built from the tenant's configured public base URL, never from forwarded headers.
    """
    reject_oversize_body(body, max_body_bytes)
    keys = usable_secrets(secrets)
    url_variants = twilio_url_variants(public_url)
    found = read_headers(headers, (SIGNATURE_HEADER, CONTENT_TYPE_HEADER))
    signature = required(found, SIGNATURE_HEADER)
    if not _SIGNATURE_SHAPE.fullmatch(signature):
        raise WebhookRejected(RejectReason.MALFORMED_HEADER)
    _require_form_content_type(found)
    # Parsed only to build the signed string; nothing reads the parameters before the MAC matches.
    params = parse_urlencoded_form(body, max_params=max_params)
    signed_params = twilio_signed_params(params)
    presented = signature.encode("ascii")
    for position, key in keys:
        for url in url_variants:
            mac = hmac.new(key, url.encode("utf-8"), hashlib.sha1)
            mac.update(signed_params)
            # Compared as canonical base64 text: decoding first would let a different header string
            # (other padding bits) pass for the same MAC.
            if hmac.compare_digest(base64.b64encode(mac.digest()), presented):
                return VerifiedTwilioWebhook(
                    scheme=WebhookScheme.TWILIO,
                    matched_secret_index=position,
                    event_id=dict(params).get(IDEMPOTENCY_PARAM) or None,
                    form_params=params,
                )
    raise WebhookRejected(RejectReason.SIGNATURE_MISMATCH)
