"""Maintenance of a tenant's chunk partition: the HNSW index, added once the partition is large.

Run by an operator (``engium knowledge index --tenant ID``), never inside a request: building the
index blocks writes to that one partition for as long as it takes (about a minute per 100,000 chunks
on two cores), see ADR 0009.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from engium.audit import recorder as audit
from engium.audit.actions import ActorKind, AuditAction

# The partition function's own threshold (migration 0008): below it exact search is fast and exact.
HNSW_THRESHOLD = 10_000
# pgvector builds the graph in memory when it fits in maintenance_work_mem (about 2 KB per 384-dim
# chunk, so 100,000 chunks need some 200 MB), and much more slowly on disk when it does not.
DEFAULT_MAINTENANCE_WORK_MEM = "512MB"
_MEMORY = re.compile(r"^[1-9][0-9]{0,6}(kB|MB|GB)$")


@dataclass(frozen=True)
class IndexReport:
    tenant_id: uuid.UUID
    partition: str
    chunks: int
    threshold: int
    had_index: bool
    built: bool

    @property
    def indexed(self) -> bool:
        return self.had_index or self.built


def _has_hnsw_index(session: Session, partition: str) -> bool:
    return bool(
        session.execute(
            text("select exists (select 1 from pg_indexes where tablename = :p and indexdef ilike '%using hnsw%')"),
            {"p": partition},
        ).scalar_one()
    )


def index_partition(
    session: Session, tenant_id: uuid.UUID, *, maintenance_work_mem: str = DEFAULT_MAINTENANCE_WORK_MEM,
    actor: tuple[ActorKind, str] | None = None,
) -> IndexReport:
    """Adds the HNSW index to the bound tenant's partition if it holds at least HNSW_THRESHOLD chunks."""
    if not _MEMORY.match(maintenance_work_mem):
        raise ValueError("maintenance_work_mem must look like 512MB, 2GB or 65536kB")
    partition = session.execute(text("select knowledge_partition_name(:t)"), {"t": tenant_id}).scalar_one()
    chunks = session.execute(
        text("select count(*) from knowledge_chunks where tenant_id = :t"), {"t": tenant_id}
    ).scalar_one()
    had_index = _has_hnsw_index(session, partition)
    session.execute(text("select set_config('maintenance_work_mem', :m, true)"), {"m": maintenance_work_mem})
    session.execute(text("select knowledge_index_partition()")).scalar_one()
    built = not had_index and _has_hnsw_index(session, partition)
    if built:
        audit.record(
            session, None, AuditAction.KNOWLEDGE_PARTITION_INDEXED, resource_type="knowledge_partition",
            resource_id=partition, tenant_id=tenant_id, details={"chunks": chunks, "index": "hnsw"}, actor=actor,
        )
    return IndexReport(tenant_id, partition, int(chunks), HNSW_THRESHOLD, had_index, built)
