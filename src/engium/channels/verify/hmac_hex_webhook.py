"""HMAC-SHA256 signatures sent as lower-case hex: GitHub-style ``X-Hub-Signature-256`` and Slack ``v0``.

GitHub (and Meta, see ``meta_webhook``) sign the raw body; Slack signs ``v0:{timestamp}:{body}`` and
its timestamp must be within the window in both directions. GitHub signs no timestamp and its delivery
id header is not covered by the signature, so this verifier returns no idempotency key for it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence

from engium.channels.verify.webhook_common import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_TIMESTAMP_TOLERANCE_S,
    HeaderSource,
    RejectReason,
    Secret,
    VerifiedWebhook,
    WebhookRejected,
    WebhookScheme,
    parse_timestamp,
    read_headers,
    reject_oversize_body,
    require_within_window,
    required,
    usable_secrets,
)

HUB_SIGNATURE_HEADER = "x-hub-signature-256"
HUB_SIGNATURE_PREFIX = "sha256="
SLACK_SIGNATURE_HEADER = "x-slack-signature"
SLACK_TIMESTAMP_HEADER = "x-slack-request-timestamp"
SLACK_VERSION = "v0"

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def match_hmac_sha256_hex(
    signed_prefix: bytes, body: bytes, signature: str, prefix: str, keys: Sequence[tuple[int, bytes]]
) -> int:
    """The position of the key whose HMAC-SHA256 of ``signed_prefix + body`` equals ``signature``.

    ``signature`` must be ``prefix`` followed by exactly 64 lower-case hex digits; the comparison is of
    the whole header text in constant time, so upper-case hex (same MAC, different bytes) is refused too.
    """
    if not signature.startswith(prefix) or not _SHA256_HEX.fullmatch(signature, len(prefix)):
        raise WebhookRejected(RejectReason.MALFORMED_HEADER)
    presented = signature.encode("ascii")
    for position, key in keys:
        mac = hmac.new(key, signed_prefix, hashlib.sha256)
        mac.update(body)
        if hmac.compare_digest((prefix + mac.hexdigest()).encode("ascii"), presented):
            return position
    raise WebhookRejected(RejectReason.SIGNATURE_MISMATCH)


def verify_hmac_sha256_hex(
    body: bytes,
    headers: HeaderSource,
    secrets: Sequence[Secret],
    *,
    signature_header: str = HUB_SIGNATURE_HEADER,
    prefix: str = HUB_SIGNATURE_PREFIX,
    scheme: WebhookScheme = WebhookScheme.GITHUB,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> VerifiedWebhook:
    """A ``{prefix}{hex HMAC-SHA256 of the raw body}`` header, GitHub's format by default."""
    reject_oversize_body(body, max_body_bytes)
    keys = usable_secrets(secrets)
    header_name = signature_header.lower()
    signature = required(read_headers(headers, (header_name,)), header_name)
    position = match_hmac_sha256_hex(b"", body, signature, prefix, keys)
    return VerifiedWebhook(scheme=scheme, matched_secret_index=position)


def verify_github(
    body: bytes, headers: HeaderSource, secrets: Sequence[Secret], *, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
) -> VerifiedWebhook:
    return verify_hmac_sha256_hex(body, headers, secrets, max_body_bytes=max_body_bytes)


def verify_slack(
    body: bytes,
    headers: HeaderSource,
    secrets: Sequence[Secret],
    *,
    now: float | None = None,
    tolerance_s: int = DEFAULT_TIMESTAMP_TOLERANCE_S,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> VerifiedWebhook:
    """Slack's ``X-Slack-Signature: v0=<hex>`` over ``v0:{X-Slack-Request-Timestamp}:{body}``."""
    reject_oversize_body(body, max_body_bytes)
    keys = usable_secrets(secrets)
    found = read_headers(headers, (SLACK_SIGNATURE_HEADER, SLACK_TIMESTAMP_HEADER))
    signature = required(found, SLACK_SIGNATURE_HEADER)
    timestamp_text = required(found, SLACK_TIMESTAMP_HEADER)
    timestamp = parse_timestamp(timestamp_text)
    # The window is checked before hashing: a stale request costs nothing.
    require_within_window(timestamp, now, tolerance_s)
    signed_prefix = f"{SLACK_VERSION}:{timestamp_text}:".encode("ascii")
    position = match_hmac_sha256_hex(signed_prefix, body, signature, f"{SLACK_VERSION}=", keys)
    return VerifiedWebhook(scheme=WebhookScheme.SLACK, matched_secret_index=position, signed_at=timestamp)
