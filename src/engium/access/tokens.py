"""Bearer secrets at rest: API keys, session and CSRF tokens and invitation tokens are stored as SHA-256."""

from __future__ import annotations

import hashlib
import hmac


def digest(secret: str) -> bytes:
    """API keys and session tokens carry 256 bits of entropy, so a fast hash is enough at rest."""
    return hashlib.sha256(secret.encode()).digest()


def digests_match(secret: str, stored: bytes) -> bool:
    return hmac.compare_digest(digest(secret), stored)
