"""The schema is ready for Citus, proven on the live catalog: every tenant table can be distributed by
``tenant_id`` and co-located with the others, the global tables are reference tables, the job and
migration tables stay on the coordinator, and no foreign key or database function joins across tenants.

``docs/scale-out.md`` carries the distribution commands; the last test regenerates them from the catalog,
so the document cannot drift from the schema. Citus itself is not installable here: what this proves is
what Citus checks when a table is distributed, not a run on a Citus cluster.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Connection, text

from tests.tenancy.catalog_queries import tenant_tables

SCALE_OUT = Path(__file__).resolve().parents[2] / "docs" / "scale-out.md"
# Global, small: copied to every node. tenants and users are read on every sign-in; operator announcements
# on every register; the operator's incidents (and their timelines) affect several tenants at once, and
# tenants' notifications reference them.
REFERENCE_TABLES = ("tenants", "users", "subprocessor_announcements", "incidents", "incident_entries",
                    "password_resets", "signup_requests")
# Not distributed: the job queue (procrastinate's own schema, cross-tenant by nature; its rows carry
# ids only) and Alembic's revision marker stay on the coordinator.
COORDINATOR_TABLES = ("alembic_version", "procrastinate_events", "procrastinate_jobs",
                      "procrastinate_periodic_defers", "procrastinate_workers")
COLOCATION_ANCHOR = "contacts"


def top_level_tables(conn: Connection) -> set[str]:
    return set(conn.execute(text(
        "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition"
    )).scalars())


def distributed(conn: Connection) -> list[str]:
    tables = set(tenant_tables(conn)) & top_level_tables(conn)
    return sorted(tables)


def foreign_keys(conn: Connection) -> list[tuple[str, str, str, list[str], list[str]]]:
    """(name, table, referenced table, columns, referenced columns), partitions left out."""
    rows = conn.execute(text(
        "select con.conname, rel.relname, ref.relname, "
        "array(select attname from unnest(con.conkey) with ordinality k(n, i) "
        "      join pg_attribute on attrelid = con.conrelid and attnum = k.n order by k.i), "
        "array(select attname from unnest(con.confkey) with ordinality k(n, i) "
        "      join pg_attribute on attrelid = con.confrelid and attnum = k.n order by k.i) "
        "from pg_constraint con join pg_class rel on rel.oid = con.conrelid "
        "join pg_class ref on ref.oid = con.confrelid join pg_namespace n on n.oid = rel.relnamespace "
        "where con.contype = 'f' and n.nspname = 'public' and not rel.relispartition and con.conparentid = 0"
    )).all()
    return [(r[0], r[1], r[2], list(r[3]), list(r[4])) for r in rows]


def test_every_table_is_distributed_a_reference_table_or_kept_on_the_coordinator(owner_conn: Connection) -> None:
    tables = top_level_tables(owner_conn)
    classified = set(distributed(owner_conn)) | set(REFERENCE_TABLES) | set(COORDINATOR_TABLES)
    assert tables - classified == set(), "a new table needs a place in docs/scale-out.md"
    assert set(REFERENCE_TABLES) | set(COORDINATOR_TABLES) <= tables
    assert not set(distributed(owner_conn)) & (set(REFERENCE_TABLES) | set(COORDINATOR_TABLES))


def test_every_key_and_unique_index_of_a_tenant_table_includes_tenant_id(owner_conn: Connection) -> None:
    offenders = owner_conn.execute(text(
        "select i.indexrelid::regclass::text from pg_index i join pg_class rel on rel.oid = i.indrelid "
        "where rel.relname = any(:tables) and i.indisunique and not exists ("
        "  select 1 from pg_attribute a where a.attrelid = i.indrelid and a.attname = 'tenant_id'"
        "  and a.attnum = any(i.indkey))"
    ), {"tables": distributed(owner_conn)}).scalars().all()
    assert offenders == []


def test_foreign_keys_between_tenant_tables_are_co_located_on_tenant_id(owner_conn: Connection) -> None:
    tenant_owned = set(distributed(owner_conn))
    checked, offenders = 0, []
    for name, table, referenced, columns, referenced_columns in foreign_keys(owner_conn):
        if table in tenant_owned and referenced in tenant_owned:
            checked += 1
            pairs = dict(zip(columns, referenced_columns, strict=True))
            if pairs.get("tenant_id") != "tenant_id":
                offenders.append(f"{table}.{name} -> {referenced}{referenced_columns}")
    assert offenders == []
    assert checked > 10


def test_no_reference_or_coordinator_table_points_into_a_tenant_table(owner_conn: Connection) -> None:
    tenant_owned = set(distributed(owner_conn))
    backwards = [f"{table}.{name} -> {referenced}" for name, table, referenced, _, _ in foreign_keys(owner_conn)
                 if table not in tenant_owned and referenced in tenant_owned]
    assert backwards == []  # Citus refuses a foreign key from a reference table to a distributed one


def test_no_database_function_reads_two_tenant_tables_without_tenant_id(owner_conn: Connection) -> None:
    """Heuristic on the functions' source: one that names two tenant tables must also name tenant_id,
    as its join or filter. The app's own queries are bound to one tenant by row-level security."""
    tables = distributed(owner_conn)
    functions = owner_conn.execute(text(
        "select p.proname, p.prosrc from pg_proc p join pg_namespace n on n.oid = p.pronamespace "
        "join pg_language l on l.oid = p.prolang "
        "where n.nspname = 'public' and l.lanname in ('sql', 'plpgsql') and p.proname not like 'procrastinate%'"
    )).all()
    offenders = []
    for name, source in functions:
        named = {t for t in tables if re.search(rf"\b{t}\b", source)}
        if len(named) >= 2 and "tenant_id" not in source:
            offenders.append((name, sorted(named)))
    assert offenders == []
    assert len(functions) > 10


