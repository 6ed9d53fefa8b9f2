"""Trust centre: the subprocessor register, operator announcements, objections and generated DPAs.

Revision ID: 0019_trust_centre
Revises: 0018

``subprocessor_changes`` is the tenant's register as a history: one row per change (added or removed),
written in the transaction that enabled or disabled the integration; the current list is the latest
change per subprocessor. Rows are never updated or deleted by the app (select, insert only).

``subprocessor_announcements`` is operator-level (no tenant): a new operator subprocessor announced ahead
of its effective date. Every tenant reads it (a ``using (true)`` policy, forced like ``tenants``); only the
operator's CLI writes it. ``subprocessor_objections`` are the tenants' objections to an announcement.

``dpa_versions`` keeps every generated Data Processing Agreement with its SHA-256 and Ed25519 signature;
``dpa_acceptances`` records an owner's acceptance of one version. Both are append-only for the app.

The outbound webhook event types gain ``subprocessors.changed``.
"""

from __future__ import annotations

from alembic import op

from engium.migrations.tenant_rls import enable_tenant_rls

revision = "0019_trust_centre"
down_revision = "0018"
branch_labels = None
depends_on = None

OLD_EVENTS = ("'booking.created', 'booking.cancelled', 'booking.rescheduled', 'conversation.escalated', "
              "'conversation.resolved'")
NEW_EVENTS = OLD_EVENTS + ", 'subprocessors.changed'"

SCHEMA = """
create table subprocessor_changes (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    occurred_at timestamptz not null default now(),
    change text not null check (change in ('added', 'removed')),
    subprocessor_key text not null check (length(subprocessor_key) between 1 and 100),
    name text not null check (length(name) between 1 and 200),
    purpose text not null check (length(purpose) between 1 and 500),
    location text not null check (length(location) between 1 and 200),
    data_categories text[] not null,
    reason text not null check (length(reason) between 1 and 300),
    primary key (tenant_id, id)
);
create index subprocessor_changes_time_idx on subprocessor_changes (tenant_id, occurred_at);

create table subprocessor_announcements (
    id uuid primary key,
    name text not null check (length(name) between 1 and 200),
    purpose text not null check (length(purpose) between 1 and 500),
    location text not null check (length(location) between 1 and 200),
    data_categories text[] not null,
    effective_on date not null,
    announced_at timestamptz not null default now(),
    announced_by text not null check (length(announced_by) between 1 and 200)
);

create table subprocessor_objections (
    tenant_id uuid not null references tenants (id) on delete cascade,
    announcement_id uuid not null references subprocessor_announcements (id),
    objected_by uuid not null,
    reason text not null check (length(reason) <= 1000),
    objected_at timestamptz not null default now(),
    primary key (tenant_id, announcement_id)
);

create table dpa_versions (
    tenant_id uuid not null references tenants (id) on delete cascade,
    version integer not null check (version >= 1),
    document text not null,
    sha256 text not null check (length(sha256) = 64),
    signature bytea not null,
    key_id text not null,
    generated_at timestamptz not null default now(),
    primary key (tenant_id, version)
);

create table dpa_acceptances (
    tenant_id uuid not null,
    version integer not null,
    accepted_by uuid not null,
    accepted_at timestamptz not null default now(),
    primary key (tenant_id, version),
    foreign key (tenant_id, version) references dpa_versions (tenant_id, version) on delete cascade
);
"""


def _event_checks(events: str, most: int) -> None:
    op.execute("alter table webhook_endpoints drop constraint webhook_endpoints_event_types_check")
    op.execute(f"alter table webhook_endpoints add constraint webhook_endpoints_event_types_check check "
               f"(cardinality(event_types) between 1 and {most} and event_types <@ array[{events}]::text[])")
    op.execute("alter table webhook_deliveries drop constraint webhook_deliveries_event_type_check")
    op.execute(f"alter table webhook_deliveries add constraint webhook_deliveries_event_type_check check "
               f"(event_type = any(array[{events}]::text[]))")


def upgrade() -> None:
    op.execute(SCHEMA)
    enable_tenant_rls("subprocessor_changes", privileges="select, insert")
    enable_tenant_rls("subprocessor_objections", privileges="select, insert")
    enable_tenant_rls("dpa_versions", privileges="select, insert")
    enable_tenant_rls("dpa_acceptances", privileges="select, insert")
    # Operator-level and public to every tenant: forced like tenants/users, read by all, written by the CLI.
    op.execute("alter table subprocessor_announcements enable row level security")
    op.execute("alter table subprocessor_announcements force row level security")
    op.execute("create policy announcements_visible on subprocessor_announcements to engium_app "
               "using (true) with check (true)")
    op.execute("grant select, insert on subprocessor_announcements to engium_app")
    _event_checks(NEW_EVENTS, 6)


def downgrade() -> None:
    op.execute("delete from webhook_deliveries where event_type = 'subprocessors.changed'")
    op.execute("update webhook_endpoints set event_types = array_remove(event_types, 'subprocessors.changed')")
    _event_checks(OLD_EVENTS, 5)
    for table in ("dpa_acceptances", "dpa_versions", "subprocessor_objections", "subprocessor_announcements",
                  "subprocessor_changes"):
        op.execute(f"drop table if exists {table}")
