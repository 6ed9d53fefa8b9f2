"""Per-subject keys: the vault side of sealing personal values in the audit log (audit/personal.py).

Each key is 32 random bytes, stored in ``subject_keys`` encrypted under the tenant's data key (ENG1
envelope, associated data binding it to its row), so a dump holds no usable key. Values are sealed with
AES-256-GCM under the subject key; the associated data binds each value to its tenant and key.

Destroying a key deletes its row: every value sealed under it becomes unreadable at once (the decrypted
key cache is keyed by the stored ciphertext read on every call, exactly like the data-key cache, so a
deleted key stops working even while cached). Backups taken earlier still hold the row; they become
unreadable once the root key that wrapped the tenant's data key is retired (ADR 0006, ADR 0021).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from typing import LiteralString
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from engium.audit.personal import SealingKey
from engium.crypto.envelope import KEY_BYTES, NONCE_BYTES, CipherContext, DecryptionError, length_prefixed
from engium.crypto.keyring import DataKeyRing
from engium.crypto.models import SubjectKey
from engium.crypto.secret import SecretBytes
from engium.kit.transaction_memo import forget, transaction_memo

TABLE = "subject_keys"
SEALED_MAGIC = b"ENS1"


def _key_context(tenant_id: UUID, key_id: UUID) -> CipherContext:
    return CipherContext(tenant_id, TABLE, "ciphertext", str(key_id))


def _associated_data(tenant_id: UUID, key_id: UUID) -> bytes:
    return SEALED_MAGIC + length_prefixed(b"engium-personal-v1", tenant_id.bytes, key_id.bytes)


class SubjectKeyVault:
    """Implements :class:`engium.audit.personal.PersonalDataSealer` with keys kept in ``subject_keys``.

    ``keyring`` is a callable so that building the vault never creates a root key: commands that never
    record personal data never need one."""

    def __init__(self, keyring: Callable[[], DataKeyRing], cache_size: int = 4096) -> None:
        self._keyring = keyring
        self._cache: OrderedDict[bytes, SecretBytes] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SubjectKeyVault(cached={len(self._cache)})"

    # -- sealing ----------------------------------------------------------------------------------------

    def seal(self, session: Session, tenant_id: UUID, key: SealingKey, plaintext: bytes) -> str:
        subject_key = self._key(session, tenant_id, key)
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(subject_key.reveal()).encrypt(nonce, plaintext, _associated_data(tenant_id, key.id))
        return base64.b64encode(SEALED_MAGIC + nonce + sealed).decode("ascii")

    def open(self, session: Session, tenant_id: UUID, key_id: UUID, sealed: str) -> bytes | None:
        row = session.execute(select(SubjectKey.ciphertext).where(SubjectKey.id == key_id)).scalar_one_or_none()
        if row is None:
            return None  # destroyed (erased, expired), or another tenant's (RLS)
        try:
            raw = base64.b64decode(sealed, validate=True)
            if raw[: len(SEALED_MAGIC)] != SEALED_MAGIC:
                return None
            subject_key = self._unwrap(session, tenant_id, key_id, bytes(row))
            nonce = raw[len(SEALED_MAGIC) : len(SEALED_MAGIC) + NONCE_BYTES]
            body = raw[len(SEALED_MAGIC) + NONCE_BYTES :]
            return AESGCM(subject_key.reveal()).decrypt(nonce, body, _associated_data(tenant_id, key_id))
        except (binascii.Error, ValueError, InvalidTag, DecryptionError):
            return None

    # -- internals ----------------------------------------------------------------------------------------

    def _key(self, session: Session, tenant_id: UUID, key: SealingKey) -> SecretBytes:
        read = _read_in_this_transaction(session)
        stored = read.get(key.id)
        if stored is None:
            stored = session.execute(
                select(SubjectKey.ciphertext).where(SubjectKey.id == key.id)
            ).scalar_one_or_none()
        if stored is not None:
            read[key.id] = bytes(stored)
            return self._unwrap(session, tenant_id, key.id, bytes(stored))
        fresh = SecretBytes(os.urandom(KEY_BYTES))
        ciphertext = self._keyring().encrypt(session, _key_context(tenant_id, key.id), fresh)
        # A concurrent first use of the same key: the unique key decides, the loser reads the winner's.
        inserted = session.execute(
            insert(SubjectKey)
            .values(tenant_id=tenant_id, id=key.id, kind=key.kind, contact_id=key.contact_id, period=key.period,
                    ciphertext=ciphertext)
            .on_conflict_do_nothing()
            .returning(SubjectKey.id)
        ).scalar_one_or_none()
        if inserted is not None:
            read[key.id] = ciphertext
            return fresh
        winner = session.execute(select(SubjectKey.ciphertext).where(SubjectKey.id == key.id)).scalar_one()
        return self._unwrap(session, tenant_id, key.id, bytes(winner))

    def _unwrap(self, session: Session, tenant_id: UUID, key_id: UUID, ciphertext: bytes) -> SecretBytes:
        cache_key = hashlib.sha256(tenant_id.bytes + key_id.bytes + ciphertext).digest()
        with self._lock:
            cached = self._cache.get(cache_key)
            if cached is not None:
                self._cache.move_to_end(cache_key)
                return cached
        subject_key = self._keyring().decrypt(session, _key_context(tenant_id, key_id), ciphertext)
        with self._lock:
            self._cache[cache_key] = subject_key
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return subject_key


# Key rows read or written in the current transaction, by key id (kit/transaction_memo.py): one request
# seals its network values (IP, user agent) once per audit event, all under the same month's key, so the
# row is read once per transaction instead of once per event (ADR 0048). The destroy functions below
# forget what they delete; a key destroyed meanwhile by another transaction can only make what this one
# seals unreadable, never readable.
_READ_KEYS = "subject_keys"


def _read_in_this_transaction(session: Session) -> dict[UUID, bytes]:
    return transaction_memo(session, _READ_KEYS)


# The read :meth:`SubjectKeyVault.seal` makes, as psycopg SQL: a caller that pipelines its own statements
# (conversations/inbound_store.py) reads the key row with them and hands it over with remember_key_row.
KEY_ROW_SQL: LiteralString = "select ciphertext from subject_keys where id = %(key_id)s"


def key_row_known(session: Session, key_id: UUID) -> bool:
    """Whether this transaction has read or written the key row already (sealing then needs no read)."""
    return key_id in _read_in_this_transaction(session)


def remember_key_row(session: Session, key_id: UUID, ciphertext: bytes) -> None:
    """A key row the caller read under this transaction's binding (RLS), as if :meth:`seal` had read it."""
    _read_in_this_transaction(session)[key_id] = bytes(ciphertext)


