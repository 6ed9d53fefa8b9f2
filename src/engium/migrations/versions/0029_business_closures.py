"""Business-wide closures: holidays and special hours for a date or a range of dates (ADR 0036).

Revision ID: 0029_business_closures
Revises: 0028_delivery_receipts

A closure is the whole business's, not one staff member's (those are ``availability_exceptions``): no slot
is offered or bookable on a day it closes, and on a day of special hours only inside them. Without
``opens_at``/``closes_at`` it closes the whole day. ``repeats_yearly`` makes it come back on the same
calendar dates every year from ``start_date`` on (Christmas Day set once). The checks below repeat the
service's rules, so a row that breaks them cannot exist whatever writes it.
"""

from __future__ import annotations

from alembic import op

from engium.migrations.tenant_rls import enable_tenant_rls

revision = "0029_business_closures"
down_revision = "0028_delivery_receipts"
branch_labels = None
depends_on = None

SCHEMA = """
create table business_closures (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    label text not null check (length(label) between 1 and 100),
    start_date date not null,
    end_date date not null,
    opens_at time,
    closes_at time,
    repeats_yearly boolean not null default false,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, id),
    check (end_date >= start_date and end_date - start_date <= 366),
    check (not repeats_yearly or end_date - start_date < 365),
    check ((opens_at is null) = (closes_at is null)),
    check (opens_at is null or opens_at < closes_at)
);
create index business_closures_dates_idx on business_closures (tenant_id, end_date, start_date);
"""


def upgrade() -> None:
    op.execute(SCHEMA)
    enable_tenant_rls("business_closures")


def downgrade() -> None:
    op.execute("drop table if exists business_closures")
