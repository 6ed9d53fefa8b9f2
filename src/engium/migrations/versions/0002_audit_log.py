"""Append-only, hash-chained audit log with signed checkpoints.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CURRENT_TENANT = "(select nullif(current_setting('engium.tenant_id', true), '')::uuid)"

SCHEMA = r"""
-- No foreign key to tenants: audit evidence outlives the tenant it describes.
create table audit_events (
    tenant_id uuid not null,
    seq bigint not null check (seq > 0),
    occurred_at timestamptz not null,
    actor_kind text not null check (actor_kind in ('user', 'api_key', 'contact', 'webhook', 'system', 'anonymous')),
    actor_id text not null default '',
    ip inet,
    user_agent text not null default '',
    request_id text not null default '',
    action text not null check (action ~ '^[a-z_]+(\.[a-z_]+)+$'),
    resource_type text not null default '',
    resource_id text not null default '',
    outcome text not null check (outcome in ('success', 'denied', 'failed')),
    details jsonb not null default '{}'::jsonb,
    prev_hash bytea not null check (octet_length(prev_hash) = 32),
    hash bytea not null check (octet_length(hash) = 32),
    primary key (tenant_id, seq, occurred_at)
) partition by range (occurred_at);

create index audit_events_time_idx on audit_events (tenant_id, occurred_at, seq);
create index audit_events_action_idx on audit_events (tenant_id, action, occurred_at);

-- One row per chain: the lock on it serialises appends per tenant (never globally), so sequence
-- numbers are gapless and the chain is linear, while different tenants append in parallel.
create table audit_heads (
    tenant_id uuid primary key,
    last_seq bigint not null,
    last_hash bytea not null
);

create table audit_checkpoints (
    tenant_id uuid not null,
    seq bigint not null,
    head_hash bytea not null check (octet_length(head_hash) = 32),
    sealed_at timestamptz not null,
    key_id text not null,
    signature bytea not null,
    primary key (tenant_id, seq)
);

create function audit_refuse_change() returns trigger
language plpgsql set search_path = pg_catalog as $$
begin
    raise exception '% is append-only: % refused', tg_table_name, tg_op
        using errcode = 'insufficient_privilege';
end
$$;

-- Length-prefixed fields (netstring style): unambiguous, and trivial to reproduce in any language.
-- No SET search_path on these two: it would stop PostgreSQL from inlining them (2.6x slower verify).
-- They are not SECURITY DEFINER and call only pg_catalog functions, which are always searched first.
create function audit_canonical(fields text[]) returns bytea
language sql immutable strict as $$
    select pg_catalog.convert_to(
               pg_catalog.string_agg(pg_catalog.octet_length(f)::text || ':' || f || ',', '' order by i), 'UTF8')
      from pg_catalog.unnest(fields) with ordinality as t(f, i)
$$;

create function audit_event_fields(e public.audit_events) returns text[]
language sql immutable as $$
    select array[
        'engium-audit-v1',
        e.tenant_id::text,
        e.seq::text,
        to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        e.actor_kind,
        e.actor_id,
        coalesce(host(e.ip), ''),
        e.user_agent,
        e.request_id,
        e.action,
        e.resource_type,
        e.resource_id,
        e.outcome,
        e.details::text
    ]
$$;

create function audit_append(
    p_tenant_id uuid, p_actor_kind text, p_actor_id text, p_ip inet, p_user_agent text,
    p_request_id text, p_action text, p_resource_type text, p_resource_id text, p_outcome text,
    p_details jsonb
) returns table (seq bigint, hash bytea)
language plpgsql volatile security definer set search_path = pg_catalog, public as $$
declare
    v_bound uuid := coalesce(nullif(current_setting('engium.tenant_id', true), '')::uuid,
                             '00000000-0000-0000-0000-000000000000'::uuid);
    v_tenant uuid := coalesce(p_tenant_id, v_bound);
    v_event audit_events;
    v_prev bytea;
    v_seq bigint;
