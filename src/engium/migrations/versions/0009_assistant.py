"""The assistant: per-tenant model policy, guard settings, and per-conversation assistant state.

Revision ID: 0009
Revises: 0008

``tenant_settings`` gains the tenant's explicit choices that the model gateway and the guard read:
whether it accepts a model provider that may retain or train on data (default: no, the gateway refuses
such a provider), the guard's detector threshold (null: the platform default) and the hosts links in
replies may point to. ``assistant_states`` holds what the conversation engine must remember between
turns: a booking awaiting the customer's confirmation, failed turns, guard strikes. It is a tenant
table like any other: tenant_id first in every key, forced RLS.
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

CURRENT_TENANT = "(select nullif(current_setting('engium.tenant_id', true), '')::uuid)"

SCHEMA = """
alter table tenant_settings
    add column ai_accept_retention boolean not null default false,
    add column guard_threshold real check (guard_threshold is null or (guard_threshold > 0 and guard_threshold <= 1)),
    add column link_allow_list text[] not null default '{}';

create table assistant_states (
    tenant_id uuid not null references tenants (id) on delete cascade,
    conversation_id uuid not null,
    -- A proposed action awaiting the customer's "yes" (kind, service, staff, start): never free text.
    pending jsonb,
    failed_turns integer not null default 0 check (failed_turns >= 0),
    guard_strikes integer not null default 0 check (guard_strikes >= 0),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, conversation_id),
    foreign key (tenant_id, conversation_id) references conversations (tenant_id, id) on delete cascade
);
"""


def upgrade() -> None:
    op.execute(SCHEMA)
    op.execute("alter table assistant_states enable row level security")
    op.execute("alter table assistant_states force row level security")
    op.execute(
        f"create policy tenant_isolation on assistant_states to engium_app "
        f"using (tenant_id = {CURRENT_TENANT}) with check (tenant_id = {CURRENT_TENANT})"
    )
    op.execute("grant select, insert, update, delete on assistant_states to engium_app")


def downgrade() -> None:
    op.execute("drop table if exists assistant_states")
    op.execute(
        "alter table tenant_settings drop column if exists ai_accept_retention, "
        "drop column if exists guard_threshold, drop column if exists link_allow_list"
    )
