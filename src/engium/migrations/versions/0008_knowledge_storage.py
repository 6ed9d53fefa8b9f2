"""Tenant-partitioned knowledge storage: documents, and chunks LIST-partitioned by tenant (P2).

Revision ID: 0008
Revises: 0007

Each tenant's chunks (text, offsets, 384-dimension embedding, full-text vector) live in a partition of
their own, created when the tenant is provisioned and dropped when it is deleted. Partition DDL needs
the rights of the table owner, so the app reaches it only through SECURITY DEFINER functions owned by
engium_owner that act on the tenant the transaction is bound to and nothing else. See ADR 0009.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

CURRENT_TENANT = "(select nullif(current_setting('engium.tenant_id', true), '')::uuid)"

# Below this many chunks an exact scan is fast (well under 10 ms for 384 dimensions) and has 100%
# recall; an HNSW index only pays off above it, and is approximate.
HNSW_THRESHOLD = 10_000

SCHEMA = """
create table knowledge_documents (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    title text not null check (length(title) between 1 and 500),
    source_kind text not null check (source_kind in ('text', 'markdown', 'html', 'pdf', 'faq')),
    content_sha256 bytea not null check (octet_length(content_sha256) = 32),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, id)
);

create table knowledge_chunks (
    tenant_id uuid not null,
    id uuid not null,
    document_id uuid not null,
    ordinal integer not null check (ordinal >= 0),
    content text not null,
    start_offset integer not null check (start_offset >= 0),
    end_offset integer not null,
    embedding vector(384) not null,
    -- 'english': stemming matches "haircuts" to "haircut"; the two-argument form is immutable.
    tsv tsvector generated always as (to_tsvector('english'::regconfig, content)) stored,
    primary key (tenant_id, id),
    foreign key (tenant_id, document_id) references knowledge_documents (tenant_id, id) on delete cascade,
    check (end_offset >= start_offset)
) partition by list (tenant_id);

-- Partitioned indexes: every partition gets its own copy, so each tenant's lookups and the cascade from
-- a deleted document stay inside that tenant's partition.
create index knowledge_chunks_document_idx on knowledge_chunks (tenant_id, document_id, ordinal);
create index knowledge_chunks_tsv_idx on knowledge_chunks using gin (tsv);
"""

FUNCTIONS = f"""
create function knowledge_partition_name(p_tenant uuid) returns text
language sql immutable strict set search_path = pg_catalog as $$
    select 'knowledge_chunks_' || replace(p_tenant::text, '-', '')
$$;

