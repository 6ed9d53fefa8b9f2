"""What a section is given: one tenant's RLS-bound session, or the platform, and the window.

A section is a small function ``(scope) -> list[EvidenceFile]``; the registry (``sections.py``) names it
and places its files under ``tenants/<tenant id>/<section>/`` or ``platform/<section>/``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar
from uuid import UUID

from sqlalchemy.orm import Session

from engium.audit.verify import TenantReport
from engium.evidence.files import EvidenceFile
from engium.evidence.window import Window
from engium.kit.database import Database


@dataclass(frozen=True)
class TenantScope:
    """``session`` runs as ``engium_app`` bound to ``tenant_id``: RLS shows this tenant's rows only."""

    session: Session
    tenant_id: UUID
    window: Window
    now: datetime
    # The real chain verification (audit/verify.py) for this tenant, as the caller may run it: the operator
    # with the owner role for every chain at once, a tenant's API caller on its own chain under RLS.
    verify_chain: Callable[[], TenantReport]


@dataclass(frozen=True)
class PlatformScope:
    """Operator-level records that belong to no tenant (the schema's migrations, the platform chain)."""

    database: Database
    window: Window
    now: datetime
    # Every chain's verification when the operator exports; empty for a tenant's own export.
    chain_reports: tuple[TenantReport, ...] = ()


S = TypeVar("S", TenantScope, PlatformScope)


@dataclass(frozen=True)
class Section(Generic[S]):
    name: str
    description: str
    collect: Callable[[S], list[EvidenceFile]]
    # Whether a tenant's own export (the API) includes it; a platform section that names other tenants must not.
    for_tenant_exports: bool = True
