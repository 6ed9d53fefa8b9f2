"""SQL for ``tenant_data_keys``. Every statement runs in a transaction bound to one tenant (RLS)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class DataKeyRow:
    version: int
    wrapped_key: bytes
    root_key_id: str
    encryptions: int = 0


def claim_active(session: Session, tenant_id: UUID) -> DataKeyRow | None:
    """The active key, counting one more encryption under it (the nonce budget, see keyring.py).

    The row lock this takes is held to commit: a concurrent rotation waits for in-flight writes."""
    row = session.execute(
        text(
            "update tenant_data_keys set encryptions = encryptions + 1 "
            "where tenant_id = :t and state = 'active' "
            "returning version, wrapped_key, root_key_id, encryptions"
        ),
        {"t": tenant_id},
    ).one_or_none()
    return DataKeyRow(row[0], bytes(row[1]), row[2], row[3]) if row else None


def active(session: Session, tenant_id: UUID, *, lock: bool = False) -> DataKeyRow | None:
    row = session.execute(
        text(
            "select version, wrapped_key, root_key_id, encryptions from tenant_data_keys "
            "where tenant_id = :t and state = 'active'" + (" for update" if lock else "")
        ),
        {"t": tenant_id},
    ).one_or_none()
    return DataKeyRow(row[0], bytes(row[1]), row[2], row[3]) if row else None


def get(session: Session, tenant_id: UUID, version: int) -> DataKeyRow | None:
    row = session.execute(
        text(
            "select version, wrapped_key, root_key_id, encryptions from tenant_data_keys "
            "where tenant_id = :t and version = :v"
        ),
        {"t": tenant_id, "v": version},
    ).one_or_none()
    return DataKeyRow(row[0], bytes(row[1]), row[2], row[3]) if row else None


def insert(session: Session, tenant_id: UUID, version: int, wrapped_key: bytes, root_key_id: str) -> bool:
    """False when another transaction created this tenant's key first (then use theirs)."""
    inserted = session.execute(
        text(
            "insert into tenant_data_keys (tenant_id, version, wrapped_key, root_key_id, state) "
            "values (:t, :v, :w, :r, 'active') on conflict do nothing returning version"
        ),
        {"t": tenant_id, "v": version, "w": wrapped_key, "r": root_key_id},
    ).scalar_one_or_none()
    return inserted is not None


def next_version(session: Session, tenant_id: UUID) -> int:
    latest = session.execute(
        text("select max(version) from tenant_data_keys where tenant_id = :t"), {"t": tenant_id}
    ).scalar_one()
    return int(latest or 0) + 1


def retire(session: Session, tenant_id: UUID) -> None:
    session.execute(
        text("update tenant_data_keys set state = 'retired' where tenant_id = :t and state = 'active'"),
        {"t": tenant_id},
    )


def wrapped_under_other_roots(session: Session, tenant_id: UUID, root_key_id: str) -> list[DataKeyRow]:
    rows = session.execute(
        text(
            "select version, wrapped_key, root_key_id, encryptions from tenant_data_keys "
            "where tenant_id = :t and root_key_id <> :r order by version for update"
        ),
        {"t": tenant_id, "r": root_key_id},
    ).all()
    return [DataKeyRow(r[0], bytes(r[1]), r[2], r[3]) for r in rows]


def set_wrapping(session: Session, tenant_id: UUID, version: int, wrapped_key: bytes, root_key_id: str) -> None:
    session.execute(
        text(
            "update tenant_data_keys set wrapped_key = :w, root_key_id = :r, rewrapped_at = now() "
            "where tenant_id = :t and version = :v"
        ),
        {"t": tenant_id, "v": version, "w": wrapped_key, "r": root_key_id},
    )


def versions(session: Session, tenant_id: UUID) -> list[tuple[int, str, str]]:
    rows = session.execute(
        text("select version, state, root_key_id from tenant_data_keys where tenant_id = :t order by version"),
        {"t": tenant_id},
    ).all()
    return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]


def vault_tenant_ids(session: Session) -> list[UUID]:
    """Tenants that hold data keys, across all tenants, through the narrow SECURITY DEFINER function."""
    return list(session.execute(text("select tenant_id from vault_tenant_ids()")).scalars())


def root_keys_in_use(session: Session) -> dict[str, int]:
    rows = session.execute(text("select root_key_id, data_keys from vault_root_keys_in_use()")).all()
    return {str(r[0]): int(r[1]) for r in rows}
