"""Audit retention by sealed months: the one way rows leave the audit log (ADR 0030).

Revision ID: 0021_audit_pruning
Revises: 0020_incidents

* ``audit_pruned_ranges``: one row per removal, per tenant (chain): the sequence range removed, the months
  it spanned, the hash of the signed checkpoint that closes it and the SHA-256 of the export that holds it.
  Append-only like ``audit_checkpoints`` (the same refusal triggers); forced RLS, readable by ``engium_app``
  for the bound tenant only (the staff app's verification needs it), written only by ``audit_prune``.
* ``audit_prune(p_through, p_export_sha256, p_export_name, p_months)``: SECURITY DEFINER, owned by
  ``engium_audit``, callable by ``engium_app`` for the bound tenant. It removes the tenant's events after
  its previous pruned range up to ``p_through`` and records the range in the same transaction, after
  checking what no caller can be trusted with: a signed checkpoint closes ``p_through`` and matches the
  chain, the cut falls between two calendar months (UTC), and the last removed month is at least
  ``p_months`` (never under 13, the documented floor) months before the current one.
* ``audit_refuse_change()`` lets a DELETE on ``audit_events`` through only as ``engium_audit`` while
  ``audit_prune`` has set its transaction-local flag. ``engium_app`` still has no DELETE privilege, and the
  triggers still refuse every UPDATE, every TRUNCATE and every other DELETE.
"""

from __future__ import annotations

from alembic import op

revision = "0021_audit_pruning"
down_revision = "0020_incidents"
branch_labels = None
depends_on = None

CURRENT_TENANT = "(select nullif(current_setting('engium.tenant_id', true), '')::uuid)"
PRUNE = "audit_prune(bigint, bytea, text, integer)"

SCHEMA = r"""
create table audit_pruned_ranges (
    tenant_id uuid not null,
    first_seq bigint not null check (first_seq > 0),
    last_seq bigint not null,
    first_month date not null,
    last_month date not null,
    events bigint not null check (events > 0),
    checkpoint_hash bytea not null check (octet_length(checkpoint_hash) = 32),
    export_sha256 bytea not null check (octet_length(export_sha256) = 32),
    export_name text not null check (length(export_name) between 1 and 300),
    pruned_at timestamptz not null default now(),
    primary key (tenant_id, last_seq),
    check (last_seq >= first_seq),
    check (last_month >= first_month)
);

create or replace function audit_refuse_change() returns trigger
language plpgsql set search_path = pg_catalog as $$
begin
    -- The one exception: audit_prune (SECURITY DEFINER, engium_audit) removing expired, sealed, exported
    -- months of audit_events (the parent or one of its partitions), flagged for its own transaction.
    if tg_op = 'DELETE' and current_user = 'engium_audit'
       and current_setting('engium.audit_pruning', true) = 'on'
       and (tg_table_name = 'audit_events' or tg_table_name like 'audit\_events\_%') then
        return old;
    end if;
    raise exception '% is append-only: % refused', tg_table_name, tg_op
        using errcode = 'insufficient_privilege';
end
$$;

create function audit_prune(p_through bigint, p_export_sha256 bytea, p_export_name text, p_months integer)
returns table (first_seq bigint, last_seq bigint, events bigint, first_month date, last_month date)
language plpgsql volatile security definer set search_path = pg_catalog, public as $$
declare
    v_tenant uuid := nullif(current_setting('engium.tenant_id', true), '')::uuid;
    v_after bigint;
    v_hash bytea;
    v_first_at timestamptz;
    v_last_at timestamptz;
    v_next_at timestamptz;
    v_count bigint;
    v_kept_from timestamptz;
begin
    if v_tenant is null then
        raise exception 'audit months are removed only for the bound tenant' using errcode = 'insufficient_privilege';
    end if;
    select coalesce(max(r.last_seq), 0) into v_after from audit_pruned_ranges r where r.tenant_id = v_tenant;
    if p_through is null or p_through <= v_after then
        raise exception 'events up to seq % are already removed', v_after using errcode = 'data_exception';
    end if;
    select c.head_hash into v_hash from audit_checkpoints c where c.tenant_id = v_tenant and c.seq = p_through;
    if v_hash is null then
        raise exception 'no signed checkpoint closes seq %', p_through using errcode = 'data_exception';
    end if;
    select e.occurred_at into v_last_at from audit_events e
     where e.tenant_id = v_tenant and e.seq = p_through and e.hash = v_hash;
    if v_last_at is null then
        raise exception 'the checkpoint at seq % does not match the chain', p_through using errcode = 'data_exception';
    end if;
    select e.occurred_at into v_next_at from audit_events e where e.tenant_id = v_tenant and e.seq = p_through + 1;
    if v_next_at is not null
       and date_trunc('month', v_next_at at time zone 'UTC') = date_trunc('month', v_last_at at time zone 'UTC') then
        raise exception 'seq % is not the last event of its month: only whole months are removed', p_through
            using errcode = 'data_exception';
    end if;
    v_kept_from := (date_trunc('month', now() at time zone 'UTC')
                    - make_interval(months => greatest(coalesce(p_months, 13), 13))) at time zone 'UTC';
    if v_last_at >= v_kept_from then
        raise exception 'seq % is in a month that is kept (from %)', p_through, v_kept_from
            using errcode = 'data_exception';
    end if;
    if p_export_sha256 is null or octet_length(p_export_sha256) <> 32 then
        raise exception 'the export''s SHA-256 is required' using errcode = 'data_exception';
    end if;
    select count(*), min(e.occurred_at) into v_count, v_first_at from audit_events e
     where e.tenant_id = v_tenant and e.seq > v_after and e.seq <= p_through;
    if v_count <> p_through - v_after then
        raise exception 'events between seq % and % are already missing', v_after + 1, p_through
            using errcode = 'data_exception';
    end if;
    perform set_config('engium.audit_pruning', 'on', true);
    delete from audit_events e where e.tenant_id = v_tenant and e.seq > v_after and e.seq <= p_through;
    perform set_config('engium.audit_pruning', 'off', true);
    insert into audit_pruned_ranges (tenant_id, first_seq, last_seq, first_month, last_month, events,
                                     checkpoint_hash, export_sha256, export_name)
        values (v_tenant, v_after + 1, p_through, date_trunc('month', v_first_at at time zone 'UTC')::date,
                date_trunc('month', v_last_at at time zone 'UTC')::date, v_count, v_hash, p_export_sha256,
                p_export_name);
    return query select v_after + 1, p_through, v_count, date_trunc('month', v_first_at at time zone 'UTC')::date,
                        date_trunc('month', v_last_at at time zone 'UTC')::date;
end
$$;
"""


