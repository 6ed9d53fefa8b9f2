"""Row-level security for a new tenant table, in one place: every migration that adds one calls this.

What it sets up is what the catalog test (tests/tenancy/test_catalog.py) checks on every tenant table:
RLS enabled *and* forced (the owner is subject to it too), one ``tenant_isolation`` policy for
``engium_app`` whose ``USING`` and ``WITH CHECK`` both compare ``tenant_id`` with the transaction-local
tenant (``NULLIF`` makes an unbound transaction see nothing), and the DML privileges the app needs.
"""

from __future__ import annotations

from alembic import op

CURRENT_TENANT = "(select nullif(current_setting('engium.tenant_id', true), '')::uuid)"


def enable_tenant_rls(table: str, *, privileges: str = "select, insert, update, delete") -> None:
    op.execute(f"alter table {table} enable row level security")
    op.execute(f"alter table {table} force row level security")
    op.execute(
        f"create policy tenant_isolation on {table} to engium_app "
        f"using (tenant_id = {CURRENT_TENANT}) with check (tenant_id = {CURRENT_TENANT})"
    )
    op.execute(f"grant {privileges} on {table} to engium_app")
