"""SQL for ``assistant_states``: what the engine remembers between turns of one conversation.

Runs under the bound tenant's RLS like every tenant table. ``pending`` holds a proposal awaiting the
customer's "yes" (or, over SMS and WhatsApp, a change awaiting its one-time code: only the code's hash
and the count of wrong ones are kept, see confirmation_codes.py) or the pieces of a booking being
collected: kinds, ids, dates and times only, never text the customer wrote.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from engium.assistant.models import AssistantState


def load(session: Session, conversation_id: UUID, *, for_update: bool = False) -> AssistantState | None:
    query = select(AssistantState).where(AssistantState.conversation_id == conversation_id)
    if for_update:
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()


def current_pending(state: AssistantState | None, now: datetime, ttl: timedelta) -> dict[str, Any] | None:
    """The pending proposal unless it has expired: a "yes" long after the question confirms nothing."""
    if state is None or not state.pending:
        return None
    try:
        stamped = datetime.fromisoformat(str(state.pending.get("at")))
    except ValueError:
        return None
    return dict(state.pending) if now - stamped <= ttl else None


def save(
    session: Session,
    tenant_id: UUID,
    conversation_id: UUID,
    *,
    pending: dict[str, Any] | None,
    failed_turns: int,
    new_guard_strike: bool = False,
    language: str | None = None,
) -> None:
    """Writes the turn's outcome; a guard strike is added in SQL, so concurrent turns never lose one.
    ``language``: the language this turn answered in (None leaves the stored one as it is)."""
    now = datetime.now(UTC)
    values: dict[str, Any] = {"pending": pending, "failed_turns": failed_turns, "updated_at": now}
    if language is not None:
        values["language"] = language
    statement = insert(AssistantState).values(
        tenant_id=tenant_id, conversation_id=conversation_id, guard_strikes=int(new_guard_strike), **values
    )
    changes: dict[str, Any] = dict(values)
    if new_guard_strike:
        changes["guard_strikes"] = AssistantState.guard_strikes + 1
    session.execute(statement.on_conflict_do_update(index_elements=["tenant_id", "conversation_id"], set_=changes))


def reset(session: Session, tenant_id: UUID, conversation_id: UUID) -> None:
    """A fresh start after staff hand a conversation back: no proposal, no failures, no strikes, no
    hand-over (its follow-up job, if still waiting, then finds nothing to do)."""
    values: dict[str, Any] = {"pending": None, "failed_turns": 0, "guard_strikes": 0, "updated_at": datetime.now(UTC),
                              "handover_id": None, "handed_over_at": None, "handover_reason": None,
                              "followed_up_at": None}
    statement = insert(AssistantState).values(tenant_id=tenant_id, conversation_id=conversation_id, **values)
    session.execute(statement.on_conflict_do_update(index_elements=["tenant_id", "conversation_id"], set_=values))
