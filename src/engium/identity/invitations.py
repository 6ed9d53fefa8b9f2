"""Joining a tenant: an invitation the invitee redeems (ADR 0015).

Users are global, so whoever creates a membership must never choose or learn the credentials of an
identity that another tenant can use. A business therefore never sets a member's password: it creates
an invitation (a single-use, expiring token, stored only as its SHA-256) and hands the link over. The
holder of the link then either

* sets their own password, when no account has this address yet, or
* proves they hold the existing account by signing in with it (password, and TOTP when enrolled),
  counted against the account's lockout like any sign-in,

and only then does the membership exist. Creating an invitation reveals nothing about whether the
address has an account, and the member list shows only members of the tenant itself.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from engium.access.permissions import Role, can_grant
from engium.access.principal import Principal, PrincipalKind
from engium.access.tokens import digest
from engium.audit import recorder as audit
from engium.audit.actions import ActorKind, AuditAction
from engium.errors import Conflict, Forbidden, NotFound, Unprocessable
from engium.identity import repository as repo
from engium.identity.credentials import PasswordHashing
from engium.identity.models import Invitation, Membership, User
from engium.identity.sign_in import SignInChecks, verify_existing_account
from engium.kit.database import Database

DEFAULT_TTL = timedelta(days=7)
INVALID_INVITATION = "This invitation link is invalid, has already been used, or has expired"
MIN_PASSWORD_LENGTH = 12


def normalize_email(email: str) -> str:
    return email.strip().lower()


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str  # shown once, to whoever created the invitation; only its hash is stored


@dataclass(frozen=True)
class Inviter:
    """Who invites: a member or key of the tenant (``principal``), or the operator at the CLI."""

    principal: Principal | None
    operator: str = ""

    @property
    def kind(self) -> str:
        if self.principal is None:
            return "operator"
        return "api_key" if self.principal.kind is PrincipalKind.API_KEY else "user"

    @property
    def audit_actor(self) -> tuple[ActorKind, str] | None:
        return (ActorKind.OPERATOR, self.operator) if self.principal is None else None


def invite(
    session: Session,
    inviter: Inviter,
    *,
    tenant_id: uuid.UUID,
    email: str,
    role: Role,
    ttl: timedelta = DEFAULT_TTL,
) -> IssuedInvitation:
    """An invitation to ``role`` in the bound tenant; an open one for the same address is superseded."""
    if inviter.principal is not None and not can_grant(inviter.principal.role, role):
        raise Forbidden(f"A {inviter.principal.role} cannot invite someone as {role}")
    normalized = normalize_email(email)
    if repo.member_with_email(session, normalized) is not None:
        raise Conflict("This person is already a member")
    now = datetime.now(UTC)
    for superseded in repo.supersede_open_invitations(session, normalized, now):
        audit.record(
            session, inviter.principal, AuditAction.INVITATION_REVOKED, resource_type="invitation",
            resource_id=superseded, tenant_id=tenant_id, actor=inviter.audit_actor,
            details={"reason": "superseded"},
        )
    session.flush()
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        tenant_id=tenant_id, id=uuid.uuid4(), email=email.strip(), email_normalized=normalized, role=role.value,
        token_hash=digest(token), invited_by_kind=inviter.kind,
        invited_by_id=str(inviter.principal.id) if inviter.principal else inviter.operator[:200],
        created_at=now, expires_at=now + ttl,
    )
    session.add(invitation)
    session.flush()
    audit.record(
        session, inviter.principal, AuditAction.INVITATION_CREATED, resource_type="invitation",
        resource_id=invitation.id, tenant_id=tenant_id, actor=inviter.audit_actor,
        details={"role": role.value, "expires_at": invitation.expires_at.isoformat()},
    )
    return IssuedInvitation(invitation, token)


def list_open(session: Session) -> list[Invitation]:
    return repo.open_invitations(session)


def revoke(session: Session, principal: Principal, invitation_id: uuid.UUID) -> Invitation:
    invitation = repo.get_invitation(session, invitation_id)
    if invitation is None or invitation.accepted_at is not None:
        raise NotFound("Invitation not found")
    if not can_grant(principal.role, Role(invitation.role)):
        raise Forbidden(f"A {principal.role} cannot revoke an invitation as {invitation.role}")
    if invitation.revoked_at is None:
        invitation.revoked_at = datetime.now(UTC)
        session.flush()
        audit.record(
            session, principal, AuditAction.INVITATION_REVOKED, resource_type="invitation",
            resource_id=invitation.id, details={"reason": "revoked"},
        )
    return invitation


@dataclass(frozen=True)
class InvitationPreview:
    tenant_name: str
    email: str
    role: Role
    expires_at: datetime
    account_exists: bool


def preview(session: Session, token: str) -> InvitationPreview:
    """What the link offers, for the page that redeems it. Only the token's holder can ask."""
    grant = repo.resolve_invitation_and_bind(session, digest(token))
    if grant is None:
        raise NotFound(INVALID_INVITATION)
    return InvitationPreview(
        grant.tenant_name, grant.email, Role(grant.role), grant.expires_at,
        repo.login_candidate(session, grant.email_normalized) is not None,
    )


@dataclass(frozen=True)
class AcceptedInvitation:
    tenant_id: uuid.UUID
    user_id: uuid.UUID
    role: Role
    account_created: bool


def accept(
    session: Session,
    database: Database,
    checks: SignInChecks,
    hashing: PasswordHashing,
    *,
    token: str,
    password: str,
    totp_code: str | None,
    display_name: str,
) -> AcceptedInvitation:
    grant = repo.resolve_invitation_and_bind(session, digest(token))
    if grant is None:
        raise NotFound(INVALID_INVITATION)
    now = datetime.now(UTC)
    candidate = repo.login_candidate(session, grant.email_normalized)
    if candidate is not None:
        # The existing account proves itself exactly as at sign-in; nothing about it is changed.
        verify_existing_account(database, checks, candidate, password=password, totp_code=totp_code, now=now)
        user_id = candidate.user_id
    elif len(password) < MIN_PASSWORD_LENGTH:
        raise Unprocessable(f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters")
    else:
        user_id = uuid.uuid4()
    if not repo.claim_invitation(session, grant.invitation_id, now):
        raise NotFound(INVALID_INVITATION)
    if candidate is None:
        session.add(User(
            id=user_id, email=grant.email, email_normalized=grant.email_normalized,
            display_name=display_name.strip(), password_hash=hashing.hash(password),
            # Explicit values avoid INSERT ... RETURNING, which the users SELECT policy would refuse
            # until the membership that makes the row visible exists.
            totp_enabled=False, failed_login_count=0, created_at=now,
        ))
        session.flush()
    elif repo.get_membership(session, user_id) is not None:
        raise Conflict("You are already a member of this business")
    repo.set_accepting_user(session, grant.invitation_id, user_id)
    session.add(Membership(tenant_id=grant.tenant_id, user_id=user_id, role=grant.role))
    session.flush()
    actor = (ActorKind.USER, str(user_id))
    audit.record(
        session, None, AuditAction.INVITATION_ACCEPTED, resource_type="invitation",
        resource_id=grant.invitation_id, tenant_id=grant.tenant_id, actor=actor,
        details={"role": grant.role, "account_created": candidate is None},
    )
    audit.record(
        session, None, AuditAction.MEMBER_ADDED, resource_type="user", resource_id=user_id,
        tenant_id=grant.tenant_id, actor=actor, details={"role": grant.role, "via": "invitation"},
    )
    return AcceptedInvitation(grant.tenant_id, user_id, Role(grant.role), candidate is None)


def accept_url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/invitations/accept?token={token}"

