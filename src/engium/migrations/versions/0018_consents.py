"""Consent and opt-out records per contact and purpose.

Revision ID: 0018
Revises: 0017

``consents`` is a history: each row is one decision (given or withdrawn) for one purpose, with when,
through which channel and source, and the exact wording version shown; the latest row per purpose is the
state in force. The history is the evidence GDPR Art. 7(1) asks for. Rows go with the contact
(ON DELETE CASCADE): an erased person leaves no consent trail behind.

``keyword_replies`` marks the replies to SMS/WhatsApp keywords (STOP, START, HELP) that carrier rules
require even to an opted-out number; they go with their message.
"""

from __future__ import annotations

from alembic import op

from engium.migrations.tenant_rls import enable_tenant_rls

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

SCHEMA = """
create table consents (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    contact_id uuid not null,
    purpose text not null check (purpose in ('ai_processing_notice', 'marketing', 'sale_or_sharing', 'messages')),
    granted boolean not null,
    channel text not null check (channel in ('web', 'sms', 'whatsapp', 'email', 'staff')),
    source text not null check (source in ('widget', 'keyword', 'gpc', 'staff', 'request')),
    wording_version text not null check (length(wording_version) between 1 and 100),
    recorded_at timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, contact_id) references contacts (tenant_id, id) on delete cascade
);
create index consents_contact_idx on consents (tenant_id, contact_id, purpose, recorded_at);

-- Replies carrier rules require whatever the number's opt-out (the STOP confirmation, HELP answers):
-- the sender lets exactly these messages through to an opted-out number.
-- Endpoints the business marks as sharing personal data (a marketing tool): events about customers who
-- opted out of sale or sharing never go to them (webhooks/sharing.py).
alter table webhook_endpoints add column shares_personal_data boolean not null default false;

create table keyword_replies (
    tenant_id uuid not null references tenants (id) on delete cascade,
    message_id uuid not null,
    keyword text not null check (keyword in ('stop', 'start', 'help')),
    primary key (tenant_id, message_id),
    foreign key (tenant_id, message_id) references messages (tenant_id, id) on delete cascade
);
"""


def upgrade() -> None:
    op.execute(SCHEMA)
    enable_tenant_rls("consents", privileges="select, insert, delete")
    enable_tenant_rls("keyword_replies", privileges="select, insert, delete")


def downgrade() -> None:
    op.execute("drop table if exists keyword_replies")
    op.execute("alter table webhook_endpoints drop column if exists shares_personal_data")
    op.execute("drop table if exists consents")
