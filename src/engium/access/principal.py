"""The authenticated actor of a request, resolved from verified credentials only."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from engium.access.permissions import ROLE_PERMISSIONS, Permission, Role


class PrincipalKind(StrEnum):
    USER = "user"
    API_KEY = "api_key"
    # An Engium component acting on its own (the assistant booking for a customer). Authentication
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
    component: str = ""

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]