def _forget_read_keys(session: Session) -> None:
    forget(session, _READ_KEYS)


def destroy_keys_of_contact(session: Session, contact_id: UUID) -> int:
    """Destroys every key of one customer of the bound tenant (content and network keys); returns how many.
    Everything sealed under them becomes unreadable: their erasure in the audit log."""
    _forget_read_keys(session)
    result = session.execute(delete(SubjectKey).where(SubjectKey.contact_id == contact_id))
    return int(getattr(result, "rowcount", 0) or 0)


def destroy_keys_of_contacts(session: Session, contact_ids: list[UUID]) -> int:
    """:func:`destroy_keys_of_contact` for many customers at once (retention of inactive contacts)."""
    if not contact_ids:
        return 0
    _forget_read_keys(session)
    result = session.execute(delete(SubjectKey).where(SubjectKey.contact_id.in_(contact_ids)))
    return int(getattr(result, "rowcount", 0) or 0)


def destroy_network_keys_before(session: Session, first_kept_month: date) -> int:
    """Destroys the bound tenant's network keys of the months before ``first_kept_month`` (retention of IP
    addresses and user agents)."""
    _forget_read_keys(session)
    result = session.execute(
        delete(SubjectKey).where(SubjectKey.kind == "network", SubjectKey.period < first_kept_month)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def keys_of_contact(session: Session, contact_id: UUID) -> int:
    return len(session.execute(select(SubjectKey.id).where(SubjectKey.contact_id == contact_id)).all())

