"""Who else hears about an event the system emits: staff notifications (notifications/) hear every event
that :func:`engium.webhooks.service.emit` queues for the business's endpoints, in the same transaction.

The notifications domain sits above the domains that emit (it reads conversations, bookings and members),
so it cannot be imported here: the composition root installs it on the database's sessions, like the
audit sealer. A session without one emits to endpoints only; no staff notification is written.
"""

from __future__ import annotations

from typing import Any, Protocol
from uuid import UUID

from sqlalchemy.orm import Session, sessionmaker

EVENT_HOOK_INFO_KEY = "engium_event_hook"


class EventHook(Protocol):
    def __call__(self, session: Session, tenant_id: UUID, event_type: str, data: dict[str, Any]) -> None:
        """Acts on one event, in the emitting transaction (an exception rolls the change back)."""


def install_event_hook(sessions: sessionmaker[Session], hook: EventHook) -> None:
    info = dict(sessions.kw.get("info") or {})
    info[EVENT_HOOK_INFO_KEY] = hook
    sessions.configure(info=info)


def run_event_hook(session: Session, tenant_id: UUID, event_type: str, data: dict[str, Any]) -> None:
    hook: EventHook | None = session.info.get(EVENT_HOOK_INFO_KEY)
    if hook is not None:
        hook(session, tenant_id, event_type, data)
