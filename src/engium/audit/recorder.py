"""Writes audit events through ``audit_append``, in the caller's transaction.

Services call :func:`record` next to the change they make, so the event commits or rolls back with
it. Actor, tenant, IP, user agent and request id come from the authenticated principal and the
request context; callers name only what happened.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import event, text
from sqlalchemy.orm import Session

from engium.audit.actions import ActorKind, AuditAction, Outcome
from engium.context import current_request_context
from engium.identity.principal import Principal, PrincipalKind

# The platform chain: events that happen before any tenant is known (failed authentication).
PLATFORM_TENANT = UUID(int=0)

_APPEND = text(
    "select seq from audit_append(cast(:tenant_id as uuid), :actor_kind, :actor_id, cast(:ip as inet), :user_agent, "
    ":request_id, :action, :resource_type, :resource_id, :outcome, cast(:details as jsonb))"
)
_PENDING = "engium_audit_pending"


@event.listens_for(Session, "before_commit")
def _append_pending_events(session: Session) -> None:
    """Appends the transaction's events just before it commits.

    ``audit_append`` locks the tenant's chain head until commit; appending at the end instead of where
    each event is recorded keeps that per-tenant lock for the commit alone, not for the whole request
    (a webhook that logs a secret's use first would otherwise serialise every request of its tenant).
    The events still commit or roll back with the change.
    """
    pending: list[dict[str, Any]] = session.info.pop(_PENDING, [])
    if pending:
        session.connection().execute(_APPEND, pending)


@event.listens_for(Session, "after_rollback")
def _drop_pending_events(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _actor(principal: Principal | None) -> tuple[ActorKind, str]:
    if principal is not None:
        if principal.kind is PrincipalKind.SYSTEM:
            return ActorKind.SYSTEM, principal.component
        kind = ActorKind.USER if principal.kind is PrincipalKind.USER else ActorKind.API_KEY
        return kind, str(principal.id)
    ctx = current_request_context()
    if ctx is not None and ctx.actor.tenant_id is not None:
        return ActorKind(ctx.actor.kind), ctx.actor.id
    # No request at all: an operator's CLI command or a background job.
    return (ActorKind.ANONYMOUS, "") if ctx is not None else (ActorKind.SYSTEM, "cli")


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
) -> None:
    """Records one event for the bound tenant's chain; it is appended when the transaction commits.

    ``details`` must hold no secrets and no free-text personal data: ids, field names, counts.
    """
    ctx = current_request_context()
    # None lets audit_append use the tenant the transaction is bound to (or the platform chain).
    tenant = tenant_id or (principal.tenant_id if principal else None)
    actor_kind, actor_id = actor or _actor(principal)
    session.info.setdefault(_PENDING, []).append(
        {
            "tenant_id": tenant,
            "actor_kind": actor_kind.value,
            "actor_id": actor_id,
            "ip": ctx.client_ip if ctx else None,
            "user_agent": ctx.user_agent if ctx else "",
            "request_id": ctx.request_id if ctx else "",
            "action": action.value,
            "resource_type": resource_type,
            "resource_id": str(resource_id) if resource_id else "",
            "outcome": outcome.value,
            "details": json.dumps(dict(details or {}), default=str, sort_keys=True),
        }
    )
    if ctx is not None:
        ctx.actor.events_recorded += 1
