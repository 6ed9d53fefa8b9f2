"""Incident response: operator-level incidents with their timeline, and per-tenant notifications.

Revision ID: 0020_incidents
Revises: 0019_trust_centre

``incidents`` and ``incident_entries`` belong to the operator, not to one tenant: an incident can affect
several businesses (``tenant_ids``). They are Citus reference tables (docs/scale-out.md). Row-level
security is forced on them too, with a policy that opens them to ``engium_app`` only in a transaction
that declared itself the operator's (``engium.operator = on``, set by incidents/repository.py): a
request bound to a tenant never reads them, even through a bug.

``incident_notifications`` is a tenant table (forced RLS on ``tenant_id``): what each affected business
was told, and when. A business sees only its own rows; the copy is drafted at notification time, so
what it was told stays as it was told.

An open incident's ``trigger_key`` is unique: an automatic trigger appends to the open incident of its
key instead of opening another (incidents/triggers.py). ``closed`` needs the post-incident review.
"""

from __future__ import annotations

from alembic import op

from engium.migrations.tenant_rls import enable_tenant_rls

revision = "0020_incidents"
down_revision = "0019_trust_centre"
branch_labels = None
depends_on = None

OPERATOR = "(current_setting('engium.operator', true) = 'on')"
CATEGORIES = ("array['identity', 'contact_details', 'communications', 'appointments', 'network', 'reference', "
              "'credentials', 'consent', 'requests']::text[]")

SCHEMA = f"""
create table incidents (
    id uuid primary key,
    title text not null check (length(title) between 1 and 200),
    severity text not null check (severity in ('low', 'medium', 'high', 'critical')),
    status text not null default 'detected' check (status in ('detected', 'contained', 'notified', 'closed')),
    owner text not null default '' check (length(owner) <= 200),
    tenant_ids uuid[] not null default '{{}}',
    -- The affected tenants already told (each one's copy is in its incident_notifications).
    notified_tenant_ids uuid[] not null default '{{}}',
    categories text[] not null default '{{}}' check (categories <@ {CATEGORIES}),
    aware_at timestamptz not null,
    window_start timestamptz,
    window_end timestamptz,
    regulator_due_at timestamptz not null,
    tenants_due_at timestamptz not null,
    contained_at timestamptz,
    regulator_notified_at timestamptz,
    closed_at timestamptz,
    review text check (length(review) between 1 and 20000),
    trigger_key text check (length(trigger_key) <= 200),
    -- Deadline thresholds already reminded about (incidents/clocks.py): each one fires once.
    reminders text[] not null default '{{}}',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    check (status <> 'closed' or (review is not null and closed_at is not null)),
    check (window_end is null or window_start is null or window_end >= window_start)
);
create unique index incidents_open_trigger_idx on incidents (trigger_key)
    where trigger_key is not null and status <> 'closed';
create index incidents_status_idx on incidents (status, aware_at);

create table incident_entries (
    incident_id uuid not null references incidents (id) on delete cascade,
    seq integer not null check (seq >= 1),
    at timestamptz not null default now(),
    kind text not null check (kind in ('declared', 'note', 'status', 'trigger', 'reminder', 'notification',
                                       'update')),
    actor text not null check (length(actor) between 1 and 200),
    body text not null check (length(body) between 1 and 5000),
    primary key (incident_id, seq)
);

create table incident_notifications (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    incident_id uuid not null references incidents (id),
    title text not null check (length(title) between 1 and 200),
    severity text not null,
    categories text[] not null,
    aware_at timestamptz not null,
    window_start timestamptz,
    window_end timestamptz,
    body text not null check (length(body) between 1 and 5000),
    notified_at timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, incident_id)
);

alter table webhook_endpoints drop constraint if exists webhook_endpoints_event_types_check;
alter table webhook_endpoints add constraint webhook_endpoints_event_types_check
    check (cardinality(event_types) between 1 and 7 and event_types <@ array['booking.created',
    'booking.cancelled', 'booking.rescheduled', 'conversation.escalated', 'conversation.resolved',
    'subprocessors.changed', 'incident.notified']::text[]);
alter table webhook_deliveries drop constraint if exists webhook_deliveries_event_type_check;
alter table webhook_deliveries add constraint webhook_deliveries_event_type_check
    check (event_type = any(array['booking.created', 'booking.cancelled', 'booking.rescheduled',
    'conversation.escalated', 'conversation.resolved', 'subprocessors.changed', 'incident.notified']::text[]));
"""


def _operator_only(table: str, privileges: str) -> None:
    op.execute(f"alter table {table} enable row level security")
    op.execute(f"alter table {table} force row level security")
    op.execute(f"create policy operator_only on {table} to engium_app using {OPERATOR} with check {OPERATOR}")
    op.execute(f"grant {privileges} on {table} to engium_app")


def upgrade() -> None:
    op.execute(SCHEMA)
    _operator_only("incidents", "select, insert, update")
    _operator_only("incident_entries", "select, insert")
    enable_tenant_rls("incident_notifications", privileges="select, insert, delete")


def downgrade() -> None:
    op.execute("delete from webhook_deliveries where event_type = 'incident.notified'")
    op.execute("update webhook_endpoints set event_types = array_remove(event_types, 'incident.notified')")
    op.execute("delete from webhook_endpoints where cardinality(event_types) = 0")
    op.execute("""
alter table webhook_endpoints drop constraint webhook_endpoints_event_types_check;
alter table webhook_endpoints add constraint webhook_endpoints_event_types_check
    check (cardinality(event_types) between 1 and 6 and event_types <@ array['booking.created',
    'booking.cancelled', 'booking.rescheduled', 'conversation.escalated', 'conversation.resolved',
    'subprocessors.changed']::text[]);
alter table webhook_deliveries drop constraint webhook_deliveries_event_type_check;
alter table webhook_deliveries add constraint webhook_deliveries_event_type_check
    check (event_type = any(array['booking.created', 'booking.cancelled', 'booking.rescheduled',
    'conversation.escalated', 'conversation.resolved', 'subprocessors.changed']::text[]));""")
    op.execute("drop table if exists incident_notifications")
    op.execute("drop table if exists incident_entries")
    op.execute("drop table if exists incidents")
