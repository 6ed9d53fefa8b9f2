"""Catalog queries the tenancy tests share: which tables are tenant tables, and a tenant's row ids."""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, text

from engium.kit.database import Database
from engium.tenancy.binding import tenant_transaction


def tenant_tables(conn: Connection, *, app_readable: bool = False) -> list[str]:
    """Tables with a tenant_id column; ``app_readable``: only those engium_app may select from directly
    (partitions and the audit chain heads are not)."""
    readable = (
        "and not c.relispartition and has_table_privilege('engium_app', c.oid, 'select') " if app_readable else ""
    )
    return list(
        conn.execute(
            text(
                "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                "join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped "
                f"where n.nspname = 'public' and c.relkind in ('r', 'p') {readable}order by 1"
            )
        ).scalars()
    )


def victim_ids(database: Database, tenant_id: uuid.UUID) -> dict[str, list[uuid.UUID]]:
    ids: dict[str, list[uuid.UUID]] = {}
    with tenant_transaction(database, tenant_id) as session:
        for table in tenant_tables(session.connection(), app_readable=True):
            column = "user_id" if table == "memberships" else "id"
            has_column = session.execute(
                text("select 1 from information_schema.columns where table_name = :t and column_name = :c"),
                {"t": table, "c": column},
            ).scalar()
            if has_column:
                ids[table] = list(session.execute(text(f"select {column} from {table}")).scalars())
    return ids
