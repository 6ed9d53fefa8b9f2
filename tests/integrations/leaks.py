"""Assertions about secrets that never print the secret, even when they fail."""

from __future__ import annotations

import secrets


def new_secret(prefix: str = "sk_test_") -> str:
    return prefix + secrets.token_hex(20)


def assert_absent(secret: str, haystack: str | bytes, where: str) -> None:
    # Computed first: pytest's assertion rewriting would otherwise print both operands on failure.
    leaked = secret.encode() in haystack if isinstance(haystack, bytes) else secret in haystack
    assert not leaked, f"a secret leaked into {where}"
