"""Root key providers: the ``RootKeyProvider`` protocol and the keys-held-locally implementations.

A root key never encrypts a secret directly; it only wraps (encrypts) per-tenant data keys. The
protocol is shaped like a KMS ``Encrypt``/``Decrypt`` call with an encryption context, so AWS KMS,
GCP KMS or Vault transit can implement it without changing callers (docs/crypto.md, "Providers").
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from engium.crypto.envelope import KEY_BYTES, NONCE_BYTES, DecryptionError, length_prefixed
from engium.crypto.secret import SecretBytes

WRAP_MAGIC = b"ENGK"


class KeyProviderError(Exception):
    """The provider is misconfigured or cannot do what was asked. Messages name files and
    variables, never key material."""


@dataclass(frozen=True)
class WrappedKey:
    """A data key encrypted under the root key ``root_key_id``; stored in ``tenant_data_keys``."""

    root_key_id: str
    blob: bytes


class RootKeyProvider(Protocol):
    """Where root keys live. ``context`` is bound into the wrapping (KMS "encryption context"), so a
    wrapped key copied to another tenant or version does not unwrap."""

    @property
    def name(self) -> str: ...

    def active_key_id(self) -> str:
        """The root key that wraps new data keys."""
        ...

    def key_ids(self) -> tuple[str, ...]:
        """Every root key that can still unwrap (the active one and those awaiting re-wrap)."""
        ...

    def wrap(self, data_key: SecretBytes, context: bytes) -> WrappedKey: ...

    def unwrap(self, wrapped: WrappedKey, context: bytes) -> SecretBytes:
        """Raises :class:`DecryptionError` when the key is unknown or the blob does not authenticate."""
        ...

    def create_active_key(self) -> str:
        """Makes a new root key active, keeping the old ones readable. Providers whose keys the
        operator manages (environment, cloud KMS) raise :class:`KeyProviderError` explaining how."""
        ...

    def forget(self, key_id: str) -> bool:
        """Drops a root key nothing is wrapped under any more; False when the operator must do it."""
        ...


def new_key_id() -> str:
    return "rk_" + os.urandom(8).hex()


class LocalRootKeys:
    """AES-256-GCM key wrapping with root keys held in this process (key file, environment)."""

    def __init__(self, keys: Mapping[str, SecretBytes], active: str) -> None:
        if active not in keys:
            raise KeyProviderError("the active root key id is not in the keyring")
        for key in keys.values():
            if len(key) != KEY_BYTES:
                raise KeyProviderError("root keys must be 32 bytes")
        self.keys = dict(keys)
        self.active = active

    def __repr__(self) -> str:
        return f"LocalRootKeys(active={self.active!r}, ids={sorted(self.keys)!r})"

    def wrap(self, data_key: SecretBytes, context: bytes) -> WrappedKey:
        nonce = os.urandom(NONCE_BYTES)
        aad = WRAP_MAGIC + length_prefixed(self.active.encode(), context)
        sealed = AESGCM(self.keys[self.active].reveal()).encrypt(nonce, data_key.reveal(), aad)
        return WrappedKey(self.active, WRAP_MAGIC + nonce + sealed)

    def unwrap(self, wrapped: WrappedKey, context: bytes) -> SecretBytes:
        root = self.keys.get(wrapped.root_key_id)
        blob = wrapped.blob
        if root is None or blob[: len(WRAP_MAGIC)] != WRAP_MAGIC:
            raise DecryptionError("data key cannot be unwrapped")
        nonce = blob[len(WRAP_MAGIC) : len(WRAP_MAGIC) + NONCE_BYTES]
        aad = WRAP_MAGIC + length_prefixed(wrapped.root_key_id.encode(), context)
        try:
            return SecretBytes(AESGCM(root.reveal()).decrypt(nonce, blob[len(WRAP_MAGIC) + NONCE_BYTES :], aad))
        except InvalidTag:
            raise DecryptionError("data key cannot be unwrapped") from None


def decode_root_key(encoded: str, variable: str) -> SecretBytes:
    try:
        raw = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise KeyProviderError(f"{variable} is not valid base64") from None
    if len(raw) != KEY_BYTES:
        raise KeyProviderError(f"{variable} must be base64 of exactly 32 random bytes")
    return SecretBytes(raw)


def environment_key_id(key: SecretBytes) -> str:
    # A keyed fingerprint, stable across restarts: a one-way function of a 256-bit random key
    # reveals nothing about it, and lets the database record which key wrapped each data key.
    return "env-" + hmac.new(key.reveal(), b"engium root key id", hashlib.sha256).hexdigest()[:16]


class EnvironmentKeyProvider:
    """``ENGIUM_ROOT_KEY`` (base64, 32 bytes) is the active root key; ``ENGIUM_ROOT_KEYS_PREVIOUS``
    (comma-separated) keeps older ones readable until ``engium keys rotate-root`` has re-wrapped."""

    name = "environment"

    def __init__(self, active: str, previous: str = "") -> None:
        active_key = decode_root_key(active, "ENGIUM_ROOT_KEY")
        keys = {environment_key_id(active_key): active_key}
        for part in (p for p in previous.split(",") if p.strip()):
            key = decode_root_key(part, "ENGIUM_ROOT_KEYS_PREVIOUS")
            keys[environment_key_id(key)] = key
        self._keys = LocalRootKeys(keys, environment_key_id(active_key))

    def __repr__(self) -> str:
        return f"EnvironmentKeyProvider({self._keys!r})"

    def active_key_id(self) -> str:
        return self._keys.active

    def key_ids(self) -> tuple[str, ...]:
        return tuple(sorted(self._keys.keys))

    def wrap(self, data_key: SecretBytes, context: bytes) -> WrappedKey:
        return self._keys.wrap(data_key, context)

    def unwrap(self, wrapped: WrappedKey, context: bytes) -> SecretBytes:
        return self._keys.unwrap(wrapped, context)

    def create_active_key(self) -> str:
        raise KeyProviderError(
            "root keys from the environment are managed by the operator: generate one "
            "(python -c 'import os,base64;print(base64.b64encode(os.urandom(32)).decode())'), set it as "
            "ENGIUM_ROOT_KEY, move the old value to ENGIUM_ROOT_KEYS_PREVIOUS, then run "
            "`engium keys rotate-root --rewrap-only`"
        )

    def forget(self, key_id: str) -> bool:
        return False
