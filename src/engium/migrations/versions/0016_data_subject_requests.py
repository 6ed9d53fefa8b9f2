"""Data-subject requests with their deadlines, export bundles, signed deletion certificates; replay rows
let go of an erased message.

Revision ID: 0016
Revises: 0015

* ``privacy_requests``: access, export, erasure, rectification and opt-out requests, with the clock each
  runs on (GDPR one month, extendable by two; CCPA 45 days, extendable by 45; a CCPA opt-out 15 business
  days). ``contact_id`` has no foreign key on purpose: a handled erasure stays as evidence after the
  contact is gone. What the requester asked for in their own words or values (a rectification's new
  e-mail, the phone number a code went to) is sealed under the contact's key (``payload``), so their
  erasure reaches it too.
* ``privacy_exports``: the bundle an access or export request produced, sealed under the contact's key
  and kept 30 days.
* ``privacy_certificates``: the signed statement of what an erasure removed, per store.
* ``inbound_deliveries.message_id`` now references the message and is cleared when the message goes
  (``ON DELETE SET NULL (message_id)``): the replay row keeps protecting against a retried delivery for its
  seven days, and no longer points at anyone.
"""

from __future__ import annotations

from alembic import op

from engium.migrations.tenant_rls import enable_tenant_rls

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

SCHEMA = """
create table privacy_requests (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    kind text not null check (kind in ('access', 'export', 'erasure', 'rectification', 'opt_out')),
    status text not null check (status in ('awaiting_verification', 'open', 'in_progress', 'completed',
                                           'refused')),
    regime text not null check (regime in ('gdpr', 'ccpa')),
    source text not null check (source in ('staff', 'widget')),
    contact_id uuid,
    received_at timestamptz not null,
    -- When the deadline's clock started: receipt, or (a request made through the widget) proof of identity.
    clock_started_at timestamptz,
    due_at timestamptz,
    extended_until timestamptz,
    extension_reason text check (length(extension_reason) between 1 and 500),
    completed_at timestamptz,
    refusal_reason text check (length(refusal_reason) between 1 and 500),
    -- Counts and ids of what was done (per store); never personal values.
    outcome jsonb not null default '{}'::jsonb check (jsonb_typeof(outcome) = 'object'),
    -- ENS1 value sealed under the contact's key (crypto/subject_keys.py): what the requester supplied.
    payload text check (length(payload) <= 20000),
    logged_by text not null default '' check (length(logged_by) <= 200),
    overdue_recorded_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, id),
    check ((status = 'awaiting_verification') = (clock_started_at is null)),
    check (status = 'awaiting_verification' or due_at is not null),
    check ((status in ('completed', 'refused')) = (completed_at is not null)),
    check ((status = 'refused') = (refusal_reason is not null)),
    check ((extended_until is null) = (extension_reason is null))
);
create index privacy_requests_clock_idx on privacy_requests (tenant_id, status, due_at);
create index privacy_requests_contact_idx on privacy_requests (tenant_id, contact_id);
create index privacy_requests_received_idx on privacy_requests (tenant_id, received_at, id);

create table privacy_exports (
    tenant_id uuid not null,
    request_id uuid not null,
    contact_id uuid not null,
    sealed text not null,
    bytes integer not null check (bytes >= 0),
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    primary key (tenant_id, request_id),
    foreign key (tenant_id, request_id) references privacy_requests (tenant_id, id) on delete cascade
);

create table privacy_certificates (
    tenant_id uuid not null,
    request_id uuid not null,
    -- The signed statement exactly as signed (canonical JSON text), and its Ed25519 signature.
    statement text not null,
    signature bytea not null check (octet_length(signature) = 64),
    key_id text not null check (length(key_id) = 16),
    issued_at timestamptz not null default now(),
    primary key (tenant_id, request_id),
    foreign key (tenant_id, request_id) references privacy_requests (tenant_id, id) on delete cascade
);
"""

# Forced RLS hides every row from the owner running this; lifted for this transaction only, to clear
# links to messages that no longer exist before the constraint checks them.
DELIVERY_LINK = """
alter table inbound_deliveries no force row level security;
alter table messages no force row level security;
update inbound_deliveries d set message_id = null
 where d.message_id is not null
   and not exists (select 1 from messages m where m.tenant_id = d.tenant_id and m.id = d.message_id);
alter table messages force row level security;
alter table inbound_deliveries force row level security;
alter table inbound_deliveries add constraint inbound_deliveries_message_fkey
    foreign key (tenant_id, message_id) references messages (tenant_id, id) on delete set null (message_id);
create index inbound_deliveries_message_idx on inbound_deliveries (tenant_id, message_id);
"""


def upgrade() -> None:
    op.execute(SCHEMA)
    for table in ("privacy_requests", "privacy_exports", "privacy_certificates"):
        enable_tenant_rls(table)
    op.execute(DELIVERY_LINK)


def downgrade() -> None:
    op.execute("drop index if exists inbound_deliveries_message_idx")
    op.execute("alter table inbound_deliveries drop constraint if exists inbound_deliveries_message_fkey")
    for table in ("privacy_certificates", "privacy_exports", "privacy_requests"):
        op.execute(f"drop table if exists {table}")
