"""Password reset by e-mail (ADR 0040): a single-use link, valid 30 minutes, whose token only its holder has.

* **Asking** never says whether the address has an account: the caller answers the same page either way,
  after the same minimum time (web/pages/password_reset.py). For a known address with a business that is
  not suspended, one ``password_resets`` row (the token's SHA-256 only) is inserted, older open links of
  that person are superseded, and the e-mail is queued from that business (outbound_mail, RLS, ADR 0032;
  its body, the link, is emptied once sent). ``auth.password_reset_requested`` goes on that business's chain.
* **Using** the link: ``auth_password_reset`` (SECURITY DEFINER) finds the open row by the token's hash and
  names its user in the transaction, which opens that person's rows to RLS and nothing else. The row is
  claimed once (a second use, or a concurrent one, finds it used), every other open link of the person is
  closed, the password set (the same rule as everywhere: at least 12 characters) and the lockout lifted.
  Then, business by business, the person's sessions end and ``auth.password_reset_completed`` is recorded
  on that business's chain (a transaction appends to one chain only).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.access.suspension import is_suspended
from engium.audit import recorder as audit
from engium.audit.actions import AuditAction
from engium.errors import BadRequest, Unprocessable
from engium.identity import repository as repo
from engium.identity.credentials import PasswordHashing
from engium.identity.invitations import MIN_PASSWORD_LENGTH, normalize_email
from engium.identity.models import DashboardSession, PasswordReset, User
from engium.kit.database import Database
from engium.mail.service import NOT_CONFIGURED, queue_mail
from engium.mail.settings import MailSettings
from engium.tenancy.binding import bind_tenant, bind_user, tenant_transaction

VALID_FOR = timedelta(minutes=30)
COMPONENT = "identity.password_reset"
INVALID_LINK = "This reset link is invalid, already used or expired; ask for a new one"
MAX_PASSWORD = 1024
_RESOLVE_AND_NAME_USER = text(
    "select r.reset_id, r.user_id, set_config('engium.user_id', r.user_id::text, true)"
    " from auth_password_reset(:h) r"
)


class ResetUnavailable(Unprocessable):
    """This server cannot send e-mail, so no one can reset a password by e-mail (the same for everyone)."""

    code = "email_not_configured"

    def __init__(self) -> None:
        super().__init__(f"Password reset by e-mail is not available: {NOT_CONFIGURED}; ask your business's owner "
                         "or the operator")


@dataclass(frozen=True)
class CompletedReset:
    user_id: UUID
    sessions_ended: int


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def reset_link(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/password-reset/confirm?token={token}"


def request_reset(session: Session, mail: MailSettings, public_url: str, *, email: str) -> UUID | None:
    """Queues a reset e-mail when ``email`` belongs to an account with a business that is not suspended;
    returns the reset's id (None otherwise). The caller answers the same in both cases."""
    if not mail.enabled:
        raise ResetUnavailable()
    user_id = repo.find_user_id(session, normalize_email(email[:320]))
    if user_id is None:
        return None
    for choice in repo.user_tenants(session, user_id):
        bind_tenant(session, choice.tenant_id, user_id)
        if not is_suspended(session):
            return _issue(session, mail, public_url, user_id, choice.tenant_id)
    return None


def _issue(session: Session, mail: MailSettings, public_url: str, user_id: UUID, tenant_id: UUID) -> UUID:
    user = repo.get_user(session, user_id)
    assert user is not None  # the transaction names this user: RLS shows them their own row
    now: datetime = session.execute(select(func.now())).scalar_one()
    session.execute(update(PasswordReset).where(PasswordReset.user_id == user_id, PasswordReset.used_at.is_(None))
                    .values(used_at=now))
    token = secrets.token_urlsafe(32)
    reset = PasswordReset(id=uuid.uuid4(), user_id=user_id, token_hash=token_hash(token), created_at=now,
                          expires_at=now + VALID_FOR)
    session.add(reset)
    session.flush()
    acting = Principal.system(tenant_id, COMPONENT)
    minutes = int(VALID_FOR.total_seconds() // 60)
    queue_mail(session, acting, mail, to=user.email, subject="Reset your Engium password", body=(
        "Someone (we hope you) asked to reset the password of your Engium account.\n\n"
        f"Choose a new password here within {minutes} minutes:\n{reset_link(public_url, token)}\n\n"
        "The link works once. If you did not ask for it, ignore this e-mail: your password stays as it is.\n"))
    audit.record(session, acting, AuditAction.AUTH_PASSWORD_RESET_REQUESTED, resource_type="user",
                 resource_id=user_id, details={"reset_id": reset.id, "valid_minutes": minutes})
    return reset.id


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise BadRequest(f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD:
        raise BadRequest(f"Choose a password of at most {MAX_PASSWORD} characters")


def link_is_open(session: Session, token: str) -> bool:
    """Whether the link can still be used (the form shows an error page otherwise); names no user."""
    if not token or len(token) > 200:
        return False
    found = session.execute(text("select 1 from auth_password_reset(:h)"), {"h": token_hash(token)}).first()
    return found is not None


def complete_reset(session: Session, database: Database, hashing: PasswordHashing, *, token: str,
                   password: str) -> CompletedReset:
    """Sets the new password and ends the person's sessions in every business; BadRequest for a link that
    is unknown, used or expired, and for a password the rules refuse (the link then stays usable)."""
    if not token or len(token) > 200:
        raise BadRequest(INVALID_LINK)
    found = session.execute(_RESOLVE_AND_NAME_USER, {"h": token_hash(token)}).first()
    if found is None:
        raise BadRequest(INVALID_LINK)
    reset_id, user_id = UUID(str(found[0])), UUID(str(found[1]))
    check_password(password)
    bind_user(session, user_id)
    now: datetime = session.execute(select(func.now())).scalar_one()
    claimed = session.execute(
        update(PasswordReset).where(PasswordReset.id == reset_id, PasswordReset.used_at.is_(None),
                                    PasswordReset.expires_at > now)
        .values(used_at=now).returning(PasswordReset.id)
    ).first()
    if claimed is None:  # used by a concurrent request meanwhile
        raise BadRequest(INVALID_LINK)
    session.execute(update(PasswordReset).where(PasswordReset.user_id == user_id, PasswordReset.used_at.is_(None))
                    .values(used_at=now))
    session.execute(update(User).where(User.id == user_id).values(
        password_hash=hashing.hash(password), failed_login_count=0, locked_until=None))
    # On the platform chain (no business is bound): the person's account changed, whichever business.
    audit.record(session, None, AuditAction.AUTH_PASSWORD_RESET_COMPLETED, resource_type="user",
                 resource_id=user_id, details={"reset_id": reset_id}, actor=None)
    ended = 0
    for choice in repo.user_tenants(session, user_id):
        ended += _end_sessions(database, choice.tenant_id, user_id, reset_id)
    return CompletedReset(user_id, ended)


def _end_sessions(database: Database, tenant_id: UUID, user_id: UUID, reset_id: UUID) -> int:
    """The person's sessions in one business end, recorded on that business's chain."""
    with tenant_transaction(database, tenant_id, user_id) as side:
        ended = len(side.execute(delete(DashboardSession).where(DashboardSession.user_id == user_id)
                                 .returning(DashboardSession.id)).all())
        audit.record(side, Principal.system(tenant_id, COMPONENT), AuditAction.AUTH_PASSWORD_RESET_COMPLETED,
                     resource_type="user", resource_id=user_id, details={"reset_id": reset_id, "sessions_ended": ended})
    return ended
