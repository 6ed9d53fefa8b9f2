"""Key rotation across transactions: root keys (re-wrap) and a tenant's data key (re-encrypt).

Both run synchronously in the operator's command, in small transactions, so a large tenant never
holds locks for long and an interrupted run can simply be started again: each step only moves what
is not yet on the active key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol
from uuid import UUID

from sqlalchemy.orm import Session

from engium.audit import recorder as audit
from engium.audit.actions import ActorKind, AuditAction
from engium.crypto import repository as repo
from engium.crypto.keyring import DataKeyRing
from engium.kit.database import Database
from engium.tenancy.binding import tenant_transaction

# Who rotates (the operator at the CLI); None: unattributed.
Actor = tuple[ActorKind, str] | None


@dataclass(frozen=True)
class ReencryptedBatch:
    last: str | None  # keyset cursor: the last row key of this batch; None when there were no rows
    changed: int


class ReencryptionTarget(Protocol):
    """A table holding ciphertexts under tenant data keys; each domain that encrypts provides one."""

    @property
    def name(self) -> str: ...

    def reencrypt_batch(
        self, session: Session, vault: DataKeyRing, tenant_id: UUID, after: str | None, limit: int
    ) -> ReencryptedBatch: ...


@dataclass
class TenantRotationReport:
    tenant_id: UUID
    new_version: int
    reencrypted: dict[str, int] = field(default_factory=dict)
    retired_versions: list[int] = field(default_factory=list)


@dataclass
class RootRotationReport:
    root_key_id: str
    tenants: int = 0
    data_keys_rewrapped: int = 0
    removed_root_keys: list[str] = field(default_factory=list)
    # Root keys that still wrap data keys, or that the operator must remove (environment, KMS).
    remaining_root_keys: list[str] = field(default_factory=list)


def rotate_tenant_data_key(
    database: Database,
    vault: DataKeyRing,
    tenant_id: UUID,
    targets: Sequence[ReencryptionTarget],
    *,
    batch_size: int = 100,
    actor: Actor = None,
) -> TenantRotationReport:
    with tenant_transaction(database, tenant_id) as session:
        version = vault.rotate(session, tenant_id)
        audit.record(
            session, None, AuditAction.KEY_DATA_ROTATED, resource_type="data_key", resource_id=f"v{version}",
            tenant_id=tenant_id, details={"version": version, "phase": "started"}, actor=actor,
        )
    report = TenantRotationReport(tenant_id=tenant_id, new_version=version)
    for target in targets:
        after: str | None = None
        while True:
            with tenant_transaction(database, tenant_id) as session:
                batch = target.reencrypt_batch(session, vault, tenant_id, after, batch_size)
            report.reencrypted[target.name] = report.reencrypted.get(target.name, 0) + batch.changed
            if batch.last is None:
                break
            after = batch.last
    with tenant_transaction(database, tenant_id) as session:
        report.retired_versions = [v for v, state, _ in repo.versions(session, tenant_id) if state == "retired"]
        audit.record(
            session, None, AuditAction.KEY_DATA_ROTATED, resource_type="data_key", resource_id=f"v{version}",
            tenant_id=tenant_id, actor=actor,
            details={"version": version, "phase": "completed", "reencrypted": report.reencrypted},
        )
    return report


def rewrap_all_tenants(database: Database, vault: DataKeyRing, *, actor: Actor = None) -> RootRotationReport:
    """Re-wraps every tenant's data keys under the provider's active root key, one tenant per
    transaction, as engium_app bound to that tenant (RLS applies: no cross-tenant reads)."""
    active = vault.provider.active_key_id()
    report = RootRotationReport(root_key_id=active)
    # A server that had not yet noticed the new keyring may create a data key under the old root key
    # while we run; a second pass picks it up.
    for _ in range(3):
        with database.transaction() as session:
            tenants = repo.vault_tenant_ids(session)
        for tenant_id in tenants:
            with tenant_transaction(database, tenant_id) as session:
                moved = vault.rewrap(session, tenant_id)
                if moved:
                    audit.record(
                        session, None, AuditAction.KEY_ROOT_ROTATED, resource_type="root_key", resource_id=active,
                        tenant_id=tenant_id, details={"root_key_id": active, "data_keys_rewrapped": moved}, actor=actor)
            report.data_keys_rewrapped += moved
        report.tenants = len(tenants)
        with database.transaction() as session:
            in_use = repo.root_keys_in_use(session)
        if set(in_use) <= {active}:
            break
    for key_id in vault.provider.key_ids():
        if key_id == active:
            continue
        if key_id not in in_use and vault.provider.forget(key_id):
            report.removed_root_keys.append(key_id)
        else:
            report.remaining_root_keys.append(key_id)
    with database.transaction() as session:
        # The platform chain (no tenant bound) holds the operator-level record of the rotation.
        audit.record(
            session, None, AuditAction.KEY_ROOT_ROTATED, resource_type="root_key", resource_id=active,
            details={
                "root_key_id": active, "tenants": report.tenants, "data_keys_rewrapped": report.data_keys_rewrapped,
                "removed_root_keys": report.removed_root_keys, "remaining_root_keys": report.remaining_root_keys,
            }, actor=actor)
    return report


def rotate_root_key(
    database: Database, vault: DataKeyRing, *, create_new_key: bool = True, actor: Actor = None
) -> RootRotationReport:
    """``create_new_key``: the provider makes a new active root key first (key file). Without it, only
    re-wrap onto the key the operator already made active (environment, KMS)."""
    if create_new_key:
        vault.provider.create_active_key()
    return rewrap_all_tenants(database, vault, actor=actor)
