"""Shared helpers for the knowledge storage tests."""

from __future__ import annotations

import random
import uuid

from sqlalchemy import text
from sqlalchemy.orm import Session

from engium.knowledge import repository as knowledge
from engium.knowledge.models import EMBEDDING_DIMENSIONS


def random_vector(rng: random.Random) -> list[float]:
    return [rng.gauss(0.0, 1.0) for _ in range(EMBEDDING_DIMENSIONS)]


def add_random_document(
    session: Session, tenant_id: uuid.UUID, rng: random.Random, count: int, title: str = "Doc"
) -> tuple[uuid.UUID, list[knowledge.ChunkInput]]:
    chunks = [
        knowledge.ChunkInput(f"chunk {i} of {title}", i * 10, i * 10 + 9, random_vector(rng)) for i in range(count)
    ]
    document_id = knowledge.add_document(
        session, tenant_id, title=title, source_kind=knowledge.SourceKind.TEXT, content=title, chunks=chunks
    )
    return document_id, chunks


def partitions_of(session: Session, tenant_id: uuid.UUID) -> list[str]:
    """Partitions of knowledge_chunks whose bound holds this tenant (pg_inherits)."""
    return list(
        session.execute(
            text(
                "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid "
                "where i.inhparent = 'knowledge_chunks'::regclass "
                "and pg_get_expr(c.relpartbound, c.oid) like '%' || :t || '%'"
            ),
            {"t": str(tenant_id)},
        ).scalars()
    )


def partition_name(tenant_id: uuid.UUID) -> str:
    return f"knowledge_chunks_{tenant_id.hex}"
