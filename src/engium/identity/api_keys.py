"""API keys: minted with at most the rights of whoever mints them, and never more than that later.

A key remembers its creator (the operator, a member, or the key that minted it). ``auth_api_key`` in
the database accepts it only while that creator could still grant its role, so a removed or demoted
member's keys stop working even if this module forgot them; here, removal and demotion also revoke
them explicitly (with an audit event each), together with every key those keys minted, so the key
list says what the database enforces.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from engium.access.permissions import Role, can_grant
from engium.access.principal import Principal, PrincipalKind
from engium.audit import recorder as audit
from engium.audit.actions import ActorKind, AuditAction
from engium.errors import Forbidden, NotFound
from engium.identity import repository as repo
from engium.identity.credentials import issue_api_key
from engium.identity.models import ApiKey, User


@dataclass(frozen=True)
class KeyWithCreator:
    key: ApiKey
    creator_email: str | None


def create_api_key(
    session: Session,
    principal: Principal | None,
    *,
    tenant_id: uuid.UUID,
    name: str,
    role: Role,
    operator: tuple[ActorKind, str] | None = None,
) -> tuple[ApiKey, str]:
    """``principal`` is None only for the operator CLI (``operator`` then names who ran it)."""
    if principal is not None and not can_grant(principal.role, role):
        raise Forbidden(f"A {principal.role} cannot create a key with the {role} role")
    issued = issue_api_key()
    by_key = principal is not None and principal.kind is PrincipalKind.API_KEY
    key = ApiKey(
        tenant_id=tenant_id,
        id=uuid.uuid4(),
        name=name,
        key_prefix=issued.prefix,
        key_hash=issued.hashed,
        role=role.value,
        creator_kind="operator" if principal is None else ("api_key" if by_key else "user"),
        created_by_user_id=principal.user_id if principal is not None and not by_key else None,
        created_by_api_key_id=principal.id if principal is not None and by_key else None,
    )
    session.add(key)
    session.flush()
    session.refresh(key)
    audit.record(
        session, principal, AuditAction.APIKEY_CREATED, resource_type="api_key", resource_id=key.id,
        tenant_id=tenant_id, details={"role": role.value, "key_prefix": issued.prefix}, actor=operator,
    )
    return key, issued.plaintext


def list_api_keys(session: Session) -> list[KeyWithCreator]:
    # Members' addresses are visible to their tenant; a removed creator's row is not, and shows as an id.
    emails = {user.id: user.email for user in _creators(session)}
    return [KeyWithCreator(k, emails.get(k.created_by_user_id) if k.created_by_user_id else None)
            for k in repo.list_api_keys(session)]


def _creators(session: Session) -> list[User]:
    return [user for _, user in repo.list_members(session)]


def with_creator(session: Session, key: ApiKey) -> KeyWithCreator:
    user = repo.get_user(session, key.created_by_user_id) if key.created_by_user_id else None
    # RLS shows a user row only while it is a member here (or the caller themselves).
    member = user is not None and repo.get_membership(session, user.id) is not None
    return KeyWithCreator(key, user.email if user is not None and member else None)


def revoke_api_key(session: Session, principal: Principal, api_key_id: uuid.UUID) -> ApiKey:
    key = repo.get_api_key(session, api_key_id)
    if key is None:
        raise NotFound("API key not found")
    if not can_grant(principal.role, Role(key.role)):
        raise Forbidden(f"A {principal.role} cannot revoke a {key.role} key")
    if key.revoked_at is None:
        _revoke(session, principal, [key.id], reason="revoked")
    session.refresh(key)
    return key


def revoke_keys_of_member(session: Session, principal: Principal, user_id: uuid.UUID, *, now_role: Role | None) -> int:
    """Revokes the member's keys that their role no longer covers (all of them when ``now_role`` is None,
    i.e. they left), and every key those keys minted. Returns how many keys were revoked."""
    doomed = [
        k.id for k in repo.keys_created_by(session, user_id)
        if k.revoked_at is None and (now_role is None or not can_grant(now_role, Role(k.role)))
    ]
    reason = "member_removed" if now_role is None else "member_demoted"
    return _revoke(session, principal, doomed, reason=reason) if doomed else 0


def _revoke(session: Session, principal: Principal, key_ids: list[uuid.UUID], *, reason: str) -> int:
    revoked = repo.revoke_keys_and_descendants(session, key_ids, datetime.now(UTC))
    for key_id in revoked:
        audit.record(
            session, principal, AuditAction.APIKEY_REVOKED, resource_type="api_key", resource_id=key_id,
            details={"reason": reason if key_id in key_ids else "minting_key_revoked"},
        )
    return len(revoked)
