"""Credentials vault: per-tenant data keys and encrypted integration credentials.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

CURRENT_TENANT = "(select nullif(current_setting('engium.tenant_id', true), '')::uuid)"

TENANT_TABLES = ("tenant_data_keys", "integration_credentials")

SCHEMA = """
-- The tenant's data keys, wrapped (encrypted) by a root key that never enters the database.
-- ON DELETE CASCADE: deleting the tenant destroys its keys, so any copy of its ciphertexts (a backup,
-- a leaked dump) becomes unreadable: crypto-shredding.
create table tenant_data_keys (
    tenant_id uuid not null references tenants (id) on delete cascade,
    version integer not null check (version > 0),
    wrapped_key bytea not null check (octet_length(wrapped_key) between 32 and 4096),
    root_key_id text not null check (length(root_key_id) between 1 and 200),
    state text not null default 'active' check (state in ('active', 'retired')),
    -- Encryptions under this key, against the AES-GCM random-nonce bound (2^32 per key).
    encryptions bigint not null default 0 check (encryptions >= 0),
    created_at timestamptz not null default now(),
    rewrapped_at timestamptz,
    primary key (tenant_id, version)
);
create unique index tenant_data_keys_one_active on tenant_data_keys (tenant_id) where state = 'active';

create table integration_credentials (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    kind text not null check (kind in ('twilio', 'whatsapp', 'model_provider', 'webhook_endpoint', 'widget')),
    name text not null check (length(name) between 1 and 100),
    -- ENG1 envelope ciphertexts, bound to (tenant, table, column, id, key version) by associated data.
    ciphertext bytea not null check (substring(ciphertext from 1 for 4) = '\\x454e4731'::bytea),
    key_version integer not null check (key_version > 0),
    last4 text not null default '' check (length(last4) <= 4),
    -- Non-secret configuration only (account SID, phone number id, base URL).
    metadata jsonb not null default '{}'::jsonb check (jsonb_typeof(metadata) = 'object'),
    created_at timestamptz not null default now(),
    rotated_at timestamptz,
    previous_ciphertext bytea check (substring(previous_ciphertext from 1 for 4) = '\\x454e4731'::bytea),
    previous_valid_until timestamptz,
    primary key (tenant_id, id),
    constraint integration_credentials_name_key unique (tenant_id, kind, name),
    check ((previous_ciphertext is null) = (previous_valid_until is null))
);
"""

# Cross-tenant enumeration for the root-key re-wrap, and nothing more: tenant ids that hold keys, and
# how many data keys each root key still wraps. No key material, no other columns.
FUNCTIONS = """
create function vault_tenant_ids() returns table (tenant_id uuid)
language sql stable security definer set search_path = pg_catalog, public as $$
    select distinct k.tenant_id from public.tenant_data_keys k order by 1
$$;

create function vault_root_keys_in_use() returns table (root_key_id text, data_keys bigint)
language sql stable security definer set search_path = pg_catalog, public as $$
    select k.root_key_id, count(*) from public.tenant_data_keys k group by 1 order by 1
$$;
"""

FUNCTION_SIGNATURES = ("vault_tenant_ids()", "vault_root_keys_in_use()")


def upgrade() -> None:
    op.execute(SCHEMA)
    for table in TENANT_TABLES:
        op.execute(f"alter table {table} enable row level security")
        op.execute(f"alter table {table} force row level security")
        op.execute(
            f"create policy tenant_isolation on {table} to engium_app "
            f"using (tenant_id = {CURRENT_TENANT}) with check (tenant_id = {CURRENT_TENANT})"
        )
        op.execute(f"grant select, insert, update, delete on {table} to engium_app")

    # The definer role sees two columns of every tenant's keys; never the wrapped keys themselves.
    op.execute("create policy vault_enumerator on tenant_data_keys for select to engium_auth using (true)")
    op.execute("grant select (tenant_id, root_key_id) on tenant_data_keys to engium_auth")
    op.execute(FUNCTIONS)
    for signature in FUNCTION_SIGNATURES:
        # Grants first: only the current owner can change them, and ALTER OWNER carries them over
        # (the migration role is a member of engium_auth without inheriting its privileges).
        op.execute(f"revoke all on function {signature} from public")
        op.execute(f"grant execute on function {signature} to engium_app")
        op.execute(f"alter function {signature} owner to engium_auth")


def downgrade() -> None:
    for signature in FUNCTION_SIGNATURES:
        op.execute(f"drop function if exists {signature}")
    for table in reversed(TENANT_TABLES):
        op.execute(f"drop table if exists {table} cascade")
