"""Identity rules: login with lockout and MFA, memberships, API keys, TOTP enrolment.

Services take the session and the acting principal explicitly and never commit.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyotp
from sqlalchemy import update
from sqlalchemy.orm import Session

from engium.audit import recorder as audit
from engium.audit.actions import ActorKind, AuditAction, Outcome
from engium.config import Settings
from engium.context import current_request_context
from engium.errors import BadRequest, Conflict, Forbidden, NotFound, TooManyRequests, Unauthorized
from engium.identity import repository as repo
from engium.identity.credentials import PasswordHashing, digest, issue_api_key, issue_session_token
from engium.identity.models import ApiKey, DashboardSession, Membership, User
from engium.identity.permissions import Role, can_grant
from engium.identity.principal import Principal
from engium.kit.database import Database, bind_tenant, bind_user

INVALID_LOGIN = "Invalid email or password"
TOTP_ISSUER = "Engium"


def normalize_email(email: str) -> str:
    return email.strip().lower()


@dataclass(frozen=True)
class LoginOutcome:
    tenant_id: uuid.UUID
    user_id: uuid.UUID
    role: Role
    session_token: str
    csrf_token: str
    mfa_verified: bool
    mfa_setup_required: bool


def create_user(
    session: Session,
    hashing: PasswordHashing,
    *,
    principal: Principal | None = None,
    email: str,
    password: str | None,
    display_name: str = "",
) -> uuid.UUID:
    """Creates a global user identity, or returns the existing one for that email."""
    normalized = normalize_email(email)
    existing = repo.find_user_id(session, normalized)
    if existing is not None:
        return existing
    user_id = uuid.uuid4()
    session.add(
        User(
            id=user_id,
            email=email.strip(),
            email_normalized=normalized,
            display_name=display_name,
            password_hash=hashing.hash(password) if password else None,
            # Explicit values avoid INSERT ... RETURNING, which the users SELECT policy would refuse
            # until the membership that makes the row visible exists.
            totp_enabled=False,
            failed_login_count=0,
            created_at=datetime.now(UTC),
        )
    )
    session.flush()
    audit.record(session, principal, AuditAction.USER_CREATED, resource_type="user", resource_id=user_id)
    return user_id


def login(
    session: Session,
    database: Database,
    settings: Settings,
    hashing: PasswordHashing,
    *,
    email: str,
    password: str,
    tenant_id: uuid.UUID | None,
    totp_code: str | None,
) -> LoginOutcome:
    candidate = repo.login_candidate(session, normalize_email(email))
    if candidate is None:
        hashing.verify(None, password)
        raise Unauthorized(INVALID_LOGIN)
    now = datetime.now(UTC)
    if candidate.locked_until is not None and candidate.locked_until > now:
        raise TooManyRequests("Too many failed attempts; this account is temporarily locked")
    if not hashing.verify(candidate.password_hash, password):
        _record_failure(database, settings, candidate.user_id, reason="password")
        raise Unauthorized(INVALID_LOGIN)
    if candidate.totp_enabled:
        if not totp_code:
            raise Unauthorized("A TOTP code is required for this account", details={"totp_required": True})
        if not pyotp.TOTP(candidate.totp_secret or "").verify(totp_code, valid_window=1):
            _record_failure(database, settings, candidate.user_id, reason="totp")
            raise Unauthorized("Invalid TOTP code")

    choices = repo.user_tenants(session, candidate.user_id)
    if tenant_id is not None:
        chosen = next((c for c in choices if c.tenant_id == tenant_id), None)
        if chosen is None:
            raise Unauthorized(INVALID_LOGIN)
    elif len(choices) == 1:
        chosen = choices[0]
    elif not choices:
        raise Forbidden("This account is not a member of any business")
    else:
        raise BadRequest(
            "This account belongs to several businesses; pass tenant_id",
            details={"tenants": [{"id": str(c.tenant_id), "name": c.tenant_name} for c in choices]},
        )
    repo.record_login_result(
        session,
        candidate.user_id,
        success=True,
        max_failures=settings.login_max_failures,
        lockout=timedelta(minutes=settings.login_lockout_minutes),
    )
    bind_tenant(session, chosen.tenant_id, candidate.user_id)
    from engium.tenancy.service import mfa_required as tenant_requires_mfa

    mfa_required = tenant_requires_mfa(session)
    mfa_ok = candidate.totp_enabled or not mfa_required
    token, csrf = issue_session_token(), issue_session_token()
    session_id = uuid.uuid4()
    session.add(
        DashboardSession(
            tenant_id=chosen.tenant_id,
            id=session_id,
            user_id=candidate.user_id,
            token_hash=digest(token),
            csrf_hash=digest(csrf),
            mfa_verified=mfa_ok,
            expires_at=now + timedelta(minutes=settings.session_ttl_minutes),
        )
    )
    session.flush()
    ctx = current_request_context()
    if ctx is not None:
        ctx.actor.tenant_id, ctx.actor.kind, ctx.actor.id = chosen.tenant_id, "user", str(candidate.user_id)
    audit.record(
        session,
        None,
        AuditAction.AUTH_LOGIN_SUCCEEDED,
        resource_type="session",
        resource_id=session_id,
        tenant_id=chosen.tenant_id,
        actor=(ActorKind.USER, str(candidate.user_id)),
        details={"mfa_verified": mfa_ok, "totp_used": candidate.totp_enabled},
    )
    return LoginOutcome(
        tenant_id=chosen.tenant_id,
        user_id=candidate.user_id,
        role=Role(chosen.role),
        session_token=token,
        csrf_token=csrf,
        mfa_verified=mfa_ok,
        mfa_setup_required=not mfa_ok,
    )


def _record_failure(database: Database, settings: Settings, user_id: uuid.UUID, *, reason: str) -> None:
    # Its own transaction: the request's transaction rolls back when the login is refused. The event
    # goes to the platform chain: a failed sign-in belongs to no tenant yet.
    with database.transaction() as side:
        locked_until = repo.record_login_result(
            side,
            user_id,
            success=False,
            max_failures=settings.login_max_failures,
            lockout=timedelta(minutes=settings.login_lockout_minutes),
        )
        audit.record(
            side,
            None,
            AuditAction.AUTH_LOGIN_FAILED,
            resource_type="user",
            resource_id=user_id,
            outcome=Outcome.DENIED,
            details={"reason": reason, "locked": locked_until is not None},
        )


def logout(session: Session, principal: Principal) -> None:
    if principal.session_id is not None:
        repo.delete_session(session, principal.session_id)
    audit.record(session, principal, AuditAction.AUTH_LOGOUT, resource_type="session", resource_id=principal.session_id)


def _require_user(principal: Principal) -> uuid.UUID:
    if principal.user_id is None:
        raise Forbidden("Only a signed-in user can do this")
    return principal.user_id


def begin_totp_setup(session: Session, principal: Principal) -> tuple[str, str]:
    user_id = _require_user(principal)
    bind_user(session, user_id)
    user = repo.get_user(session, user_id)
    if user is None:
        raise NotFound("User not found")
    if user.totp_enabled:
        raise Conflict("TOTP is already enabled for this account")
    secret = pyotp.random_base32()
    user.totp_secret = secret
    session.flush()
    audit.record(session, principal, AuditAction.AUTH_MFA_SETUP_STARTED, resource_type="user", resource_id=user_id)
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=TOTP_ISSUER)
    return secret, uri


def confirm_totp(session: Session, principal: Principal, code: str) -> None:
    user_id = _require_user(principal)
    bind_user(session, user_id)
    user = repo.get_user(session, user_id)
    if user is None or not user.totp_secret:
        raise BadRequest("Start TOTP setup first")
    if user.totp_enabled:
        raise Conflict("TOTP is already enabled for this account")
    if not pyotp.TOTP(user.totp_secret).verify(code, valid_window=1):
        raise BadRequest("Invalid TOTP code")
    user.totp_enabled = True
    if principal.session_id is not None:
        session.execute(
            update(DashboardSession)
            .where(DashboardSession.id == principal.session_id)
            .values(mfa_verified=True)
        )
    session.flush()
    audit.record(session, principal, AuditAction.AUTH_MFA_ENABLED, resource_type="user", resource_id=user_id)


def is_member(session: Session, user_id: uuid.UUID) -> bool:
    """Whether the user belongs to the tenant the transaction is bound to."""
    return repo.get_membership(session, user_id) is not None


def list_members(session: Session) -> list[tuple[Membership, User]]:
    return repo.list_members(session)


def add_member(
    session: Session,
    principal: Principal,
    hashing: PasswordHashing,
    *,
    email: str,
    role: Role,
    display_name: str,
    password: str | None,
) -> tuple[Membership, User]:
    if not can_grant(principal.role, role):
        raise Forbidden(f"A {principal.role} cannot grant the {role} role")
    user_id = create_user(
        session, hashing, principal=principal, email=email, password=password, display_name=display_name
    )
    if repo.get_membership(session, user_id) is not None:
        raise Conflict("This user is already a member")
    membership = Membership(tenant_id=principal.tenant_id, user_id=user_id, role=role.value)
    session.add(membership)
    session.flush()
    audit.record(
        session, principal, AuditAction.MEMBER_ADDED, resource_type="user", resource_id=user_id,
        details={"role": role.value},
    )
    user = repo.get_user(session, user_id)
    assert user is not None
    return membership, user


def change_member_role(session: Session, principal: Principal, user_id: uuid.UUID, role: Role) -> Membership:
    membership = repo.get_membership(session, user_id)
    if membership is None:
        raise NotFound("Member not found")
    if not can_grant(principal.role, role) or not can_grant(principal.role, Role(membership.role)):
        raise Forbidden(f"A {principal.role} cannot change this member to {role}")
    if membership.role == Role.OWNER and role != Role.OWNER and repo.count_owners(session) <= 1:
        raise Conflict("A business must keep at least one owner")
    previous = membership.role
    membership.role = role.value
    session.flush()
    audit.record(
        session, principal, AuditAction.MEMBER_ROLE_CHANGED, resource_type="user", resource_id=user_id,
        details={"from": previous, "to": role.value},
    )
    return membership


def remove_member(session: Session, principal: Principal, user_id: uuid.UUID) -> None:
    membership = repo.get_membership(session, user_id)
    if membership is None:
        raise NotFound("Member not found")
    if not can_grant(principal.role, Role(membership.role)):
        raise Forbidden(f"A {principal.role} cannot remove a {membership.role}")
    if membership.role == Role.OWNER and repo.count_owners(session) <= 1:
        raise Conflict("A business must keep at least one owner")
    repo.delete_membership(session, user_id)
    audit.record(
        session, principal, AuditAction.MEMBER_REMOVED, resource_type="user", resource_id=user_id,
        details={"role": membership.role},
    )


def create_api_key(
    session: Session, principal: Principal | None, *, tenant_id: uuid.UUID, name: str, role: Role
) -> tuple[ApiKey, str]:
    """``principal`` is None only for the operator CLI, which acts outside any request."""
    if principal is not None and not can_grant(principal.role, role):
        raise Forbidden(f"A {principal.role} cannot create a key with the {role} role")
    issued = issue_api_key()
    key = ApiKey(
        tenant_id=tenant_id,
        id=uuid.uuid4(),
        name=name,
        key_prefix=issued.prefix,
        key_hash=issued.hashed,
        role=role.value,
        created_by_user_id=principal.user_id if principal else None,
    )
    session.add(key)
    session.flush()
    session.refresh(key)
    audit.record(
        session, principal, AuditAction.APIKEY_CREATED, resource_type="api_key", resource_id=key.id,
        tenant_id=tenant_id, details={"role": role.value, "key_prefix": issued.prefix},
    )
    return key, issued.plaintext


def revoke_api_key(session: Session, principal: Principal, api_key_id: uuid.UUID) -> ApiKey:
    key = repo.get_api_key(session, api_key_id)
    if key is None:
        raise NotFound("API key not found")
    if not can_grant(principal.role, Role(key.role)):
        raise Forbidden(f"A {principal.role} cannot revoke a {key.role} key")
    if key.revoked_at is None:
        key.revoked_at = datetime.now(UTC)
        session.flush()
        audit.record(session, principal, AuditAction.APIKEY_REVOKED, resource_type="api_key", resource_id=key.id)
    return key


def new_secret_password() -> str:
    return secrets.token_urlsafe(18)