def distribution_commands(conn: Connection) -> list[str]:
    """Reference tables first, then each tenant table after the ones it references (Citus needs the
    referenced table distributed first), all co-located with the anchor."""
    tenant_owned = distributed(conn)
    needs: dict[str, set[str]] = {t: set() for t in tenant_owned}
    for _, table, referenced, _, _ in foreign_keys(conn):
        if table in needs and referenced in needs and referenced != table:
            needs[table].add(referenced)
    ordered: list[str] = []
    while needs:
        ready = sorted(t for t, deps in needs.items() if deps <= set(ordered))
        assert ready, f"foreign keys form a cycle among {sorted(needs)}"
        ordered.extend(ready)
        for table in ready:
            del needs[table]
    if COLOCATION_ANCHOR in ordered:  # the anchor's group is created by its own call
        ordered.remove(COLOCATION_ANCHOR)
        ordered.insert(0, COLOCATION_ANCHOR)
    commands = [f"SELECT create_reference_table('{t}');" for t in REFERENCE_TABLES]
    commands.append(f"SELECT create_distributed_table('{COLOCATION_ANCHOR}', 'tenant_id');")
    commands += [f"SELECT create_distributed_table('{t}', 'tenant_id', colocate_with => '{COLOCATION_ANCHOR}');"
                 for t in ordered if t != COLOCATION_ANCHOR]
    return commands


def test_the_scale_out_document_carries_the_commands_for_this_schema(owner_conn: Connection) -> None:
    document = SCALE_OUT.read_text()
    block = document.split("<!-- distribution commands: generated -->", 1)[1].split("```sql", 1)[1]
    written = [line for line in block.split("```", 1)[0].strip().splitlines() if line.startswith("SELECT")]
    expected = distribution_commands(owner_conn)
    assert written == expected, "docs/scale-out.md is stale; the commands for this schema:\n" + "\n".join(expected)
