"""The tenant's model policy: the one choice a tenant makes about where its customers' data may go."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from engium.tenancy import service as tenancy


@dataclass(frozen=True)
class TenantModelPolicy:
    # True: the tenant accepts a provider that may retain (and, under its terms, review or train on) what
    # it is sent. False, the default: only providers the operator declared no-training are used.
    accept_retention: bool


def load_policy(session: Session) -> TenantModelPolicy:
    """Reads the bound tenant's policy. A session bound to no tenant sees no settings row (RLS) and gets
    the strict default: fail closed."""
    return TenantModelPolicy(accept_retention=tenancy.accepts_model_retention(session))
