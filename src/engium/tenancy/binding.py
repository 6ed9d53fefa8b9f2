"""Binding a transaction to one tenant: the settings every row-level-security policy reads.

Each tenant table's policy compares its ``tenant_id`` with ``current_setting('engium.tenant_id')``
(``migrations/tenant_rls.py``), so a transaction sees one tenant's rows only once it is bound here. The
binding is transaction-local (``set_config(..., true)``, i.e. ``SET LOCAL``): a pooled connection never
carries a tenant into the next request or job.

One set of settings, and every way in:

* :func:`tenant_transaction` - a unit of work for a known tenant (jobs, the CLI, side transactions);
* :func:`bind_tenant` / :func:`bind_user` - bind a transaction that is already open, and
  :func:`bound_tenant` - read which tenant it is bound to;
* :func:`set_config_sql` - the same two settings as SQL, for the credential lookups that resolve a key,
  session or invitation and bind its tenant in the same round trip (``access/credential_lookup.py``,
  ``identity/repository.py``), so an unknown credential binds nothing.

This module sits below every domain (tests/test_architecture.py places it in the foundation, after
``kit``): it imports nothing from Engium but ``kit``, so ``access`` and ``audit`` may bind too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.orm import Session

from engium.kit.database import Database

TENANT_SETTING = "engium.tenant_id"
USER_SETTING = "engium.user_id"


def set_config_sql(tenant_expression: str, user_expression: str = "''") -> str:
    """The select-list items that bind the transaction to ``tenant_expression`` (a SQL expression, e.g.
    ``k.tenant_id::text``) and ``user_expression`` (by default ``''``: no user)."""
    return (
        f"set_config('{TENANT_SETTING}', {tenant_expression}, true),"
        f" set_config('{USER_SETTING}', {user_expression}, true)"
    )


_BOUND_TENANT = text(f"select nullif(current_setting('{TENANT_SETTING}', true), '')")
_BIND_TENANT = text(f"select {set_config_sql(':tid', ':uid')}")
_BIND_USER = text(f"select set_config('{USER_SETTING}', :uid, true)")


def bind_tenant(session: Session, tenant_id: UUID, user_id: UUID | None = None) -> None:
    """Binds the current transaction to one tenant (and the acting user, or none)."""
    session.execute(_BIND_TENANT, {"tid": str(tenant_id), "uid": str(user_id) if user_id else ""})


def bind_user(session: Session, user_id: UUID) -> None:
    """Names the acting user in a transaction already bound to its tenant."""
    session.execute(_BIND_USER, {"uid": str(user_id)})


def bound_tenant(session: Session) -> UUID | None:
    """The tenant this transaction is bound to, or None before any binding (the platform's own work)."""
    value = session.execute(_BOUND_TENANT).scalar()
    return UUID(str(value)) if value else None


@contextmanager
def tenant_transaction(database: Database, tenant_id: UUID, user_id: UUID | None = None) -> Iterator[Session]:
    """One unit of work bound to ``tenant_id``: commits on success, rolls back on any exception."""
    with database.transaction() as session:
        bind_tenant(session, tenant_id, user_id)
        yield session
