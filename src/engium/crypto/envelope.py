"""The ciphertext format and AES-256-GCM under a tenant's data key.

Format (see docs/crypto.md)::

    b"ENG1" | key_version (uint32, big-endian) | nonce (12 bytes) | ciphertext | tag (16 bytes)

The associated data binds every ciphertext to its place: format version, tenant, table, column,
row key and data-key version. A ciphertext copied to another row, column or tenant, or whose header
was edited, fails authentication instead of decrypting.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from engium.crypto.secret import SecretBytes

MAGIC = b"ENG1"
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_BYTES = 32
_VERSION = struct.Struct(">I")
HEADER_BYTES = len(MAGIC) + _VERSION.size + NONCE_BYTES
MAX_PLAINTEXT_BYTES = 64 * 1024


class DecryptionError(Exception):
    """Authentication failed, the format is unknown, or the key is gone. Deliberately vague: the
    message never says which, and never carries any of the bytes involved."""

    def __init__(self, reason: str = "ciphertext could not be decrypted") -> None:
        super().__init__(reason)


def length_prefixed(*fields: bytes) -> bytes:
    """Unambiguous concatenation: ("ab", "c") and ("a", "bc") encode differently."""
    out = bytearray()
    for field in fields:
        if len(field) > 0xFFFF:
            raise ValueError("associated-data field too long")
        out += len(field).to_bytes(2, "big") + field
    return bytes(out)


@dataclass(frozen=True)
class CipherContext:
    """Where a ciphertext lives. ``row_key`` is the row's primary key within the tenant, as text."""

    tenant_id: UUID
    table: str
    column: str
    row_key: str

    def associated_data(self, key_version: int) -> bytes:
        return MAGIC + length_prefixed(
            self.tenant_id.bytes,
            self.table.encode(),
            self.column.encode(),
            self.row_key.encode(),
            _VERSION.pack(key_version),
        )


def key_version_of(ciphertext: bytes) -> int:
    """The data-key version named in a ciphertext's header (self-describing format)."""
    if len(ciphertext) < HEADER_BYTES + TAG_BYTES or ciphertext[: len(MAGIC)] != MAGIC:
        raise DecryptionError("unknown ciphertext format")
    version: int = _VERSION.unpack_from(ciphertext, len(MAGIC))[0]
    return version


class EnvelopeCipher:
    """Seals and opens values with a data key. Stateless: keys are passed in by the caller
    (the :class:`~engium.crypto.keyring.DataKeyRing`), so this class never holds key material."""

    @staticmethod
    def seal(data_key: SecretBytes, key_version: int, context: CipherContext, plaintext: SecretBytes) -> bytes:
        if len(plaintext) > MAX_PLAINTEXT_BYTES:
            raise ValueError("secret too large")
        # Random 96-bit nonces: safe for up to 2^32 encryptions per key (NIST SP 800-38D); the key ring
        # counts encryptions and moves to a new data-key version well before that.
        nonce = os.urandom(NONCE_BYTES)
        header = MAGIC + _VERSION.pack(key_version) + nonce
        sealed = AESGCM(data_key.reveal()).encrypt(nonce, plaintext.reveal(), context.associated_data(key_version))
        return header + sealed

    @staticmethod
    def open(data_key: SecretBytes, context: CipherContext, ciphertext: bytes) -> SecretBytes:
        version = key_version_of(ciphertext)
        nonce = ciphertext[len(MAGIC) + _VERSION.size : HEADER_BYTES]
        try:
            plaintext = AESGCM(data_key.reveal()).decrypt(
                nonce, ciphertext[HEADER_BYTES:], context.associated_data(version)
            )
        except InvalidTag:
            raise DecryptionError() from None
        return SecretBytes(plaintext)
