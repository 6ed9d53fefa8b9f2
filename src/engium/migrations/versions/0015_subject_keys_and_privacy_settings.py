"""Per-subject keys for personal data in the audit log, and each tenant's privacy settings.

Revision ID: 0015
Revises: 0014

* ``subject_keys``: AES-256 keys, each encrypted under the tenant's data key (the vault, ADR 0006) with
  associated data binding it to its row. The audit recorder seals the personal values of an event (a
  customer's IP address and user agent, a guard excerpt, a phone number) under one of them before the
  event is hashed; destroying the key makes those values unreadable while the chain, which covers the
  ciphertext, still verifies (ADR 0021). Kinds: ``contact`` (one per customer, for content), and
  ``network`` (one per customer and calendar month, or per month for senders that are no customer,
  for IP addresses and user agents, so retention can shred them month by month). ``contact_id`` names
  the customer the key belongs to, so an erasure finds every key of theirs.
* ``privacy_settings``: retention periods (privacy/policy.py documents each default and bound), the
  default regime of data-subject request deadlines (GDPR or CCPA). No row means the defaults.
"""

from __future__ import annotations

from alembic import op

from engium.migrations.tenant_rls import enable_tenant_rls

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

SCHEMA = """
create table subject_keys (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    kind text not null check (kind in ('contact', 'network')),
    -- No foreign key: a key outlives nothing it protects, and an erasure deletes it explicitly.
    contact_id uuid,
    -- The first day of the calendar month a network key covers.
    period date check (period is null or extract(day from period) = 1),
    -- ENG1 envelope ciphertext of the 32-byte key under the tenant's data key.
    ciphertext bytea not null check (substring(ciphertext from 1 for 4) = '\\x454e4731'::bytea),
    created_at timestamptz not null default now(),
    primary key (tenant_id, id),
    check ((kind = 'contact') = (period is null)),
    check (kind = 'network' or contact_id is not null)
);
create index subject_keys_contact_idx on subject_keys (tenant_id, contact_id);
create index subject_keys_period_idx on subject_keys (tenant_id, kind, period);

create table privacy_settings (
    tenant_id uuid primary key references tenants (id) on delete cascade,
    -- Bounds are documented in privacy/policy.py (LIMITS) and docs/privacy.md; these checks are the backstop.
    conversation_days integer not null default 730 check (conversation_days between 30 and 3650),
    contact_inactive_days integer not null default 1095 check (contact_inactive_days between 30 and 3650),
    booking_days integer not null default 1095 check (booking_days between 30 and 3650),
    delivery_log_days integer not null default 30 check (delivery_log_days between 7 and 365),
    job_days integer not null default 7 check (job_days between 1 and 90),
    session_days integer not null default 30 check (session_days between 1 and 365),
    network_metadata_days integer not null default 90 check (network_metadata_days between 30 and 730),
    audit_months integer not null default 24 check (audit_months between 13 and 120),
    request_evidence_days integer not null default 1095 check (request_evidence_days between 365 and 3650),
    regime text not null default 'gdpr' check (regime in ('gdpr', 'ccpa')),
    updated_at timestamptz not null default now()
);
"""


def upgrade() -> None:
    op.execute(SCHEMA)
    enable_tenant_rls("subject_keys")
    enable_tenant_rls("privacy_settings")


def downgrade() -> None:
    op.execute("drop table if exists privacy_settings")
    op.execute("drop table if exists subject_keys")
