"""Proving control of an existing account: the one place a password and a TOTP code are checked.

Used by sign-in and by redeeming an invitation with an existing account. The attempt is counted in
its own committed transaction *before* the password is verified (``auth_login_begin``): concurrent
guesses serialise on the user's row, and once ``max_failures`` are in flight or failed, the rest are
refused without being checked. Success resets the count. Failures are recorded on the platform audit
chain in a transaction of their own, since the request's transaction rolls back.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from engium.audit import recorder as audit
from engium.audit.actions import AuditAction, Outcome
from engium.crypto.envelope import DecryptionError
from engium.crypto.keyring import DataKeyRing
from engium.errors import TooManyRequests, Unauthorized
from engium.identity import repository as repo
from engium.identity import totp
from engium.identity.credentials import PasswordHashing
from engium.identity.repository import LoginCandidate
from engium.kit.database import Database

log = logging.getLogger(__name__)

INVALID_LOGIN = "Invalid email or password"
LOCKED = "Too many failed attempts; this account is temporarily locked"


@dataclass(frozen=True)
class SignInChecks:
    hashing: PasswordHashing
    vault: DataKeyRing
    max_failures: int
    lockout: timedelta


def verify_existing_account(
    database: Database,
    checks: SignInChecks,
    candidate: LoginCandidate,
    *,
    password: str,
    totp_code: str | None,
    now: datetime,
    require_totp: bool = True,
) -> None:
    """Raises :class:`Unauthorized` or :class:`TooManyRequests` unless the password (and TOTP) are right.

    ``require_totp=False``: only the password is asked for, by a session that has already passed TOTP
    (changing the password); the attempt is counted and locked out exactly as at sign-in."""
    with database.transaction() as side:
        attempt = repo.begin_login_attempt(
            side, candidate.user_id, max_failures=checks.max_failures, lockout=checks.lockout
        )
    if not attempt.allowed:
        raise TooManyRequests(LOCKED)
    if not checks.hashing.verify(candidate.password_hash, password):
        _record_failure(database, candidate.user_id, "password", locked=attempt.locked_until is not None)
        raise Unauthorized(INVALID_LOGIN)
    if candidate.totp_enabled and require_totp:
        if not totp_code:
            raise Unauthorized("A TOTP code is required for this account", details={"totp_required": True})
        reason = _totp_refusal(database, checks.vault, candidate, totp_code, now)
        if reason is not None:
            _record_failure(database, candidate.user_id, reason, locked=attempt.locked_until is not None)
            raise Unauthorized("Invalid TOTP code")
    with database.transaction() as side:
        repo.record_login_result(
            side, candidate.user_id, success=True, max_failures=checks.max_failures, lockout=checks.lockout
        )


def _totp_refusal(
    database: Database, vault: DataKeyRing, candidate: LoginCandidate, code: str, now: datetime
) -> str | None:
    if candidate.totp_ciphertext is None:
        # Enabled but not sealed: a secret migration 0012 never encrypted. Fail closed.
        log.error("user %s has TOTP enabled but no sealed secret; run `engium migrate`", candidate.user_id)
        return "totp_unavailable"
    try:
        secret = totp.unseal(database, vault, candidate.user_id, candidate.totp_ciphertext)
    except DecryptionError:
        log.error("the TOTP secret of user %s could not be decrypted", candidate.user_id)
        return "totp_unavailable"
    step = totp.matching_step(secret, code, now)
    if step is None:
        return "totp"
    with database.transaction() as side:
        if not totp.use_step(side, candidate.user_id, step):
            return "totp_replayed"
    return None


def _record_failure(database: Database, user_id: uuid.UUID, reason: str, *, locked: bool) -> None:
    # The event goes to the platform chain: a failed sign-in belongs to no tenant yet.
    with database.transaction() as side:
        audit.record(
            side, None, AuditAction.AUTH_LOGIN_FAILED, resource_type="user", resource_id=user_id,
            outcome=Outcome.DENIED, details={"reason": reason, "locked": locked},
        )


def record_unknown_account(checks: SignInChecks, password: str) -> None:
    """Spends the time a password check would, so an unknown address answers like a wrong password."""
    checks.hashing.verify(None, password)