def upgrade() -> None:
    op.execute(SCHEMA)
    op.execute(
        "create trigger audit_no_change before update or delete on audit_pruned_ranges "
        "for each row execute function audit_refuse_change()"
    )
    op.execute(
        "create trigger audit_no_truncate before truncate on audit_pruned_ranges "
        "for each statement execute function audit_refuse_change()"
    )
    op.execute("alter table audit_pruned_ranges enable always trigger audit_no_change")
    op.execute("alter table audit_pruned_ranges enable always trigger audit_no_truncate")
    op.execute("revoke update, delete, truncate on audit_pruned_ranges from engium_owner")
    op.execute("alter table audit_pruned_ranges enable row level security")
    op.execute("alter table audit_pruned_ranges force row level security")
    op.execute(
        "create policy tenant_isolation on audit_pruned_ranges for select to engium_app "
        f"using (tenant_id = {CURRENT_TENANT})"
    )
    op.execute("grant select on audit_pruned_ranges to engium_app")
    op.execute("create policy audit_writer on audit_pruned_ranges to engium_audit using (true) with check (true)")
    op.execute("create policy audit_verifier on audit_pruned_ranges for select to engium_owner using (true)")
    op.execute("grant select, insert on audit_pruned_ranges to engium_audit")
    # The definer role removes rows through the parent (partitions' own privileges are not checked then).
    op.execute("grant delete on audit_events to engium_audit")

    op.execute(f"revoke all on function {PRUNE} from public")
    op.execute(f"grant execute on function {PRUNE} to engium_app")
    op.execute(f"alter function {PRUNE} owner to engium_audit")


def downgrade() -> None:
    raise NotImplementedError("pruned audit ranges are evidence; they are never dropped by a migration")
