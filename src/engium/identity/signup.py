"""Self-service sign-up, asking part (ADR 0040): a business asks to open an account; nothing exists until
its owner's address is verified (web/pages/signup.py then provisions the tenant and invites the owner).

The request is a ``signup_requests`` row (the token's SHA-256 only) and an e-mail queued on the platform's
own tenant (no business exists yet to send it from); ``signup.requested`` goes on the platform chain with
ids only. The app may insert such rows and nothing else: ``auth_claim_signup`` (SECURITY DEFINER) claims
one by its token, once, before it expires.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import available_timezones

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.audit import recorder as audit
from engium.audit.actions import AuditAction
from engium.errors import BadRequest, NotFound, Unprocessable
from engium.identity.invitations import normalize_email
from engium.identity.models import SignupRequest
from engium.mail.service import NOT_CONFIGURED, clean_recipient, queue_mail
from engium.mail.settings import MailSettings
from engium.tenancy.binding import bind_tenant

VALID_FOR = timedelta(hours=24)
COMPONENT = "identity.signup"
PLATFORM_TENANT = UUID(int=0)
DISABLED = "Self-service sign-up is not offered on this server; ask its operator for an account"
INVALID_LINK = "This verification link is invalid, already used or expired; sign up again"


class SignupDisabled(NotFound):
    """The operator has not turned sign-up on (ENGIUM_SIGNUP_ENABLED): the pages do not exist."""

    def __init__(self) -> None:
        super().__init__(DISABLED)


@dataclass(frozen=True)
class ClaimedSignup:
    signup_id: UUID
    email: str
    business_name: str
    timezone: str


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def verify_link(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/sign-up/verify?token={token}"


def request_signup(session: Session, mail: MailSettings, public_url: str, *, business_name: str, email: str,
                   timezone: str) -> UUID:
    """Stores the request and queues the verification e-mail; the caller answers the same whatever the
    address (an address with an account learns, at verification, that it joins with that account)."""
    if not mail.enabled:
        raise Unprocessable(f"Sign-up needs e-mail, and {NOT_CONFIGURED}")
    business_name = business_name.strip()
    if not 1 <= len(business_name) <= 200 or any(c in business_name for c in "\r\n\0"):
        raise BadRequest("Give your business's name, 1 to 200 characters on one line")
    if timezone not in available_timezones():
        raise BadRequest("Choose a time zone from the list")
    address = clean_recipient(email.strip())
    bind_tenant(session, PLATFORM_TENANT)
    now: datetime = session.execute(select(func.now())).scalar_one()
    token = secrets.token_urlsafe(32)
    signup = SignupRequest(id=uuid.uuid4(), email=address, email_normalized=normalize_email(address),
                           business_name=business_name, timezone=timezone, token_hash=token_hash(token),
                           created_at=now, expires_at=now + VALID_FOR)
    session.add(signup)
    session.flush()
    acting = Principal.system(PLATFORM_TENANT, COMPONENT)
    queue_mail(session, acting, mail, to=address, subject="Confirm your address to open your Engium account",
               body=(f"Someone (we hope you) asked to open an Engium account for {business_name!r} with this "
                     "address.\n\n"
                     f"Confirm within 24 hours to open it:\n{verify_link(public_url, token)}\n\n"
                     "If you did not ask for it, ignore this e-mail: nothing is created.\n"))
    audit.record(session, acting, AuditAction.SIGNUP_REQUESTED, resource_type="signup_request",
                 resource_id=signup.id)
    return signup.id


def open_business_name(session: Session, token: str) -> str | None:
    """The business an open link would create (the page shows it before the owner confirms); None else."""
    if not token or len(token) > 200:
        return None
    found: str | None = session.execute(text("select auth_signup_open(:h)"), {"h": token_hash(token)}).scalar()
    return found


def claim(session: Session, token: str) -> ClaimedSignup:
    """Marks the request verified, once; BadRequest for an unknown, used or expired link."""
    if not token or len(token) > 200:
        raise BadRequest(INVALID_LINK)
    row = session.execute(text("select * from auth_claim_signup(:h)"), {"h": token_hash(token)}).first()
    if row is None:
        raise BadRequest(INVALID_LINK)
    return ClaimedSignup(UUID(str(row[0])), row[1], row[2], row[3])
