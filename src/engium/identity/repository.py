"""All identity SQL. Credential resolution goes through the SECURITY DEFINER auth_* functions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from engium.identity.models import ApiKey, DashboardSession, Invitation, Membership, User
from engium.tenancy.binding import set_config_sql


@dataclass(frozen=True)
class LoginCandidate:
    user_id: UUID
    password_hash: str | None
    locked_until: datetime | None
    totp_enabled: bool
    totp_ciphertext: bytes | None


@dataclass(frozen=True)
class LoginAttempt:
    allowed: bool
    locked_until: datetime | None


@dataclass(frozen=True)
class InvitationGrant:
    tenant_id: UUID
    invitation_id: UUID
    email: str
    email_normalized: str
    role: str
    expires_at: datetime
    tenant_name: str


@dataclass(frozen=True)
class TenantChoice:
    tenant_id: UUID
    tenant_name: str
    role: str


def login_candidate(session: Session, email_normalized: str) -> LoginCandidate | None:
    row = session.execute(text("select * from auth_login_lookup(:e)"), {"e": email_normalized}).first()
    if row is None:
        return None
    return LoginCandidate(row[0], row[1], row[2], row[3], bytes(row[4]) if row[4] is not None else None)


def begin_login_attempt(session: Session, user_id: UUID, *, max_failures: int, lockout: timedelta) -> LoginAttempt:
    """Counts one attempt before its password is checked (see auth_login_begin in migration 0012)."""
    row = session.execute(
        text("select allowed, locked_until from auth_login_begin(:u, :m, :l)"),
        {"u": user_id, "m": max_failures, "l": lockout},
    ).one()
    return LoginAttempt(bool(row[0]), row[1])


_RESOLVE_AND_BIND_INVITATION = text(
    "select i.tenant_id, i.invitation_id, i.email, i.email_normalized, i.role, i.expires_at, i.tenant_name,"
    f" {set_config_sql('i.tenant_id::text')}"
    " from auth_invitation(:h) i"
)


def resolve_invitation_and_bind(session: Session, token_hash: bytes) -> InvitationGrant | None:
    """The open invitation with this token; binds the transaction to its tenant (nothing when unknown)."""
    row = session.execute(_RESOLVE_AND_BIND_INVITATION, {"h": token_hash}).first()
    return InvitationGrant(*row[:7]) if row else None


def record_login_result(
    session: Session, user_id: UUID, *, success: bool, max_failures: int, lockout: timedelta
) -> datetime | None:
    locked: datetime | None = session.execute(
        text("select auth_login_result(:u, :s, :m, :l)"),
        {"u": user_id, "s": success, "m": max_failures, "l": lockout},
    ).scalar()
    return locked


def user_tenants(session: Session, user_id: UUID) -> list[TenantChoice]:
    rows = session.execute(text("select * from auth_user_tenants(:u)"), {"u": user_id}).all()
    return [TenantChoice(*row) for row in rows]


def find_user_id(session: Session, email_normalized: str) -> UUID | None:
    found: UUID | None = session.execute(
        text("select auth_find_user(:e)"), {"e": email_normalized}
    ).scalar()
    return found


def get_user(session: Session, user_id: UUID) -> User | None:
    return session.get(User, user_id)


def list_members(session: Session) -> list[tuple[Membership, User]]:
    stmt = select(Membership, User).join(User, User.id == Membership.user_id).order_by(User.email_normalized)
    return [(m, u) for m, u in session.execute(stmt)]


def get_membership(session: Session, user_id: UUID) -> Membership | None:
    return session.execute(select(Membership).where(Membership.user_id == user_id)).scalar_one_or_none()


def count_owners(session: Session) -> int:
    return session.execute(
        select(func.count()).select_from(Membership).where(Membership.role == "owner")
    ).scalar_one()


def delete_membership(session: Session, user_id: UUID) -> None:
    session.execute(delete(Membership).where(Membership.user_id == user_id))
    session.execute(delete(DashboardSession).where(DashboardSession.user_id == user_id))


def list_api_keys(session: Session) -> list[ApiKey]:
    return list(session.execute(select(ApiKey).order_by(ApiKey.created_at.desc(), ApiKey.id)).scalars())


def get_api_key(session: Session, api_key_id: UUID) -> ApiKey | None:
    return session.execute(select(ApiKey).where(ApiKey.id == api_key_id)).scalar_one_or_none()


def keys_created_by(session: Session, user_id: UUID) -> list[ApiKey]:
    return list(session.execute(select(ApiKey).where(ApiKey.created_by_user_id == user_id)).scalars())


_REVOKE_WITH_DESCENDANTS = text(
    "with recursive doomed as ("
    " select tenant_id, id from api_keys where id = any(:ids)"
    " union"
    " select k.tenant_id, k.id from api_keys k"
    " join doomed d on k.tenant_id = d.tenant_id and k.created_by_api_key_id = d.id"
    ") update api_keys k set revoked_at = :now from doomed d"
    " where k.tenant_id = d.tenant_id and k.id = d.id and k.revoked_at is null returning k.id"
)


def revoke_keys_and_descendants(session: Session, key_ids: list[UUID], now: datetime) -> list[UUID]:
    """Revokes the keys and every key minted by them, transitively; returns those newly revoked."""
    return list(session.execute(_REVOKE_WITH_DESCENDANTS, {"ids": key_ids, "now": now}).scalars())


def member_with_email(session: Session, email_normalized: str) -> Membership | None:
    """The bound tenant's membership of the user with this address (RLS: other tenants see none)."""
    stmt = (
        select(Membership).join(User, User.id == Membership.user_id)
        .where(User.email_normalized == email_normalized)
    )
    return session.execute(stmt).scalar_one_or_none()