begin
    -- A transaction appends only to the chain of the tenant it is bound to (p_tenant_id null: that one);
    -- before authentication (no tenant bound) only to the platform chain, the nil UUID.
    if v_tenant is distinct from v_bound then
        raise exception 'audit events may only be appended for the bound tenant'
            using errcode = 'insufficient_privilege';
    end if;
    insert into audit_heads as h (tenant_id, last_seq, last_hash)
        values (v_tenant, 0, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea)
        on conflict (tenant_id) do nothing;
    select h.last_seq, h.last_hash into v_seq, v_prev
      from audit_heads h where h.tenant_id = v_tenant for update;
    v_event := row(
        v_tenant, v_seq + 1, clock_timestamp(), p_actor_kind, coalesce(p_actor_id, ''), p_ip,
        left(coalesce(p_user_agent, ''), 256), left(coalesce(p_request_id, ''), 64), p_action,
        coalesce(p_resource_type, ''), coalesce(p_resource_id, ''), p_outcome,
        coalesce(p_details, '{}'::jsonb), v_prev, null
    )::audit_events;
    -- Round to what timestamptz stores, so the hashed text equals the text read back later.
    v_event.hash := sha256(v_prev || audit_canonical(audit_event_fields(v_event)));
    insert into audit_events select (v_event).*;
    update audit_heads h set last_seq = v_event.seq, last_hash = v_event.hash where h.tenant_id = v_tenant;
    return query select v_event.seq, v_event.hash;
end
$$;

-- Heads that have events newer than their latest checkpoint, for the sealing job (all tenants).
create function audit_unsealed_heads() returns table (tenant_id uuid, last_seq bigint, last_hash bytea)
language sql stable security definer set search_path = pg_catalog, public as $$
    select h.tenant_id, h.last_seq, h.last_hash from audit_heads h
     where h.last_seq > coalesce((select max(c.seq) from audit_checkpoints c where c.tenant_id = h.tenant_id), 0)
$$;

create function audit_record_checkpoint(
    p_tenant_id uuid, p_seq bigint, p_head_hash bytea, p_sealed_at timestamptz, p_key_id text, p_signature bytea
) returns void
language plpgsql volatile security definer set search_path = pg_catalog, public as $$
begin
    if not exists (select 1 from audit_events e
                    where e.tenant_id = p_tenant_id and e.seq = p_seq and e.hash = p_head_hash) then
        raise exception 'checkpoint does not match the chain' using errcode = 'data_exception';
    end if;
    insert into audit_checkpoints values (p_tenant_id, p_seq, p_head_hash, p_sealed_at, p_key_id, p_signature)
        on conflict do nothing;
end
$$;

-- Creates the monthly partition holding p_month (owner only: DDL), with its own refusal triggers.
create function audit_ensure_partition(p_month date) returns text
language plpgsql volatile set search_path = pg_catalog, public as $$
declare
    v_start date := date_trunc('month', p_month)::date;
    v_name text := format('audit_events_%s', to_char(v_start, 'YYYY_MM'));
begin
    if to_regclass(v_name) is null then
        execute format(
            'create table public.%I partition of public.audit_events for values from (%L) to (%L)',
            v_name, v_start, (v_start + interval '1 month')::date);
        execute format('revoke all on %I from public, engium_app', v_name);
        -- Policies are not inherited: a partition read directly must show nothing to anyone.
        execute format('alter table %I enable row level security', v_name);
        execute format('alter table %I force row level security', v_name);
        execute format('revoke update, delete, truncate on %I from engium_owner', v_name);
        execute format(
            'create trigger audit_no_truncate before truncate on %I '
            'for each statement execute function audit_refuse_change()', v_name);
        execute format('alter table %I enable always trigger audit_no_truncate', v_name);
        execute format('alter table %I enable always trigger audit_no_change', v_name);
    end if;
    return v_name;
