"""Whether the running code and the database schema match (``engium migrate --check``).

A deployment that migrates ahead of a rolling restart (expand, then contract) needs to know, before it
sends traffic, that the schema is exactly what this code was written for: behind means migrations to
apply; a revision the code does not know means the database was migrated by newer code.
"""

from __future__ import annotations

from dataclasses import dataclass

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine


@dataclass(frozen=True)
class SchemaStatus:
    current: tuple[str, ...]  # revisions recorded in the database (empty: no schema yet)
    heads: tuple[str, ...]  # the newest revisions this code ships
    pending: tuple[str, ...]  # this code's revisions the database has not applied, oldest first
    unknown: tuple[str, ...]  # database revisions this code does not ship (newer code migrated it)

    @property
    def matches(self) -> bool:
        return not self.pending and not self.unknown

    def describe(self) -> str:
        if self.unknown:
            return (f"the database is at revision {', '.join(self.unknown)}, which this code does not know: "
                    "it was migrated by newer code; deploy that code (or newer) instead")
        if not self.current:
            return f"the database has no schema yet: {len(self.pending)} migration(s) to apply (engium migrate)"
        if self.pending:
            return (f"the schema is behind the code: {len(self.pending)} migration(s) to apply (engium migrate): "
                    + ", ".join(self.pending))
        return f"the schema matches the code (revision {', '.join(self.heads)})"


def read_schema_status(owner_engine: Engine, config: Config) -> SchemaStatus:
    script = ScriptDirectory.from_config(config)
    with owner_engine.connect() as conn:
        current = tuple(sorted(MigrationContext.configure(conn).get_current_heads()))
    known = {revision.revision for revision in script.walk_revisions()}
    unknown = tuple(r for r in current if r not in known)
    if unknown:
        return SchemaStatus(current, tuple(script.get_heads()), (), unknown)
    applied: set[str] = set()
    for revision in current:
        applied.update(r.revision for r in script.iterate_revisions(revision, "base"))
    # walk_revisions goes newest first; pending is listed in the order migrate would apply it.
    pending = tuple(reversed([r.revision for r in script.walk_revisions() if r.revision not in applied]))
    return SchemaStatus(current, tuple(script.get_heads()), pending, ())
