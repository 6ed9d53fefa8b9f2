"""Outbound channel sends: cross-tenant job scheduling and the replay-table purge.

Revision ID: 0007
Revises: 0006

The channel sender serves every tenant but runs as engium_app under RLS. Like the webhook worker
(0005), it crosses tenants only through SECURITY DEFINER functions owned by engium_auth:
``channel_due_jobs`` names due (tenant_id, job id) pairs and nothing else; the sender then binds each
tenant and reads the job, message and credentials under that tenant's RLS. ``purge_inbound_deliveries``
deletes replay rows of every tenant, and only rows older than 7 days: the function refuses a shorter
retention, and engium_auth's RLS policies on the table make younger rows invisible to it anyway, so
not even a future bug in the function body could purge a row still inside a provider's retry window.
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

RETENTION_FLOOR = "interval '7 days'"

FUNCTIONS = f"""
create function channel_due_jobs(p_kind text, p_now timestamptz, p_limit integer)
returns table (tenant_id uuid, id uuid)
language sql stable security definer set search_path = pg_catalog, public as $$
    select j.tenant_id, j.id from public.jobs j
     where j.kind = p_kind and j.status = 'pending' and j.run_after <= p_now
     order by j.run_after
     limit least(greatest(p_limit, 1), 1000)
$$;

create function purge_inbound_deliveries(p_older_than interval, p_limit integer) returns integer
language plpgsql volatile security definer set search_path = pg_catalog, public as $$
declare
    deleted integer;
begin
    if p_older_than is null or p_older_than < {RETENTION_FLOOR} then
        raise exception 'inbound delivery retention must be at least 7 days' using errcode = '22023';
    end if;
    -- In batches (the caller loops): one huge delete would hold its locks for the whole table.
    delete from public.inbound_deliveries d
     where (d.tenant_id, d.provider, d.provider_event_id) in (
        select o.tenant_id, o.provider, o.provider_event_id from public.inbound_deliveries o
         where o.received_at < now() - p_older_than
         limit least(greatest(p_limit, 1), 10000));
    get diagnostics deleted = row_count;
    return deleted;
end
$$;
"""

FUNCTION_SIGNATURES = ("channel_due_jobs(text, timestamptz, integer)", "purge_inbound_deliveries(interval, integer)")


def upgrade() -> None:
    # The cross-tenant due scan goes by kind and time; jobs_pending_idx leads with tenant_id.
    op.execute("create index jobs_due_idx on jobs (kind, run_after) where status = 'pending'")
    # The scheduler reads the five columns the due query needs: never payloads or errors.
    op.execute("create policy job_scheduler on jobs for select to engium_auth using (true)")
    op.execute("grant select (tenant_id, id, kind, status, run_after) on jobs to engium_auth")
    # The purge sees and deletes only rows past the floor, whatever its caller asks for.
    for command in ("select", "delete"):
        op.execute(
            f"create policy delivery_retention_{command} on inbound_deliveries for {command} to engium_auth "
            f"using (received_at < now() - {RETENTION_FLOOR})"
        )
    op.execute(
        "grant select (tenant_id, provider, provider_event_id, received_at) on inbound_deliveries to engium_auth"
    )
    op.execute("grant delete on inbound_deliveries to engium_auth")
    op.execute(FUNCTIONS)
    for signature in FUNCTION_SIGNATURES:
        # Grants first: only the current owner can change them, and ALTER OWNER carries them over.
        op.execute(f"revoke all on function {signature} from public")
        op.execute(f"grant execute on function {signature} to engium_app")
        op.execute(f"alter function {signature} owner to engium_auth")


def downgrade() -> None:
    for signature in FUNCTION_SIGNATURES:
        op.execute(f"drop function if exists {signature}")
    op.execute("revoke delete on inbound_deliveries from engium_auth")
    op.execute(
        "revoke select (tenant_id, provider, provider_event_id, received_at) on inbound_deliveries from engium_auth"
    )
    for command in ("select", "delete"):
        op.execute(f"drop policy if exists delivery_retention_{command} on inbound_deliveries")
    op.execute("revoke select (tenant_id, id, kind, status, run_after) on jobs from engium_auth")
    op.execute("drop policy if exists job_scheduler on jobs")
    op.execute("drop index if exists jobs_due_idx")