end
$$;
"""

APPEND_ONLY = ("audit_events", "audit_checkpoints")
AUDIT_FUNCTIONS = (
    "audit_append(uuid, text, text, inet, text, text, text, text, text, text, jsonb)",
    "audit_unsealed_heads()",
    "audit_record_checkpoint(uuid, bigint, bytea, timestamptz, text, bytea)",
)


def upgrade() -> None:
    op.execute(SCHEMA)
    for table in APPEND_ONLY:
        # Row triggers created on the partitioned parent are cloned onto every partition.
        op.execute(
            f"create trigger audit_no_change before update or delete on {table} "
            "for each row execute function audit_refuse_change()"
        )
        op.execute(
            f"create trigger audit_no_truncate before truncate on {table} "
            "for each statement execute function audit_refuse_change()"
        )
        # ALWAYS: still fires under session_replication_role = replica.
        op.execute(f"alter table {table} enable always trigger audit_no_change")
        op.execute(f"alter table {table} enable always trigger audit_no_truncate")
        op.execute(f"revoke update, delete, truncate on {table} from engium_owner")

    for table in (*APPEND_ONLY, "audit_heads"):
        op.execute(f"alter table {table} enable row level security")
        op.execute(f"alter table {table} force row level security")
    for table in APPEND_ONLY:
        op.execute(
            f"create policy tenant_isolation on {table} for select to engium_app "
            f"using (tenant_id = {CURRENT_TENANT})"
        )
        op.execute(f"grant select on {table} to engium_app")
    # The definer role appends and reads heads for every tenant; engium_app cannot touch heads at all.
    op.execute("create policy audit_writer on audit_events to engium_audit using (true) with check (true)")
    op.execute("create policy audit_writer on audit_checkpoints to engium_audit using (true) with check (true)")
    op.execute("create policy audit_writer on audit_heads to engium_audit using (true) with check (true)")
    # The operator's `engium audit verify` runs as the owner and must read every chain.
    for table in (*APPEND_ONLY, "audit_heads"):
        op.execute(f"create policy audit_verifier on {table} for select to engium_owner using (true)")
    op.execute("grant select, insert on audit_events, audit_checkpoints to engium_audit")
    op.execute("grant select, insert, update on audit_heads to engium_audit")

    for signature in AUDIT_FUNCTIONS:
        # Grants first: only the current owner can change them, and ALTER OWNER carries them over.
        op.execute(f"revoke all on function {signature} from public")
        op.execute(f"grant execute on function {signature} to engium_app")
        op.execute(f"alter function {signature} owner to engium_audit")
    for encoding in ("audit_canonical(text[])", "audit_event_fields(audit_events)"):
        # Used by audit_append (as engium_audit, the owner) and by `engium audit verify` (as the owner role).
        op.execute(f"revoke all on function {encoding} from public")
        op.execute(f"grant execute on function {encoding} to engium_app")
        op.execute(f"alter function {encoding} owner to engium_audit")
        # A grant to the old owner would be rewritten to the new owner by ALTER OWNER; the new owner grants it.
        op.execute("set local role engium_audit")
        op.execute(f"grant execute on function {encoding} to engium_owner")
        op.execute("reset role")

    # A default partition so an append never fails for want of a month; the maintenance step
    # creates monthly partitions ahead of time.
    op.execute("create table audit_events_default partition of audit_events default")
    op.execute("revoke update, delete, truncate on audit_events_default from engium_owner")
    op.execute("alter table audit_events_default enable row level security")
    op.execute("alter table audit_events_default force row level security")
    op.execute(
        "create trigger audit_no_truncate before truncate on audit_events_default "
        "for each statement execute function audit_refuse_change()"
    )
    op.execute("alter table audit_events_default enable always trigger audit_no_truncate")
    op.execute("alter table audit_events_default enable always trigger audit_no_change")
    op.execute("revoke all on function audit_ensure_partition(date) from public")
    op.execute(
        "select audit_ensure_partition((date_trunc('month', now()) + make_interval(months => m))::date) "
        "from generate_series(0, 12) m"
    )


def downgrade() -> None:
    raise NotImplementedError("the audit log is never dropped by a migration")