-- Creates the bound tenant's partition; idempotent. Refuses with no tenant bound, and for a tenant id
-- that has no tenants row (as the owner it sees only the bound tenant's row: policy below), so the app
-- cannot fill the catalog with partitions for made-up ids.
create function knowledge_ensure_partition() returns text
language plpgsql volatile security definer set search_path = pg_catalog, public as $$
declare
    v_tenant uuid := nullif(current_setting('engium.tenant_id', true), '')::uuid;
    v_name text;
begin
    if v_tenant is null then
        raise exception 'no tenant bound' using errcode = 'insufficient_privilege';
    end if;
    if not exists (select 1 from public.tenants t where t.id = v_tenant) then
        raise exception 'tenant % does not exist', v_tenant using errcode = 'foreign_key_violation';
    end if;
    v_name := public.knowledge_partition_name(v_tenant);
    if to_regclass('public.' || v_name) is null then
        execute format('create table public.%I partition of public.knowledge_chunks for values in (%L)',
                       v_name, v_tenant);
        execute format('revoke all on public.%I from public, engium_app', v_name);
        -- Policies are not inherited: read directly, a partition shows nothing to anyone.
        execute format('alter table public.%I enable row level security', v_name);
        execute format('alter table public.%I force row level security', v_name);
    end if;
    return v_name;
end
$$;

-- Drops a deleted tenant's partition. Only for the bound tenant, and only once its tenants row is gone
-- (deleted earlier in this transaction, or long ago): the app can never drop a live tenant's chunks, nor
-- any partition of a tenant it is not bound to. The ON DELETE CASCADE from tenants has already emptied
-- it; dropping the table also releases the files, so no vector survives in dead tuples.
create function knowledge_drop_partition(p_tenant uuid) returns boolean
language plpgsql volatile security definer set search_path = pg_catalog, public as $$
declare
    v_bound uuid := nullif(current_setting('engium.tenant_id', true), '')::uuid;
    v_name text := public.knowledge_partition_name(p_tenant);
begin
    if v_bound is null or p_tenant is distinct from v_bound then
        raise exception 'only the bound tenant''s partition may be dropped' using errcode = 'insufficient_privilege';
    end if;
    if exists (select 1 from public.tenants t where t.id = p_tenant) then
        raise exception 'tenant % still exists', p_tenant using errcode = 'object_in_use';
    end if;
    if to_regclass('public.' || v_name) is null then
        return false;
    end if;
    execute format('drop table public.%I', v_name);
    return true;
end
$$;

-- Adds an HNSW index to the bound tenant's partition once it holds at least {HNSW_THRESHOLD} chunks;
-- below that exact search is fast and exact. Called by maintenance, not automatically: the build
-- blocks writes to this one partition (CREATE INDEX CONCURRENTLY cannot run in a function).
create function knowledge_index_partition() returns boolean
language plpgsql volatile security definer set search_path = pg_catalog, public as $$
declare
    v_tenant uuid := nullif(current_setting('engium.tenant_id', true), '')::uuid;
    v_name text;
    v_rows double precision;
begin
    if v_tenant is null then
        raise exception 'no tenant bound' using errcode = 'insufficient_privilege';
    end if;
    v_name := public.knowledge_partition_name(v_tenant);
    if to_regclass('public.' || v_name) is null then
        raise exception 'tenant % has no knowledge partition', v_tenant using errcode = 'undefined_table';
    end if;
    -- Forced RLS with no policy hides the rows from the owner too; ANALYZE's estimate needs no read.
    execute format('analyze public.%I', v_name);
    select c.reltuples into v_rows from pg_class c where c.oid = ('public.' || v_name)::regclass;
    if v_rows < {HNSW_THRESHOLD} then
        return false;
    end if;
    execute format('create index if not exists %I on public.%I using hnsw (embedding vector_cosine_ops)',
                   v_name || '_hnsw', v_name);
    return true;
end
$$;
"""

APP_FUNCTIONS = ("knowledge_ensure_partition()", "knowledge_drop_partition(uuid)", "knowledge_index_partition()")


def upgrade() -> None:
    op.execute(SCHEMA)
    for table in ("knowledge_documents", "knowledge_chunks"):
        op.execute(f"alter table {table} enable row level security")
        op.execute(f"alter table {table} force row level security")
        op.execute(
            f"create policy tenant_isolation on {table} to engium_app "
            f"using (tenant_id = {CURRENT_TENANT}) with check (tenant_id = {CURRENT_TENANT})"
        )
        op.execute(f"grant select, insert, update, delete on {table} to engium_app")
    # The partition functions run as the owner and must see whether the bound tenant exists: exactly the
    # row the app itself may see, nothing more (the owner could lift RLS on its own tables anyway).
    op.execute(
        f"create policy knowledge_partition_manager on tenants for select to engium_owner "
        f"using (id = {CURRENT_TENANT})"
    )
    op.execute(FUNCTIONS)
    op.execute("revoke all on function knowledge_partition_name(uuid) from public")
    op.execute("grant execute on function knowledge_partition_name(uuid) to engium_app")
    for signature in APP_FUNCTIONS:
        # Owned by engium_owner (the creator): partition DDL needs the parent's owner. Not moved to a
        # definer role, which would then have to own knowledge_chunks and every partition.
        op.execute(f"revoke all on function {signature} from public")
        op.execute(f"grant execute on function {signature} to engium_app")

    # Partitions for tenants that exist already. Forced RLS hides tenants from the owner, so the ids are
    # read as engium_auth, which already reads tenants for credential resolution: no new privilege, no
    # new enumeration function left behind. Each tenant is then bound in turn, as provisioning does.
    bind = op.get_bind()
    bind.execute(text("set local role engium_auth"))
    tenant_ids = list(bind.execute(text("select id from tenants order by id")).scalars())
    bind.execute(text("reset role"))
    for tenant_id in tenant_ids:
        bind.execute(text("select set_config('engium.tenant_id', :t, true)"), {"t": str(tenant_id)})
        bind.execute(text("select knowledge_ensure_partition()"))
    bind.execute(text("select set_config('engium.tenant_id', '', true)"))


def downgrade() -> None:
    for signature in (*APP_FUNCTIONS, "knowledge_partition_name(uuid)"):
        op.execute(f"drop function if exists {signature}")
    op.execute("drop policy if exists knowledge_partition_manager on tenants")
    op.execute("drop table if exists knowledge_chunks cascade")
    op.execute("drop table if exists knowledge_documents cascade")
