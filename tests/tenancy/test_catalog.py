"""The live catalog proves the isolation rules; a new table that breaks them fails here."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, text

from engium.models import metadata
from tests.tenancy.catalog_queries import tenant_tables


def test_the_schema_has_tenant_tables(owner_conn: Connection) -> None:
    assert {"contacts", "conversations", "messages", "bookings", "api_keys"} <= set(tenant_tables(owner_conn))


def test_every_tenant_table_enables_and_forces_rls_with_a_policy(owner_conn: Connection) -> None:
    rows = owner_conn.execute(
        text(
            "select c.relname, c.relrowsecurity, c.relforcerowsecurity, "
            "(select count(*) from pg_policy p where p.polrelid = c.oid), c.relispartition, "
            "has_table_privilege('engium_app', c.oid, 'select, insert, update, delete, truncate') "
            "from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = 'public' and c.relname = any(:tables)"
        ),
        {"tables": tenant_tables(owner_conn)},
    ).all()
    # Partitions do not inherit policies: they must force RLS with no policy and grant the app nothing.
    offenders = [
        r
        for r in rows
        if not (r[1] and r[2] and (r[3] >= 1 if not r[4] else (r[3] == 0 and not r[5])))
    ]
    assert offenders == []
    assert any(r[4] for r in rows), "expected partitioned tenant tables (audit_events)"


def test_global_tables_also_force_rls(owner_conn: Connection) -> None:
    rows = owner_conn.execute(
        text(
            "select relname from pg_class where relname in ('tenants', 'users') "
            "and relrowsecurity and relforcerowsecurity"
        )
    ).scalars()
    assert set(rows) == {"tenants", "users"}


def test_tenant_id_leads_every_key_unique_index_and_foreign_key(owner_conn: Connection) -> None:
    tables = tenant_tables(owner_conn)
    constraints = owner_conn.execute(
        text(
            "select con.conname, rel.relname, con.contype, "
            "(select attname from pg_attribute where attrelid = con.conrelid and attnum = con.conkey[1]), "
            "ref.relname, "
            "exists (select 1 from pg_attribute where attrelid = con.confrelid and attname = 'tenant_id') "
            "from pg_constraint con join pg_class rel on rel.oid = con.conrelid "
            "left join pg_class ref on ref.oid = con.confrelid "
            "where rel.relname = any(:tables) and con.contype in ('p', 'u', 'f')"
        ),
        {"tables": tables},
    ).all()
    offenders = []
    for name, table, kind, first_column, referenced, referenced_is_tenant_owned in constraints:
        if kind == "f" and not referenced_is_tenant_owned:
            continue  # tenants(id) and users(id) are global (Citus reference tables)
        if first_column != "tenant_id":
            offenders.append((table, name, first_column, referenced))
    assert offenders == []
    assert any(kind == "f" for _, _, kind, *_ in constraints)

    unique_indexes = owner_conn.execute(
        text(
            "select i.indexrelid::regclass::text, "
            "(select attname from pg_attribute where attrelid = i.indrelid and attnum = i.indkey[0]) "
            "from pg_index i join pg_class rel on rel.oid = i.indrelid "
            "where rel.relname = any(:tables) and i.indisunique"
        ),
        {"tables": tables},
    ).all()
    assert [ix for ix in unique_indexes if ix[1] != "tenant_id"] == []


def test_app_role_cannot_bypass_rls_and_owns_nothing(owner_conn: Connection) -> None:
    role = owner_conn.execute(
        text("select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb from pg_roles where rolname = 'engium_app'")
    ).one()
    assert tuple(role) == (False, False, False, False)
    owned = owner_conn.execute(
        text(
            "select count(*) from pg_class c join pg_roles r on r.oid = c.relowner where r.rolname = 'engium_app'"
        )
    ).scalar_one()
    assert owned == 0
    owns_functions = owner_conn.execute(
        text("select count(*) from pg_proc p join pg_roles r on r.oid = p.proowner where r.rolname = 'engium_app'")
    ).scalar_one()
    assert owns_functions == 0


def test_security_definer_functions_pin_search_path(owner_conn: Connection) -> None:
    unpinned = owner_conn.execute(
        text(
            "select proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace "
            "where n.nspname = 'public' and p.prosecdef "
            "and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) c where c like 'search_path=%')"
        )
    ).scalars()
    assert list(unpinned) == []


def test_no_function_is_executable_by_public(owner_conn: Connection) -> None:
    """A NULL proacl means the default, which lets PUBLIC execute: every function must have explicit grants."""
    open_to_public = owner_conn.execute(
        text(
            "select p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace "
            "where n.nspname = 'public' and p.prokind = 'f' and p.prorettype <> 'trigger'::regtype "
            "and (p.proacl is null or exists (select 1 from aclexplode(p.proacl) a where a.grantee = 0)) "
            # pgvector's own functions (operators, casts) are the extension's business.
            "and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')"
        )
    ).scalars()
    assert sorted(open_to_public) == []


def test_the_app_may_execute_the_definer_functions_it_needs(owner_conn: Connection) -> None:
    for function in ("auth_api_key(bytea)", "audit_append(uuid, text, text, inet, text, text, text, text, text, "
                     "text, jsonb)"):
        allowed = owner_conn.execute(
            text("select has_function_privilege('engium_app', cast(:f as regprocedure), 'execute')"), {"f": function}
        ).scalar_one()
        assert allowed, function


def test_views_run_with_the_callers_rights(owner_conn: Connection) -> None:
    definer_views = owner_conn.execute(
        text(
            "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = 'public' and c.relkind = 'v' "
            "and not coalesce('security_invoker=true' = any(c.reloptions), false)"
        )
    ).scalars()
    assert list(definer_views) == []


def test_policies_read_the_transaction_local_tenant_setting(owner_conn: Connection) -> None:
    expressions = owner_conn.execute(
        text("select pg_get_expr(polqual, polrelid) from pg_policy where polname = 'tenant_isolation'")
    ).scalars()
    for expression in expressions:
        assert "NULLIF(current_setting('engium.tenant_id'::text, true), ''::text)" in expression


def test_models_match_the_migrated_schema(owner_conn: Connection) -> None:
    def include(obj: object, name: str | None, kind: str, reflected: bool, compare_to: object) -> bool:
        # Monthly audit partitions and per-tenant chunk partitions are created by functions, and the job
        # runtime's tables by procrastinate's own schema (migration 0014): none is declared in the models.
        table = name if kind == "table" else getattr(getattr(obj, "table", None), "name", "")
        if reflected and (table or "").startswith("procrastinate_"):
            return False
        return not (
            kind == "table" and reflected and (name or "").startswith(("audit_events_", "knowledge_chunks_"))
        )

    context = MigrationContext.configure(
        owner_conn, opts={"compare_type": True, "include_object": include}
    )
    assert compare_metadata(context, metadata) == []
