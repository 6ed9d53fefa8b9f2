"""Whether the tenant a transaction is bound to is suspended by the operator (ADR 0040).

Sessions and API keys learn it in their credential lookup's round trip (credential_lookup.py). The other
ways in bind a tenant from a public id (inbound webhooks, the widget's key) or sign a member in; they call
:func:`refuse_if_suspended` right after binding, so a suspended business answers nothing and records
nothing but the refusal. Work queued before the suspension stops too: the assistant skips a queued turn
(``tenant_suspended``), a webhook delivery is dead-lettered ("business suspended"; staff can redeliver it
once the business is restored) and queued e-mail fails with its reason.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from engium.errors import TenantSuspended

_SUSPENDED = text(
    "select auth_tenant_suspended(nullif(current_setting('engium.tenant_id', true), '')::uuid)"
)


def is_suspended(session: Session) -> bool:
    """True when the bound tenant is suspended; False when none is bound."""
    return bool(session.execute(_SUSPENDED).scalar())


def refuse_if_suspended(session: Session) -> None:
    if is_suspended(session):
        raise TenantSuspended()
