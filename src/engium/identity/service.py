"""Identity rules: sign-in, accounts the operator creates, memberships, TOTP enrolment.

Services take the session and the acting principal explicitly and never commit. Joining a tenant is
identity/invitations.py; API keys are identity/api_keys.py; checking a password is identity/sign_in.py.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pyotp
from sqlalchemy import update
from sqlalchemy.orm import Session

from engium.access.permissions import Role, can_grant
from engium.access.principal import Principal, PrincipalKind, remember_for_refusals
from engium.access.suspension import refuse_if_suspended
from engium.access.tokens import digest
from engium.audit import recorder as audit
from engium.audit.actions import ActorKind, AuditAction
from engium.crypto.keyring import DataKeyRing
from engium.errors import BadRequest, Conflict, Forbidden, NotFound, Unauthorized
from engium.identity import api_keys, totp
from engium.identity import repository as repo
from engium.identity.credentials import PasswordHashing, issue_session_token
from engium.identity.invitations import MIN_PASSWORD_LENGTH, normalize_email
from engium.identity.models import DashboardSession, Membership, User
from engium.identity.sign_in import INVALID_LOGIN, SignInChecks, record_unknown_account, verify_existing_account
from engium.kit.database import Database
from engium.tenancy.binding import bind_tenant, bind_user

if TYPE_CHECKING:
    from engium.config import Settings

TOTP_ISSUER = "Engium"


@dataclass(frozen=True)
class LoginOutcome:
    tenant_id: uuid.UUID
    user_id: uuid.UUID
    role: Role
    session_token: str
    csrf_token: str
    mfa_verified: bool
    mfa_setup_required: bool


def create_account(
    session: Session,
    hashing: PasswordHashing,
    *,
    email: str,
    password: str,
    display_name: str = "",
    actor: tuple[ActorKind, str] | None = None,
) -> uuid.UUID:
    """A new identity with a password chosen by the operator (provisioning, the demo).

    An address that already has an account is a conflict, never a silent reuse: its password belongs
    to its holder, who joins a tenant by redeeming an invitation (identity/invitations.py)."""
    normalized = normalize_email(email)
    if repo.find_user_id(session, normalized) is not None:
        raise Conflict("An account with this e-mail address already exists; invite it instead")
    user_id = uuid.uuid4()
    session.add(
        User(
            id=user_id,
            email=email.strip(),
            email_normalized=normalized,
            display_name=display_name,
            password_hash=hashing.hash(password),
            # Explicit values avoid INSERT ... RETURNING, which the users SELECT policy would refuse
            # until the membership that makes the row visible exists.
            totp_enabled=False,
            failed_login_count=0,
            created_at=datetime.now(UTC),
        )
    )
    session.flush()
    audit.record(session, None, AuditAction.USER_CREATED, resource_type="user", resource_id=user_id, actor=actor)
    return user_id


def login(
    session: Session,
    database: Database,
    settings: Settings,
    checks: SignInChecks,
    *,
    email: str,
    password: str,
    tenant_id: uuid.UUID | None,
    totp_code: str | None,
) -> LoginOutcome:
    candidate = repo.login_candidate(session, normalize_email(email))
    if candidate is None:
        record_unknown_account(checks, password)
        raise Unauthorized(INVALID_LOGIN)
    now = datetime.now(UTC)
    verify_existing_account(database, checks, candidate, password=password, totp_code=totp_code, now=now)

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
        # Only the account's own memberships, each of which its holder accepted (identity/invitations.py).
        raise BadRequest(
            "This account belongs to several businesses; pass tenant_id",
            details={"tenants": [{"id": str(c.tenant_id), "name": c.tenant_name} for c in choices]},
        )
    bind_tenant(session, chosen.tenant_id, candidate.user_id)
    # After the password: only the account's holder learns that their business is suspended.
    refuse_if_suspended(session)
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
    member = remember_for_refusals(Principal(
        PrincipalKind.USER, candidate.user_id, chosen.tenant_id, Role(chosen.role), user_id=candidate.user_id,
        session_id=session_id, mfa_satisfied=mfa_ok,
    ))
    audit.record(
        session,
        member,
        AuditAction.AUTH_LOGIN_SUCCEEDED,
        resource_type="session",
        resource_id=session_id,
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


def logout(session: Session, principal: Principal) -> None:
    if principal.session_id is not None:
        repo.delete_session(session, principal.session_id)
    audit.record(session, principal, AuditAction.AUTH_LOGOUT, resource_type="session", resource_id=principal.session_id)


def _require_user(principal: Principal) -> uuid.UUID:
    if principal.user_id is None:
        raise Forbidden("Only a signed-in user can do this")
    return principal.user_id


def begin_totp_setup(
    session: Session, database: Database, vault: DataKeyRing, principal: Principal
) -> tuple[str, str]:
    user_id = _require_user(principal)
    bind_user(session, user_id)
    user = repo.get_user(session, user_id)
    if user is None:
        raise NotFound("User not found")
    if user.totp_enabled:
        raise Conflict("TOTP is already enabled for this account")
    secret = totp.new_secret()
    user.totp_ciphertext = totp.seal(database, vault, user_id, secret)
    user.totp_secret = None
    session.flush()
    audit.record(session, principal, AuditAction.AUTH_MFA_SETUP_STARTED, resource_type="user", resource_id=user_id)
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=TOTP_ISSUER)
    return secret, uri


def pending_totp_setup(
    session: Session, database: Database, vault: DataKeyRing, principal: Principal
) -> tuple[str, str] | None:
    """The secret and otpauth URI of the member's own enrolment that is started but not confirmed, so the
    enrolment page can show the same QR code again after a mistyped code; None when there is none."""
    user_id = _require_user(principal)
    bind_user(session, user_id)
    user = repo.get_user(session, user_id)
    if user is None or user.totp_enabled or user.totp_ciphertext is None:
        return None
    secret = totp.unseal(database, vault, user_id, user.totp_ciphertext)
    return secret, pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=TOTP_ISSUER)


def confirm_totp(session: Session, database: Database, vault: DataKeyRing, principal: Principal, code: str) -> None:
    user_id = _require_user(principal)
    bind_user(session, user_id)
    user = repo.get_user(session, user_id)
    if user is None or user.totp_ciphertext is None:
        raise BadRequest("Start TOTP setup first")
    if user.totp_enabled:
        raise Conflict("TOTP is already enabled for this account")
    secret = totp.unseal(database, vault, user_id, user.totp_ciphertext)
    step = totp.matching_step(secret, code, datetime.now(UTC))
    if step is None:
        raise BadRequest("Invalid TOTP code")
    # The confirming code is spent too: it cannot be replayed at the next sign-in.
    user.totp_last_step = step
    user.totp_enabled = True
    if principal.session_id is not None:
        session.execute(
            update(DashboardSession)
            .where(DashboardSession.id == principal.session_id)
            .values(mfa_verified=True)
        )
    session.flush()
    audit.record(session, principal, AuditAction.AUTH_MFA_ENABLED, resource_type="user", resource_id=user_id)


def change_password(
    session: Session,
    database: Database,
    checks: SignInChecks,
    principal: Principal,
    *,
    current_password: str,
    new_password: str,
) -> int:
    """The signed-in member replaces their password, proving the current one (counted like a sign-in).

    The member's other sessions in this business end (whoever else held one no longer does); sessions in
    other businesses are out of this transaction's reach (RLS) and expire on their own. Returns how
    many sessions ended."""
    user_id = _require_user(principal)
    bind_user(session, user_id)
    user = repo.get_user(session, user_id)
    if user is None:
        raise NotFound("User not found")
    candidate = repo.login_candidate(session, user.email_normalized)
    if candidate is None:
        raise NotFound("User not found")
    verify_existing_account(
        database, checks, candidate, password=current_password, totp_code=None, now=datetime.now(UTC),
        require_totp=False,
    )
    if len(new_password) < MIN_PASSWORD_LENGTH:
        raise BadRequest(f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters")
    if new_password == current_password:
        raise BadRequest("The new password must differ from the current one")
    user.password_hash = checks.hashing.hash(new_password)
    session.flush()
    ended = repo.delete_other_sessions(session, user_id, keep=principal.session_id)
    audit.record(
        session, principal, AuditAction.AUTH_PASSWORD_CHANGED, resource_type="user", resource_id=user_id,
        details={"other_sessions_ended": ended},
    )
    return ended


def is_member(session: Session, user_id: uuid.UUID) -> bool:
    """Whether the user belongs to the tenant the transaction is bound to."""
    return repo.get_membership(session, user_id) is not None


def list_members(session: Session) -> list[tuple[Membership, User]]:
    return repo.list_members(session)


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
    # Keys the new role could not have granted stop working now (the database refuses them anyway).
    api_keys.revoke_keys_of_member(session, principal, user_id, now_role=role)
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
    api_keys.revoke_keys_of_member(session, principal, user_id, now_role=None)


def new_secret_password() -> str:
    return secrets.token_urlsafe(18)
