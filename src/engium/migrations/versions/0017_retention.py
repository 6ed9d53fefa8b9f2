"""Retention: the list of tenants for the purge, and audit partitions created ahead for ever.

Revision ID: 0017
Revises: 0016

* ``privacy_tenant_ids()``: the retention purge (privacy/retention.py) runs tenant by tenant under each
  tenant's RLS; it needs to know which tenants exist, and ``engium_app`` sees only the bound one. A
  SECURITY DEFINER function owned by ``engium_auth`` (which already reads ``tenants`` for credential
  resolution) returns the ids and nothing else.
* ``audit_prepare_months(p_ahead)``: migration 0002 created the audit log's monthly partitions for 13
  months; after that every event would land in the default partition and removing a month by dropping
  its partition would stop working. This function, owned by the schema owner (DDL) and callable by
  ``engium_app``, creates the partitions of the current month and the ``p_ahead`` next ones (at most 24),
  so the daily ``audit.prepare_months`` task keeps a year ready for ever. A month whose events already
  sit in the default partition is skipped (PostgreSQL refuses to create it) and reported as null.
"""

from __future__ import annotations

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

FUNCTIONS = """
create function privacy_tenant_ids() returns setof uuid
language sql stable security definer set search_path = pg_catalog, public as $$
    select t.id from public.tenants t order by t.created_at, t.id
$$;

create function audit_prepare_months(p_ahead integer) returns setof text
language plpgsql volatile security definer set search_path = pg_catalog, public as $$
declare
    v_month date;
begin
    for m in 0 .. least(greatest(coalesce(p_ahead, 12), 0), 24) loop
        v_month := (date_trunc('month', now()) + make_interval(months => m))::date;
        begin
            return next public.audit_ensure_partition(v_month);
        exception when check_violation then
            -- Events of that month already sit in the default partition: leave them there.
            return next null;
        end;
    end loop;
end
$$;
"""


def upgrade() -> None:
    op.execute(FUNCTIONS)
    # Grants first: only the current owner can change them, and ALTER OWNER carries them over.
    op.execute("revoke all on function privacy_tenant_ids() from public")
    op.execute("grant execute on function privacy_tenant_ids() to engium_app")
    op.execute("alter function privacy_tenant_ids() owner to engium_auth")
    op.execute("revoke all on function audit_prepare_months(integer) from public")
    op.execute("grant execute on function audit_prepare_months(integer) to engium_app")
    op.execute("select audit_prepare_months(12)")


def downgrade() -> None:
    op.execute("drop function if exists audit_prepare_months(integer)")
    op.execute("drop function if exists privacy_tenant_ids()")
