"""Writes audit events through ``audit_append``, in the caller's transaction.

Services call :func:`record` next to the change they make, so the event commits or rolls back with
it. Actor, tenant, IP, user agent and request id come from the authenticated principal and the
request context; callers name only what happened.

An event belongs to the level of the transaction that recorded it: the innermost open savepoint
(``session.begin_nested()``), or the transaction itself. A released savepoint hands its events to the
level around it; a savepoint that rolls back drops its own events and those of the savepoints released
inside it, nothing else (a service that tries a booking in a savepoint and moves on when it loses the
race keeps what it recorded before); a transaction that rolls back drops them all. Whatever is still
pending when the transaction commits is appended then, in the order it was recorded.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import event, text
from sqlalchemy.orm import Session, SessionTransaction

from engium.access.principal import Principal
from engium.audit.actions import ActorKind, AuditAction, Outcome
from engium.audit.personal import PERSONAL_FIELD, SealingKey, seal_groups
from engium.context import current_request_context
from engium.tenancy.binding import bound_tenant

# The platform chain: events that happen before any tenant is known (failed authentication).
PLATFORM_TENANT = UUID(int=0)

_APPEND = text(
    "select seq from audit_append(cast(:tenant_id as uuid), :actor_kind, :actor_id, cast(:ip as inet), :user_agent, "
    ":request_id, :action, :resource_type, :resource_id, :outcome, cast(:details as jsonb))"
)
# session.info keys: the pending events by level, and the savepoint whose release may be under way.
_PENDING = "engium_audit_pending"
_RELEASING = "engium_audit_releasing"

Event = dict[str, Any]
# A savepoint, or None for the transaction itself (also before it has begun).
Level = SessionTransaction | None


def _pending(session: Session) -> dict[Level, list[Event]]:
    levels: dict[Level, list[Event]] = session.info.setdefault(_PENDING, {})
    return levels


def _enclosing_level(savepoint: SessionTransaction) -> Level:
    # Skips the ORM's internal subtransactions (a flush opens one): only savepoints are levels.
    parent = savepoint.parent
    while parent is not None and not parent.nested:
        parent = parent.parent
    return parent


@event.listens_for(Session, "before_commit")
def _append_pending_events(session: Session) -> None:
    """Appends the transaction's events just before it commits.

    ``audit_append`` locks the tenant's chain head until commit; appending at the end instead of where
    each event is recorded keeps that per-tenant lock for the commit alone, not for the whole request
    (a webhook that logs a secret's use first would otherwise serialise every request of its tenant).
    The events still commit or roll back with the change.

    SQLAlchemy fires this for a savepoint's release too, while that savepoint is still the innermost:
    its events then only move up a level (:func:`_hand_released_events_up`). It also fires, first, for a
    transaction committed with a savepoint left open, which then releases that savepoint: a second call
    for the same savepoint therefore means the commit is under way, and the events are appended then.
    """
    savepoint = session.get_nested_transaction()
    if savepoint is not None and session.info.get(_RELEASING) is not savepoint:
        session.info[_RELEASING] = savepoint
        return
    levels: dict[Level, list[Event]] = session.info.pop(_PENDING, {})
    pending = [recorded for events in levels.values() for recorded in events]
    if pending:
        session.connection().execute(_APPEND, pending)


@event.listens_for(Session, "after_commit")
def _hand_released_events_up(session: Session) -> None:
    session.info.pop(_RELEASING, None)
    released = session.get_nested_transaction()  # None: the transaction itself committed
    levels = session.info.get(_PENDING)
    if released is not None and levels and released in levels:
        events = levels.pop(released)
        levels.setdefault(_enclosing_level(released), []).extend(events)


@event.listens_for(Session, "after_transaction_end")
def _drop_events_that_did_not_commit(session: Session, transaction: SessionTransaction) -> None:
    """A level that ends still holding events did not commit them: it rolled back (or was closed).

    ``after_rollback`` is no help here: it fires for a savepoint's rollback without saying which level
    rolled back, and not at all when the database rollback fails.
    """
    if transaction.nested:
        if session.info.get(_RELEASING) is transaction:
            session.info.pop(_RELEASING)
        levels = session.info.get(_PENDING)
        if levels:
            levels.pop(transaction, None)
    elif transaction.parent is None:
        session.info.pop(_PENDING, None)
        session.info.pop(_RELEASING, None)


def _actor(principal: Principal | None) -> tuple[ActorKind, str]:
    """The actor comes from the principal the caller passes, never from ambient state: a service that
    acts for someone must say for whom. Without one, a request's event is anonymous (a refused sign-in)."""
    if principal is not None:
        return ActorKind(principal.kind.value), principal.actor_id
    return (ActorKind.ANONYMOUS, "") if current_request_context() is not None else (ActorKind.SYSTEM, "unattributed")


# Actors whose network address and user agent are a customer's (or a provider's acting for one): sealed.
SEALED_NETWORK_ACTORS = frozenset({ActorKind.CONTACT, ActorKind.WEBHOOK})


def _contact_of(actor_kind: ActorKind, actor_id: str, subject: UUID | None) -> UUID | None:
    if subject is not None or actor_kind is not ActorKind.CONTACT:
        return subject
    try:
        return UUID(actor_id)
    except ValueError:
        return None


def network_key_for(principal: Principal | None) -> SealingKey | None:
    """The key :func:`record` would seal this actor's IP address and user agent under now, if it would seal
    them at all: for a caller that reads the key row ahead, in a round trip it makes anyway (ADR 0051)."""
    ctx = current_request_context()
    if ctx is None or not (ctx.client_ip or ctx.user_agent):
        return None
    actor_kind, actor_id = _actor(principal)
    if actor_kind not in SEALED_NETWORK_ACTORS:
        return None
    return SealingKey.network(_contact_of(actor_kind, actor_id, None))


def record(
    session: Session,
    principal: Principal | None,
    action: AuditAction,
    *,
    resource_type: str = "",
    resource_id: object = "",
    outcome: Outcome = Outcome.SUCCESS,
    details: Mapping[str, Any] | None = None,
    tenant_id: UUID | None = None,
    actor: tuple[ActorKind, str] | None = None,
    personal: Mapping[str, Any] | None = None,
    subject: UUID | None = None,
) -> None:
    """Records one event for the bound tenant's chain; it is appended when the transaction commits.

    ``details`` must hold no secrets and no personal data: ids, field names, counts. What identifies a
    customer goes in ``personal`` instead, with the ``subject`` (contact id) it belongs to: it is sealed
    under that customer's key before the event is hashed (audit/personal.py). A contact acting for
    themselves is the subject of their own event. The IP address and user agent of a contact or a
    webhook sender are always sealed (under the subject's monthly network key), never stored in clear.
    """
    ctx = current_request_context()
    # None lets audit_append use the tenant the transaction is bound to (or the platform chain).
    tenant = tenant_id or (principal.tenant_id if principal else None)
    actor_kind, actor_id = actor or _actor(principal)
    ip, user_agent = (ctx.client_ip, ctx.user_agent) if ctx else (None, "")
    contents = dict(details or {})
    if PERSONAL_FIELD in contents:
        raise ValueError(f"details may not use the reserved key {PERSONAL_FIELD!r}")
    owner = _contact_of(actor_kind, actor_id, subject)
    groups: list[tuple[SealingKey, Mapping[str, Any]]] = []
    if actor_kind in SEALED_NETWORK_ACTORS and (ip or user_agent):
        groups.append((SealingKey.network(owner), {"ip": ip, "user_agent": user_agent}))
        ip, user_agent = None, ""
    if personal:
        if owner is None:
            raise ValueError("personal values need the subject (contact) they belong to")
        groups.append((SealingKey.of_contact(owner), personal))
    if groups:
        sealing_tenant = tenant or bound_tenant(session)
        if sealing_tenant is None:
            raise ValueError("personal values can only be recorded for a bound tenant")
        contents[PERSONAL_FIELD] = seal_groups(session, sealing_tenant, groups)
    _pending(session).setdefault(session.get_nested_transaction(), []).append(
        {
            "tenant_id": tenant,
            "actor_kind": actor_kind.value,
            "actor_id": actor_id,
            "ip": ip,
            "user_agent": user_agent or "",
            "request_id": ctx.request_id if ctx else "",
            "action": action.value,
            "resource_type": resource_type,
            "resource_id": str(resource_id) if resource_id else "",
            "outcome": outcome.value,
            "details": json.dumps(contents, default=str, sort_keys=True),
        }
    )


def has_pending(session: Session) -> bool:
    """Whether the transaction will append any event at commit (those of rolled-back savepoints are gone)."""
    return any(_pending(session).values())
