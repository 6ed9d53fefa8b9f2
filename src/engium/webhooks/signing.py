"""Standard Webhooks signatures (standardwebhooks.com) for outbound deliveries.

Signed content: ``{webhook-id}.{webhook-timestamp}.{body}``. ``webhook-signature`` carries
space-separated ``v1,<base64 HMAC-SHA256>`` entries (one per valid ``whsec_`` secret: during a
rotation's grace period both the new and the previous secret sign, so receivers switch over at their
own pace) and one ``v1a,<base64 Ed25519>`` entry, checked with the tenant's ``whpk_`` public key by
receivers that prefer not to hold a shared secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from engium.crypto.secret import SecretBytes

SECRET_PREFIX = "whsec_"
PUBLIC_KEY_PREFIX = "whpk_"


def new_secret() -> SecretBytes:
    """``whsec_`` + base64 of 32 random bytes: the format the official libraries accept."""
    return SecretBytes.from_text(SECRET_PREFIX + base64.b64encode(os.urandom(32)).decode("ascii"))


def new_signing_key() -> tuple[SecretBytes, str]:
    """A fresh Ed25519 key pair: (private key as base64 of its 32 raw bytes, ``whpk_`` public key)."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return (
        SecretBytes(base64.b64encode(private)),
        PUBLIC_KEY_PREFIX + base64.b64encode(public).decode("ascii"),
    )


def _hmac_key(secret: SecretBytes) -> bytes:
    text = secret.reveal_text()
    return base64.b64decode(text.removeprefix(SECRET_PREFIX), validate=True)


def signed_content(message_id: str, timestamp: int, body: bytes) -> bytes:
    return f"{message_id}.{timestamp}.".encode() + body


def signature_header(
    message_id: str, timestamp: int, body: bytes, secrets: Sequence[SecretBytes], signing_key: SecretBytes | None
) -> str:
    content = signed_content(message_id, timestamp, body)
    entries = [
        "v1," + base64.b64encode(hmac.new(_hmac_key(s), content, hashlib.sha256).digest()).decode("ascii")
        for s in secrets
    ]
    if signing_key is not None:
        key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(signing_key.reveal(), validate=True))
        entries.append("v1a," + base64.b64encode(key.sign(content)).decode("ascii"))
    return " ".join(entries)


def headers(
    message_id: str, timestamp: int, body: bytes, secrets: Sequence[SecretBytes], signing_key: SecretBytes | None
) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(message_id, timestamp, body, secrets, signing_key),
        "content-type": "application/json",
    }
