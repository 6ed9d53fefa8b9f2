"""Inbound channels: tenant public ids, channel resolvers, replay table, widget sessions, jobs.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

CURRENT_TENANT = "(select nullif(current_setting('engium.tenant_id', true), '')::uuid)"

TENANT_TABLES = ("inbound_deliveries", "widget_sessions", "jobs")

# 12 URL-safe characters drawn from a random UUID (72 bits shown, 68 of them random). Used as the
# default for rows created outside provision_tenant and for the backfill of existing tenants.
PUBLIC_ID_EXPRESSION = (
    "substr(translate(encode(uuid_send(gen_random_uuid()), 'base64'), '+/=', '-_'), 1, 12)"
)

SCHEMA = f"""
-- The id that appears in webhook URLs. Not the tenant's uuid: that one is in every row and log line,
-- and a URL id must be replaceable without touching them. Global (tenants is a global table).
alter table tenants add column public_id text;
update tenants set public_id = {PUBLIC_ID_EXPRESSION} where public_id is null;
alter table tenants alter column public_id set default {PUBLIC_ID_EXPRESSION};
alter table tenants alter column public_id set not null;
alter table tenants add constraint tenants_public_id_format check (public_id ~ '^[A-Za-z0-9_-]{{8,32}}$');
alter table tenants add constraint tenants_public_id_key unique (public_id);

-- Twilio signs the URL it called; Engium rebuilds it from this, never from Host/X-Forwarded-*.
alter table tenant_settings add column public_base_url text
    check (public_base_url ~ '^https?://[^/?#@\\s]+(/[^?#\\s]*)?$' and length(public_base_url) <= 300);

-- Replay/idempotency: a provider's event id is accepted once per tenant. Kept at least 7 days
-- (purge_inbound_deliveries never deletes younger rows): Meta retries for days and Twilio and
-- Meta sign no timestamp, so this table is their only replay defence.
create table inbound_deliveries (
    tenant_id uuid not null references tenants (id) on delete cascade,
    provider text not null check (provider in ('twilio', 'whatsapp', 'events', 'widget')),
    provider_event_id text not null check (length(provider_event_id) between 1 and 256),
    received_at timestamptz not null default now(),
    message_id uuid,
    primary key (tenant_id, provider, provider_event_id)
);
create index inbound_deliveries_received_idx on inbound_deliveries (tenant_id, received_at);

-- A widget visitor's conversation grant: the bearer token is stored only as its SHA-256.
create table widget_sessions (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    token_hash bytea not null check (octet_length(token_hash) = 32),
    contact_id uuid not null,
    conversation_id uuid not null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    primary key (tenant_id, id),
    constraint widget_sessions_token_key unique (tenant_id, token_hash),
    foreign key (tenant_id, contact_id) references contacts (tenant_id, id) on delete cascade,
    foreign key (tenant_id, conversation_id) references conversations (tenant_id, id) on delete cascade
);

-- A small generic queue. Payloads hold ids only (never message text), so a job row is no copy of
-- personal data and erasing a contact leaves nothing readable here.
create table jobs (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    kind text not null check (kind ~ '^[a-z][a-z0-9_.]{{0,63}}$'),
    payload jsonb not null default '{{}}'::jsonb check (jsonb_typeof(payload) = 'object'),
    status text not null default 'pending' check (status in ('pending', 'done', 'failed')),
    run_after timestamptz not null default now(),
    attempts integer not null default 0 check (attempts >= 0),
    last_error text check (length(last_error) <= 500),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, id)
);
create index jobs_pending_idx on jobs (tenant_id, status, run_after) where status = 'pending';
"""

# Resolvers used before any tenant is bound. They return a tenant id and nothing else; the caller then
# binds that tenant and verifies the request under RLS. An ambiguous widget key (two tenants typed the
# same value) resolves to nothing rather than to either of them.
FUNCTIONS = """
create function channel_tenant(p_public_id text) returns uuid
language sql stable security definer set search_path = pg_catalog, public as $$
    select t.id from public.tenants t where t.public_id = p_public_id
$$;

create function widget_tenant(p_widget_key text) returns uuid
language sql stable security definer set search_path = pg_catalog, public as $$
    select (array_agg(distinct c.tenant_id))[1]
      from public.integration_credentials c
     where c.kind = 'widget' and c.metadata ->> 'public_widget_key' = p_widget_key
       and length(p_widget_key) >= 16
    having count(distinct c.tenant_id) = 1
$$;
"""

FUNCTION_SIGNATURES = ("channel_tenant(text)", "widget_tenant(text)")


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
    # The widget-key resolver sees three columns of widget credentials, never a ciphertext.
    op.execute(
        "create policy widget_key_resolver on integration_credentials for select to engium_auth "
        "using (kind = 'widget')"
    )
    op.execute("grant select (tenant_id, kind, metadata) on integration_credentials to engium_auth")
    op.execute(FUNCTIONS)
    for signature in FUNCTION_SIGNATURES:
        # Grants first: only the current owner can change them, and ALTER OWNER carries them over.
        op.execute(f"revoke all on function {signature} from public")
        op.execute(f"grant execute on function {signature} to engium_app")
        op.execute(f"alter function {signature} owner to engium_auth")


def downgrade() -> None:
    for signature in FUNCTION_SIGNATURES:
        op.execute(f"drop function if exists {signature}")
    op.execute("revoke select (tenant_id, kind, metadata) on integration_credentials from engium_auth")
    op.execute("drop policy if exists widget_key_resolver on integration_credentials")
    for table in reversed(TENANT_TABLES):
        op.execute(f"drop table if exists {table} cascade")
    op.execute("alter table tenant_settings drop column if exists public_base_url")
    op.execute("alter table tenants drop column if exists public_id")