def open_invitations(session: Session) -> list[Invitation]:
    stmt = (
        select(Invitation)
        .where(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
        .order_by(Invitation.created_at.desc(), Invitation.id)
    )
    return list(session.execute(stmt).scalars())


def get_invitation(session: Session, invitation_id: UUID) -> Invitation | None:
    return session.execute(select(Invitation).where(Invitation.id == invitation_id)).scalar_one_or_none()


def supersede_open_invitations(session: Session, email_normalized: str, now: datetime) -> list[UUID]:
    stmt = (
        update(Invitation)
        .where(Invitation.email_normalized == email_normalized, Invitation.accepted_at.is_(None),
               Invitation.revoked_at.is_(None))
        .values(revoked_at=now)
        .returning(Invitation.id)
    )
    return list(session.execute(stmt).scalars())


def claim_invitation(session: Session, invitation_id: UUID, now: datetime) -> bool:
    """Marks the invitation used, once: False when it was redeemed, revoked or expired meanwhile.

    The row lock makes a concurrent redemption of the same token wait, then find it used."""
    stmt = (
        update(Invitation)
        .where(Invitation.id == invitation_id, Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
               Invitation.expires_at > now)
        .values(accepted_at=now)
        .returning(Invitation.id)
    )
    return session.execute(stmt).first() is not None


def set_accepting_user(session: Session, invitation_id: UUID, user_id: UUID) -> None:
    session.execute(update(Invitation).where(Invitation.id == invitation_id).values(accepted_user_id=user_id))


def delete_session(session: Session, session_id: UUID) -> None:
    session.execute(delete(DashboardSession).where(DashboardSession.id == session_id))


def delete_other_sessions(session: Session, user_id: UUID, *, keep: UUID | None) -> int:
    """Ends the user's sessions in the bound tenant other than ``keep``; returns how many ended."""
    stmt = delete(DashboardSession).where(DashboardSession.user_id == user_id)
    if keep is not None:
        stmt = stmt.where(DashboardSession.id != keep)
    return len(session.execute(stmt.returning(DashboardSession.id)).all())
