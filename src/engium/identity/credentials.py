"""Password hashing (argon2id) and high-entropy bearer secrets (API keys, session tokens)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from engium.access.tokens import digest

API_KEY_PREFIX = "egk_"
SESSION_TOKEN_BYTES = 32


class PasswordHashing:
    """argon2id with the library's RFC 9106 low-memory defaults."""

    def __init__(self) -> None:
        self._hasher = PasswordHasher()
        # Verifying against this keeps unknown-email logins as slow as real ones.
        self._dummy = self._hasher.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash or self._dummy, password) and password_hash is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


@dataclass(frozen=True)
class IssuedApiKey:
    plaintext: str
    prefix: str
    hashed: bytes


def issue_api_key() -> IssuedApiKey:
    plaintext = API_KEY_PREFIX + secrets.token_urlsafe(32)
    return IssuedApiKey(plaintext=plaintext, prefix=plaintext[:12], hashed=digest(plaintext))


def issue_session_token() -> str:
    return secrets.token_urlsafe(SESSION_TOKEN_BYTES)
