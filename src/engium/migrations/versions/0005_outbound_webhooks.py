"""Outbound webhooks: the tenant's endpoints and the delivery queue / delivery log.

Revision ID: 0005
Revises: 0003

A parallel branch to 0004 (inbound channels); ``Database.migrate`` upgrades to "heads".
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None

CURRENT_TENANT = "(select nullif(current_setting('engium.tenant_id', true), '')::uuid)"

TENANT_TABLES = ("webhook_endpoints", "webhook_deliveries")

EVENT_TYPES = "array['booking.created', 'booking.cancelled', 'booking.rescheduled', " \
    "'conversation.escalated', 'conversation.resolved']::text[]"

SCHEMA = f"""
create table webhook_endpoints (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    url text not null check (length(url) between 10 and 2000),
    description text not null default '' check (length(description) <= 200),
    event_types text[] not null check (cardinality(event_types) between 1 and 5 and event_types <@ {EVENT_TYPES}),
    active boolean not null default true,
    disabled_reason text check (length(disabled_reason) <= 200),
    -- The signing secret lives in the vault; deleting it while the endpoint exists is refused.
    credential_id uuid not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, credential_id) references integration_credentials (tenant_id, id)
);

-- One row per (event, endpoint): the queue and, once settled, the delivery log. The id is the
-- Standard Webhooks message id (webhook-id), so a receiver can deduplicate retries.
create table webhook_deliveries (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    endpoint_id uuid not null,
    event_type text not null check (event_type = any({EVENT_TYPES})),
    -- Ids and non-free-text facts only (see webhooks/service.py); never secrets.
    payload jsonb not null check (jsonb_typeof(payload) = 'object'),
    status text not null default 'pending' check (status in ('pending', 'delivered', 'dead')),
    attempts integer not null default 0 check (attempts >= 0),
    next_attempt_at timestamptz,
    last_attempt_at timestamptz,
    last_status_code integer check (last_status_code between 100 and 599),
    last_error text check (length(last_error) <= 300),
    created_at timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, endpoint_id) references webhook_endpoints (tenant_id, id) on delete cascade,
    check ((status = 'pending') = (next_attempt_at is not null))
);
create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where status = 'pending';
create index webhook_deliveries_endpoint_idx on webhook_deliveries (tenant_id, endpoint_id, created_at);
"""

# The delivery worker serves every tenant but runs as engium_app under RLS; this is its only way to
# see across tenants: which deliveries are due, as (tenant_id, id) pairs, nothing else. The worker
# then binds each tenant and claims the row inside that tenant's transaction.
FUNCTIONS = """
create function webhook_due_deliveries(p_now timestamptz, p_limit integer)
returns table (tenant_id uuid, id uuid)
language sql stable security definer set search_path = pg_catalog, public as $$
    select d.tenant_id, d.id from public.webhook_deliveries d
     where d.status = 'pending' and d.next_attempt_at <= p_now
     order by d.next_attempt_at
     limit least(greatest(p_limit, 1), 1000)
$$;
"""

FUNCTION_SIGNATURES = ("webhook_due_deliveries(timestamptz, integer)",)


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

    # The definer role reads the four columns the due query needs; never payloads or endpoints.
    op.execute("create policy webhook_scheduler on webhook_deliveries for select to engium_auth using (true)")
    op.execute("grant select (tenant_id, id, status, next_attempt_at) on webhook_deliveries to engium_auth")
    op.execute(FUNCTIONS)
    for signature in FUNCTION_SIGNATURES:
        # Grants first: only the current owner can change them, and ALTER OWNER carries them over.
        op.execute(f"revoke all on function {signature} from public")
        op.execute(f"grant execute on function {signature} to engium_app")
        op.execute(f"alter function {signature} owner to engium_auth")


def downgrade() -> None:
    for signature in FUNCTION_SIGNATURES:
        op.execute(f"drop function if exists {signature}")
    for table in reversed(TENANT_TABLES):
        op.execute(f"drop table if exists {table} cascade")
