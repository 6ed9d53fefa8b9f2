"""Per-tenant data keys: created on first use, wrapped by the root key, cached unwrapped in memory.

Each tenant has numbered data-key versions; exactly one is ``active`` (encrypts), the others are
``retired`` (decrypt only). Retired versions are kept: values that cannot be re-encrypted (for
example audit details in the append-only log) may still reference them. Deleting the tenant deletes
every version (ON DELETE CASCADE), which makes all its ciphertexts unreadable: crypto-shredding.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import UUID

from sqlalchemy.orm import Session

from engium.crypto import repository as repo
from engium.crypto.envelope import (
    KEY_BYTES,
    CipherContext,
    DecryptionError,
    EnvelopeCipher,
    key_version_of,
    length_prefixed,
)
from engium.crypto.keyfile import KEY_FILE_NAME, KeyFileProvider
from engium.crypto.providers import EnvironmentKeyProvider, RootKeyProvider, WrappedKey
from engium.crypto.secret import SecretBytes

if TYPE_CHECKING:
    from engium.config import Settings

log = logging.getLogger(__name__)

# Told where a stored value failed to decrypt (incident response listens: incidents/decryption.py). A
# listener must be quick and must not touch the caller's rows: the caller's transaction is still open.
DecryptionListener = Callable[[CipherContext], None]

# NIST SP 800-38D: with random 96-bit nonces, at most 2^32 encryptions under one key. We switch to a
# new data-key version at a quarter of that, so the bound is never approached even with concurrent
# writers that claimed the key before the switch.
ENCRYPTION_LIMIT = 2**30


def wrap_context(tenant_id: UUID, version: int) -> bytes:
    """Binds a wrapped data key to its tenant and version (the KMS "encryption context")."""
    return length_prefixed(b"engium-data-key-v1", tenant_id.bytes, version.to_bytes(4, "big"))


class DataKeyRing:
    """Encrypts and decrypts values for the tenant the session is bound to.

    The unwrapped-key cache is keyed by the wrapped bytes read from the database on every call, so a
    key deleted from the database (tenant deleted) stops working at once even while it is cached, and
    a re-wrap under a new root key needs no cache invalidation (same data key, new cache entry).
    """

    def __init__(
        self,
        provider: RootKeyProvider,
        *,
        encryption_limit: int = ENCRYPTION_LIMIT,
        cache_size: int = 4096,
    ) -> None:
        self.provider = provider
        self.encryption_limit = encryption_limit
        self._cache: OrderedDict[tuple[UUID, int, str, bytes], SecretBytes] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self.failure_listeners: list[DecryptionListener] = []

    def __repr__(self) -> str:
        return f"DataKeyRing(provider={self.provider!r}, cached={len(self._cache)})"

    # -- values -------------------------------------------------------------------------------------

    def encrypt(self, session: Session, context: CipherContext, plaintext: SecretBytes) -> bytes:
        tenant_id = context.tenant_id
        row = repo.claim_active(session, tenant_id)
        if row is None:
            self._create_version(session, tenant_id, 1)
            row = repo.claim_active(session, tenant_id)
        elif row.encryptions > self.encryption_limit:
            self.rotate(session, tenant_id)
            row = repo.claim_active(session, tenant_id)
        if row is None:  # pragma: no cover - the key was just created in this transaction
            raise RuntimeError("no active data key")
        return EnvelopeCipher.seal(self._unwrap(tenant_id, row), row.version, context, plaintext)

    def decrypt(self, session: Session, context: CipherContext, ciphertext: bytes,
                keys: dict[int, repo.DataKeyRow] | None = None) -> SecretBytes:
        """``keys``: the tenant's key rows by version, when the caller read them in this transaction
        already (the webhook path reads them in the round trip that binds the tenant, ADR 0048)."""
        try:
            version = key_version_of(ciphertext)
            row = keys.get(version) if keys is not None else repo.get(session, context.tenant_id, version)
            if row is None:
                # Another tenant's ciphertext (RLS hides its keys), or a deleted tenant's: shredded.
                raise DecryptionError()
            return EnvelopeCipher.open(self._unwrap(context.tenant_id, row), context, ciphertext)
        except DecryptionError:
            self._report_failure(context)
            raise

    def _report_failure(self, context: CipherContext) -> None:
        for listener in self.failure_listeners:
            try:
                listener(context)
            except Exception:
                # The caller's own error is the one that matters; a listener's failure is only logged.
                log.exception("a decryption failure listener failed")

    # -- versions -----------------------------------------------------------------------------------

    def active_version(self, session: Session, tenant_id: UUID) -> int:
        row = repo.active(session, tenant_id)
        if row is None:
            self._create_version(session, tenant_id, 1)
            row = repo.active(session, tenant_id)
        assert row is not None
        return row.version

    def rotate(self, session: Session, tenant_id: UUID) -> int:
        """A new active version; the previous one is retired (still decrypts). Returns the new version."""
        repo.active(session, tenant_id, lock=True)
        repo.retire(session, tenant_id)
        version = repo.next_version(session, tenant_id)
        self._create_version(session, tenant_id, version)
        return version

    def rewrap(self, session: Session, tenant_id: UUID) -> int:
        """Re-wraps this tenant's data keys under the active root key; returns how many moved.

        The data keys themselves do not change, so no ciphertext needs re-encrypting."""
        active_root = self.provider.active_key_id()
        moved = 0
        for row in repo.wrapped_under_other_roots(session, tenant_id, active_root):
            context = wrap_context(tenant_id, row.version)
            data_key = self.provider.unwrap(WrappedKey(row.root_key_id, row.wrapped_key), context)
            wrapped = self.provider.wrap(data_key, context)
            repo.set_wrapping(session, tenant_id, row.version, wrapped.blob, wrapped.root_key_id)
            moved += 1
        return moved

    def forget_cached(self) -> None:
        with self._lock:
            self._cache.clear()

    # -- internals ----------------------------------------------------------------------------------

    def _create_version(self, session: Session, tenant_id: UUID, version: int) -> None:
        data_key = SecretBytes(os.urandom(KEY_BYTES))
        wrapped = self.provider.wrap(data_key, wrap_context(tenant_id, version))
        if repo.insert(session, tenant_id, version, wrapped.blob, wrapped.root_key_id):
            self._remember((tenant_id, version, wrapped.root_key_id, _digest(wrapped.blob)), data_key)

    def _unwrap(self, tenant_id: UUID, row: repo.DataKeyRow) -> SecretBytes:
        cache_key = (tenant_id, row.version, row.root_key_id, _digest(row.wrapped_key))
        with self._lock:
            cached = self._cache.get(cache_key)
            if cached is not None:
                self._cache.move_to_end(cache_key)
                return cached
        data_key = self.provider.unwrap(
            WrappedKey(row.root_key_id, row.wrapped_key), wrap_context(tenant_id, row.version)
        )
        self._remember(cache_key, data_key)
        return data_key

    def _remember(self, cache_key: tuple[UUID, int, str, bytes], data_key: SecretBytes) -> None:
        with self._lock:
            self._cache[cache_key] = data_key
            self._cache.move_to_end(cache_key)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)


def _digest(blob: bytes) -> bytes:
    return hashlib.sha256(blob).digest()


def root_key_provider(settings: Settings) -> RootKeyProvider:
    """``ENGIUM_ROOT_KEY`` when set; otherwise the keyring file in the data directory."""
    if settings.root_key is not None:
        previous = settings.root_keys_previous.get_secret_value() if settings.root_keys_previous else ""
        return EnvironmentKeyProvider(settings.root_key.get_secret_value(), previous)
    return KeyFileProvider(settings.resolved_data_dir / KEY_FILE_NAME)
