"""TOTP secrets kept under the platform data key, and codes that are good for one time step only.

A user is global (one identity across the tenants they belong to), so their TOTP secret belongs to no
tenant: it is sealed under the vault's platform tenant (:data:`PLATFORM_TENANT`), rotated with
``engium keys rotate --platform`` like any tenant's data key. The key is read in a short transaction
of its own, bound to the platform tenant, because the request's transaction is bound to the member's
business and RLS hides every other tenant's keys.

A code is accepted only for a time step later than the last one used (``auth_totp_use`` moves the
mark atomically), so a code seen over a shoulder or in a proxy log cannot be replayed in its window.
"""

from __future__ import annotations

import hmac
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import pyotp
from sqlalchemy import text
from sqlalchemy.orm import Session

from engium.audit.recorder import PLATFORM_TENANT
from engium.crypto.envelope import CipherContext, key_version_of
from engium.crypto.keyring import DataKeyRing, root_key_provider
from engium.crypto.rotation import ReencryptedBatch
from engium.crypto.secret import SecretBytes
from engium.kit.database import Database
from engium.tenancy.binding import tenant_transaction

if TYPE_CHECKING:
    from engium.config import Settings

TABLE = "users"
COLUMN = "totp_secret"
# Codes from the previous and the next step are accepted too: clocks drift and people type slowly.
DRIFT_STEPS = 1
_PAGE = text("select user_id, totp_ciphertext, totp_plaintext from auth_totp_page(:after, :limit, :legacy)")
_STORE = text("select auth_totp_store(:u, :c)")


def _context(user_id: uuid.UUID) -> CipherContext:
    return CipherContext(PLATFORM_TENANT, TABLE, COLUMN, str(user_id))


def new_secret() -> str:
    return pyotp.random_base32()


def seal(database: Database, vault: DataKeyRing, user_id: uuid.UUID, secret: str) -> bytes:
    with tenant_transaction(database, PLATFORM_TENANT) as side:
        return vault.encrypt(side, _context(user_id), SecretBytes.from_text(secret))


def unseal(database: Database, vault: DataKeyRing, user_id: uuid.UUID, ciphertext: bytes) -> str:
    with tenant_transaction(database, PLATFORM_TENANT) as side:
        return vault.decrypt(side, _context(user_id), ciphertext).reveal_text()


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step ``code`` belongs to, within the allowed drift; None when it matches none."""
    totp = pyotp.TOTP(secret)
    for offset in (0, -DRIFT_STEPS, DRIFT_STEPS):
        moment = now + timedelta(seconds=offset * totp.interval)
        if hmac.compare_digest(totp.at(moment).encode(), code.encode()):
            return int(totp.timecode(moment))
    return None


def use_step(session: Session, user_id: uuid.UUID, step: int) -> bool:
    """Marks ``step`` used; False when it (or a later one) was used before: a replayed code."""
    used = session.execute(text("select auth_totp_use(:u, :s)"), {"u": user_id, "s": step}).scalar()
    return bool(used)


def encrypt_legacy_secrets(database: Database, vault: DataKeyRing, *, batch_size: int = 200) -> int:
    """Seals the secrets stored in clear before migration 0012; returns how many. Idempotent."""
    sealed = 0
    after: uuid.UUID | None = None
    while True:
        with tenant_transaction(database, PLATFORM_TENANT) as session:
            rows = session.execute(_PAGE, {"after": after, "limit": batch_size, "legacy": True}).all()
            for user_id, _, plaintext in rows:
                if plaintext is not None:
                    ciphertext = vault.encrypt(session, _context(user_id), SecretBytes.from_text(plaintext))
                    session.execute(_STORE, {"u": user_id, "c": ciphertext})
                    sealed += 1
        if len(rows) < batch_size:
            return sealed
        after = rows[-1][0]


def has_legacy_secrets(database: Database) -> bool:
    with database.transaction() as session:
        return session.execute(_PAGE, {"after": None, "limit": 1, "legacy": True}).first() is not None


def seal_legacy_secrets(database: Database, settings: Settings) -> int:
    """Runs after migrations: seals leftover plain-text secrets. The vault (and with it a root key) is
    only opened when there is something to seal."""
    if not has_legacy_secrets(database):
        return 0
    return encrypt_legacy_secrets(database, DataKeyRing(root_key_provider(settings)))


class TotpReencryption:
    """Moves every TOTP secret onto the platform's active data-key version (``keys rotate --platform``)."""

    name = f"{TABLE}.{COLUMN}"

    def reencrypt_batch(
        self, session: Session, vault: DataKeyRing, tenant_id: uuid.UUID, after: str | None, limit: int
    ) -> ReencryptedBatch:
        active = vault.active_version(session, tenant_id)
        page = {"after": uuid.UUID(after) if after else None, "limit": limit, "legacy": False}
        rows = session.execute(_PAGE, page).all()
        changed = 0
        for user_id, ciphertext, _ in rows:
            if ciphertext is not None and key_version_of(bytes(ciphertext)) != active:
                secret = vault.decrypt(session, _context(user_id), bytes(ciphertext))
                session.execute(_STORE, {"u": user_id, "c": vault.encrypt(session, _context(user_id), secret)})
                changed += 1
        return ReencryptedBatch(last=str(rows[-1][0]) if rows else None, changed=changed)
