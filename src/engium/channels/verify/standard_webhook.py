"""Standard Webhooks (standardwebhooks.com): ``webhook-id``, ``webhook-timestamp``, ``webhook-signature``.

The signed content is ``{webhook-id}.{webhook-timestamp}.{body}``. ``webhook-signature`` holds
space-separated ``version,base64`` entries: ``v1`` is HMAC-SHA256 keyed with the base64-decoded part of a
``whsec_`` secret, ``v1a`` is Ed25519 checked against a ``whpk_`` public key. Any entry under any
configured key may match (that is how senders rotate); unknown versions are ignored as the spec asks.
The timestamp must lie within ±5 minutes of now, and ``webhook-id`` is the idempotency key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Sequence
from typing import TypeAlias

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

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
)

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
SECRET_PREFIX = "whsec_"
PUBLIC_KEY_PREFIX = "whpk_"
# Rotation needs two or three; the cap bounds the work one request can ask for.
MAX_SIGNATURE_ENTRIES = 16

PublicKey: TypeAlias = str | bytes | Ed25519PublicKey

# Visible ASCII without '.': with a dot in the id, "{id}.{ts}.{body}" could be split differently
# (a signed id "a.<ts>" would verify as id "a" with the body prefixed by "<ts>.").
_WEBHOOK_ID = re.compile(r"[\x21-\x2d\x2f-\x7e]{1,256}")
_VERSION = re.compile(r"v[0-9a-z]{1,8}")
_HMAC_B64_LENGTH = 44  # base64 of 32 bytes
_ED25519_SIGNATURE_BYTES = 64


def _b64decode_strict(text: str) -> bytes | None:
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def _hmac_keys(secrets: Sequence[Secret]) -> list[tuple[int, bytes]]:
    """``(position, key)`` of every usable secret; a secret that does not decode can never match."""
    keys: list[tuple[int, bytes]] = []
    for position, secret in enumerate(secrets):
        if not isinstance(secret, str | bytes):
            raise WebhookRejected(RejectReason.MISCONFIGURED)
        key = _b64decode_strict(secret.removeprefix(SECRET_PREFIX)) if isinstance(secret, str) else secret
        if key:
            keys.append((position, key))
    return keys


def _public_keys(public_keys: Sequence[PublicKey]) -> list[tuple[int, Ed25519PublicKey]]:
    keys: list[tuple[int, Ed25519PublicKey]] = []
    for position, public_key in enumerate(public_keys):
        if isinstance(public_key, Ed25519PublicKey):
            keys.append((position, public_key))
            continue
        if isinstance(public_key, str):
            raw = _b64decode_strict(public_key.removeprefix(PUBLIC_KEY_PREFIX))
        elif isinstance(public_key, bytes):
            raw = public_key
        else:
            raise WebhookRejected(RejectReason.MISCONFIGURED)
        if raw is None or len(raw) != 32:
            continue  # a key that does not decode can never match
        try:
            keys.append((position, Ed25519PublicKey.from_public_bytes(raw)))
        except ValueError:
            continue
    return keys


def _signature_entries(header: str) -> list[tuple[str, str]]:
    entries = header.split(" ")
    if len(entries) > MAX_SIGNATURE_ENTRIES:
        raise WebhookRejected(RejectReason.MALFORMED_HEADER)
    parsed: list[tuple[str, str]] = []
    for entry in entries:
        version, separator, value = entry.partition(",")
        if not separator or not value or not _VERSION.fullmatch(version):
            raise WebhookRejected(RejectReason.MALFORMED_HEADER)
        parsed.append((version, value))
    return parsed


def _match_v1(signed: bytes, presented: list[str], keys: list[tuple[int, bytes]]) -> int | None:
    candidates = [value.encode("ascii") for value in presented if len(value) == _HMAC_B64_LENGTH]
    for position, key in keys:
        # Compared as canonical base64 text, so a header differing only in padding bits does not pass.
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest())
        for candidate in candidates:
            if hmac.compare_digest(expected, candidate):
                return position
    return None


def _match_v1a(signed: bytes, presented: list[str], keys: list[tuple[int, Ed25519PublicKey]]) -> int | None:
    for value in presented:
        signature = _b64decode_strict(value)
        if (
            signature is None
            or len(signature) != _ED25519_SIGNATURE_BYTES
            or base64.b64encode(signature).decode("ascii") != value
        ):
            continue
        for position, key in keys:
            try:
                key.verify(signature, signed)
            except InvalidSignature:
                continue
            return position
    return None


def _verified(scheme: WebhookScheme, position: int, webhook_id: str, timestamp: int) -> VerifiedWebhook:
    return VerifiedWebhook(scheme=scheme, matched_secret_index=position, event_id=webhook_id, signed_at=timestamp)


def verify_standard_webhook(
    body: bytes,
    headers: HeaderSource,
    secrets: Sequence[Secret] = (),
    *,
    public_keys: Sequence[PublicKey] = (),
    now: float | None = None,
    tolerance_s: int = DEFAULT_TIMESTAMP_TOLERANCE_S,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> VerifiedWebhook:
    """Verify a Standard Webhooks delivery against ``whsec_`` secrets (``v1``) and/or ``whpk_`` public
    keys (``v1a``), each list current first. ``event_id`` is ``webhook-id``."""
    reject_oversize_body(body, max_body_bytes)
    if isinstance(secrets, str | bytes) or isinstance(public_keys, str | bytes):
        raise WebhookRejected(RejectReason.MISCONFIGURED)
    hmac_keys = _hmac_keys(secrets)
    ed25519_keys = _public_keys(public_keys)
    if not hmac_keys and not ed25519_keys:
        raise WebhookRejected(RejectReason.NO_SECRET)
    found = read_headers(headers, (ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER))
    webhook_id = required(found, ID_HEADER)
    timestamp_text = required(found, TIMESTAMP_HEADER)
    signature_header = required(found, SIGNATURE_HEADER)
    if not _WEBHOOK_ID.fullmatch(webhook_id):
        raise WebhookRejected(RejectReason.MALFORMED_HEADER)
    timestamp = parse_timestamp(timestamp_text)
    require_within_window(timestamp, now, tolerance_s)
    entries = _signature_entries(signature_header)
    signed = f"{webhook_id}.{timestamp_text}.".encode("ascii") + body
    v1 = [value for version, value in entries if version == "v1"]
    if v1 and hmac_keys and (position := _match_v1(signed, v1, hmac_keys)) is not None:
        return _verified(WebhookScheme.STANDARD_WEBHOOKS_V1, position, webhook_id, timestamp)
    v1a = [value for version, value in entries if version == "v1a"]
    if v1a and ed25519_keys and (position := _match_v1a(signed, v1a, ed25519_keys)) is not None:
        return _verified(WebhookScheme.STANDARD_WEBHOOKS_V1A, position, webhook_id, timestamp)
    raise WebhookRejected(RejectReason.SIGNATURE_MISMATCH)
