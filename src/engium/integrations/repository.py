"""SQL for ``integration_credentials``; the transaction is bound to one tenant (RLS)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engium.integrations.models import IntegrationCredential


def list_all(session: Session) -> list[IntegrationCredential]:
    query = select(IntegrationCredential).order_by(IntegrationCredential.kind, IntegrationCredential.name)
    return list(session.execute(query).scalars())


def get(session: Session, credential_id: UUID, *, lock: bool = False) -> IntegrationCredential | None:
    query = select(IntegrationCredential).where(IntegrationCredential.id == credential_id)
    return session.execute(query.with_for_update() if lock else query).scalar_one_or_none()


def get_by_name(session: Session, kind: str, name: str) -> IntegrationCredential | None:
    query = select(IntegrationCredential).where(IntegrationCredential.kind == kind, IntegrationCredential.name == name)
    return session.execute(query).scalar_one_or_none()


def count_of_kind(session: Session, kind: str) -> int:
    query = select(func.count()).select_from(IntegrationCredential).where(IntegrationCredential.kind == kind)
    return int(session.execute(query).scalar_one())


def page_for_update(session: Session, after: UUID | None, limit: int) -> list[IntegrationCredential]:
    """Keyset pages in id order, locked so a concurrent rotation of the same row waits."""
    query = select(IntegrationCredential).order_by(IntegrationCredential.id).limit(limit).with_for_update()
    if after is not None:
        query = query.where(IntegrationCredential.id > after)
    return list(session.execute(query).scalars())


def add(session: Session, credential: IntegrationCredential) -> IntegrationCredential:
    session.add(credential)
    session.flush()
    session.refresh(credential)
    return credential


def delete(session: Session, credential: IntegrationCredential) -> None:
    session.delete(credential)
    session.flush()
