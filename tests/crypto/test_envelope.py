"""The ciphertext format: associated data binds a value to its place; any change fails to decrypt."""

from __future__ import annotations

import os
import pickle
import uuid

import pytest

from engium.crypto.envelope import (
    HEADER_BYTES,
    MAGIC,
    CipherContext,
    DecryptionError,
    EnvelopeCipher,
    key_version_of,
)
from engium.crypto.secret import SecretBytes

KEY = SecretBytes(os.urandom(32))
CONTEXT = CipherContext(uuid.uuid4(), "integration_credentials", "ciphertext", str(uuid.uuid4()))
PLAINTEXT = SecretBytes(b"sk_live_" + os.urandom(16).hex().encode())


def test_round_trip_and_self_describing_header() -> None:
    sealed = EnvelopeCipher.seal(KEY, 7, CONTEXT, PLAINTEXT)
    assert sealed.startswith(MAGIC)
    assert key_version_of(sealed) == 7
    assert len(sealed) == HEADER_BYTES + len(PLAINTEXT) + 16
    assert EnvelopeCipher.open(KEY, CONTEXT, sealed) == PLAINTEXT


def test_random_nonces_make_every_ciphertext_different() -> None:
    assert EnvelopeCipher.seal(KEY, 1, CONTEXT, PLAINTEXT) != EnvelopeCipher.seal(KEY, 1, CONTEXT, PLAINTEXT)


@pytest.mark.parametrize(
    "moved",
    [
        CipherContext(uuid.uuid4(), CONTEXT.table, CONTEXT.column, CONTEXT.row_key),
        CipherContext(CONTEXT.tenant_id, "other_table", CONTEXT.column, CONTEXT.row_key),
        CipherContext(CONTEXT.tenant_id, CONTEXT.table, "previous_ciphertext", CONTEXT.row_key),
        CipherContext(CONTEXT.tenant_id, CONTEXT.table, CONTEXT.column, str(uuid.uuid4())),
    ],
    ids=["tenant", "table", "column", "row"],
)
def test_a_ciphertext_moved_elsewhere_does_not_decrypt_even_under_the_same_key(moved: CipherContext) -> None:
    sealed = EnvelopeCipher.seal(KEY, 1, CONTEXT, PLAINTEXT)
    with pytest.raises(DecryptionError):
        EnvelopeCipher.open(KEY, moved, sealed)


def test_flipping_any_single_byte_fails() -> None:
    sealed = EnvelopeCipher.seal(KEY, 1, CONTEXT, PLAINTEXT)
    for index in range(len(sealed)):
        tampered = bytearray(sealed)
        tampered[index] ^= 0x01
        with pytest.raises(DecryptionError):
            EnvelopeCipher.open(KEY, CONTEXT, bytes(tampered))


def test_the_key_version_is_authenticated() -> None:
    # Same key registered under two versions: the header's version is still bound by the associated data.
    sealed = bytearray(EnvelopeCipher.seal(KEY, 1, CONTEXT, PLAINTEXT))
    sealed[4:8] = (2).to_bytes(4, "big")
    with pytest.raises(DecryptionError):
        EnvelopeCipher.open(KEY, CONTEXT, bytes(sealed))


@pytest.mark.parametrize("blob", [b"", b"ENG1", b"ENG2" + bytes(40), b"XXXX" + bytes(40)])
def test_unknown_or_truncated_formats_are_refused(blob: bytes) -> None:
    with pytest.raises(DecryptionError):
        EnvelopeCipher.open(KEY, CONTEXT, blob)


def test_a_wrong_key_fails_without_saying_why() -> None:
    sealed = EnvelopeCipher.seal(KEY, 1, CONTEXT, PLAINTEXT)
    with pytest.raises(DecryptionError) as caught:
        EnvelopeCipher.open(SecretBytes(os.urandom(32)), CONTEXT, sealed)
    assert str(caught.value) == "ciphertext could not be decrypted"


def test_secret_bytes_never_show_their_value() -> None:
    secret = SecretBytes(b"hunter2-hunter2")
    shown = [repr(secret), str(secret), f"{secret}", repr([secret]), repr({"k": secret})]
    assert not any("hunter2" in s for s in shown)
    with pytest.raises(TypeError):
        pickle.dumps(secret)
    assert secret == SecretBytes(b"hunter2-hunter2")
    assert secret != SecretBytes(b"other")
    assert secret.reveal() == b"hunter2-hunter2"
