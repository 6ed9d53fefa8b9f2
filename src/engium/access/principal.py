"""The acting party: who does something, resolved from verified credentials or named by the code that acts.

Every service takes it as an argument and the audit log records it: a member (``user``), an API key,
the sender of a verified webhook (``webhook``, named by its provider), a widget visitor or other
customer (``contact``), the operator at the command line (``operator``), or an Engium component acting
on its own (``system``: the assistant, a background task). Only the first two come out of request
authentication and carry permissions that matter; the others reach only the services their entry point
calls, and their role is the least one that lets those services run.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from engium.access.permissions import ROLE_PERMISSIONS, Permission, Role
from engium.context import current_request_context

# The id of parties that have no row of their own (a webhook sender, the operator, a component).
NO_ID = UUID(int=0)


class PrincipalKind(StrEnum):
    USER = "user"
    API_KEY = "api_key"
    WEBHOOK = "webhook"
    CONTACT = "contact"
    OPERATOR = "operator"
    # An Engium component acting on its own (the assistant booking for a customer, a job). Authentication
    # never produces one, so no request can act as it; audit events name ``component``.
    SYSTEM = "system"


@dataclass(frozen=True)
class Principal:
    kind: PrincipalKind
    id: UUID
    tenant_id: UUID
    role: Role
    user_id: UUID | None = None
    session_id: UUID | None = None
    mfa_satisfied: bool = True
    # The name of a party without an id: the component, the webhook's provider, the operator.
    component: str = ""

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    @property
    def actor_id(self) -> str:
        """What the audit log records as the actor's id."""
        named = self.kind in {PrincipalKind.SYSTEM, PrincipalKind.WEBHOOK, PrincipalKind.OPERATOR}
        return self.component if named else str(self.id)

    @classmethod
    def system(cls, tenant_id: UUID, component: str, *, role: Role = Role.AGENT, id: UUID = NO_ID) -> Principal:
        return cls(PrincipalKind.SYSTEM, id, tenant_id, role, component=component)

    @classmethod
    def webhook(cls, tenant_id: UUID, provider: str) -> Principal:
        """The sender of a webhook whose signature verified (``twilio``, ``whatsapp``, ``events``)."""
        return cls(PrincipalKind.WEBHOOK, NO_ID, tenant_id, Role.AGENT, component=provider)

    @classmethod
    def contact(cls, tenant_id: UUID, contact_id: UUID) -> Principal:
        """A customer acting for themselves (a widget visitor holding their conversation's token)."""
        return cls(PrincipalKind.CONTACT, contact_id, tenant_id, Role.AGENT)

    @classmethod
    def operator(cls, tenant_id: UUID, name: str) -> Principal:
        """A person at the server's command line (``engium ...``), named ``<os user>@<host>``."""
        return cls(PrincipalKind.OPERATOR, NO_ID, tenant_id, Role.OWNER, component=name)


def remember_for_refusals(principal: Principal) -> Principal:
    """Tells the request context who acts, for one reader only: the audit middleware, which records a
    refused or failed request after its transaction rolled back and no service is left to ask. Services
    never read it: they take the principal as an argument."""
    ctx = current_request_context()
    if ctx is not None:
        ctx.actor.tenant_id, ctx.actor.kind = principal.tenant_id, principal.kind.value
        ctx.actor.id = principal.actor_id
    return principal
