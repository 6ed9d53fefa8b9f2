"""Outbound e-mail: one row per e-mail the operator's SMTP server is asked to send (ADR 0032).

Revision ID: 0023_outbound_mail
Revises: 0022_widget_privacy_challenges

``outbound_mail`` is a tenant table (forced RLS on ``tenant_id``). ``contact_id`` names the customer an
e-mail is about, if any; the row goes with the contact (``on delete cascade``), and retention removes
settled rows after ``delivery_log_days`` (privacy/retention_rules.py). The body is emptied once the
e-mail is settled (mail/sender.py): the check below keeps a settled row from holding one.
"""

from __future__ import annotations

from alembic import op

from engium.migrations.tenant_rls import enable_tenant_rls

revision = "0023_outbound_mail"
down_revision = "0022_widget_privacy_challenges"
branch_labels = None
depends_on = None

SCHEMA = """
create table outbound_mail (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    contact_id uuid,
    recipient text not null check (length(recipient) between 3 and 320),
    subject text not null check (length(subject) between 1 and 200),
    body text not null check (length(body) <= 100000),
    status text not null default 'queued' check (status in ('queued', 'sent', 'failed')),
    attempts integer not null default 0 check (attempts >= 0),
    last_error text check (length(last_error) <= 1000),
    smtp_message_id text check (length(smtp_message_id) <= 300),
    created_at timestamptz not null default now(),
    sent_at timestamptz,
    primary key (tenant_id, id),
    foreign key (tenant_id, contact_id) references contacts (tenant_id, id) on delete cascade,
    check (status = 'queued' or body = ''),
    check ((status = 'sent') = (sent_at is not null))
);
create index outbound_mail_contact_idx on outbound_mail (tenant_id, contact_id);
create index outbound_mail_created_idx on outbound_mail (tenant_id, created_at);
"""


def upgrade() -> None:
    op.execute(SCHEMA)
    enable_tenant_rls("outbound_mail")


def downgrade() -> None:
    op.execute("drop table if exists outbound_mail")
