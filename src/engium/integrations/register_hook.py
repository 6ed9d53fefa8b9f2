"""Tells the subprocessor register that an integration was enabled or disabled, in the same transaction.

The register (``trust/``) sits above this package (it reads credentials' kinds and needs the outbound
webhooks, which read credentials), so the composition root installs it on the database's sessions, like the
audit sealer. A session without one refuses the change: an integration that reaches a third party can never
be enabled without the tenant's public register saying so (fail closed).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol
from uuid import UUID

from sqlalchemy.orm import Session, sessionmaker

from engium.access.principal import Principal

REGISTER_INFO_KEY = "engium_subprocessor_register"


class IntegrationChange(StrEnum):
    ENABLED = "enabled"
    DISABLED = "disabled"


class RegisterHook(Protocol):
    def __call__(self, session: Session, principal: Principal, tenant_id: UUID, kind: str,
                 change: IntegrationChange) -> None:
        """Records the change of the tenant's register, attributed to ``principal`` (or nothing, for a kind
        that reaches no third party)."""


def install_register_hook(sessions: sessionmaker[Session], hook: RegisterHook) -> None:
    info = dict(sessions.kw.get("info") or {})
    info[REGISTER_INFO_KEY] = hook
    sessions.configure(info=info)


def notify_register(session: Session, principal: Principal, tenant_id: UUID, kind: str,
                    change: IntegrationChange) -> None:
    hook: RegisterHook | None = session.info.get(REGISTER_INFO_KEY)
    if hook is None:
        raise RuntimeError("no subprocessor register is installed on this database session")
    hook(session, principal, tenant_id, kind, change)
