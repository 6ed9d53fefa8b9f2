"""One-time codes that prove a widget visitor's phone number or e-mail address before a booking (ADR 0043).

Revision ID: 0036_contact_proofs
Revises: 0034_inbox_tools

``contact_proofs`` holds one row per code sent to a widget visitor: the visitor's contact and conversation
(the code is good for that conversation only), where it went (``email`` or ``sms``), a salted SHA-256 of the
number or address (to rate-limit sends per address without keeping it here: the address itself stays on the
contact as the visitor's stated detail), a salted SHA-256 of the code, the count of wrong codes (five void
it), its expiry, and when it was proven.
Proving links the conversation to the contact that holds the number or address (contact_merge moves
the visitor's rows, these included), so a proven row's ``contact_id`` is the customer's. A tenant table with forced
RLS like every other; the contact references cascade, so an erased visitor's proofs go with them.
"""

from __future__ import annotations

from alembic import op

from engium.migrations.tenant_rls import enable_tenant_rls

revision = "0036_contact_proofs"
down_revision = "0035_booking_reminders"
branch_labels = None
depends_on = None

SCHEMA = """
create table contact_proofs (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    contact_id uuid not null,
    conversation_id uuid not null,
    channel text not null check (channel in ('email', 'sms')),
    address_sha256 text not null check (address_sha256 ~ '^[0-9a-f]{64}$'),
    code_sha256 text not null check (code_sha256 ~ '^[0-9a-f]{64}$'),
    wrong_codes integer not null default 0 check (wrong_codes between 0 and 5),
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    voided_at timestamptz,
    confirmed_at timestamptz,
    primary key (tenant_id, id),
    foreign key (tenant_id, contact_id) references contacts (tenant_id, id) on delete cascade,
    foreign key (tenant_id, conversation_id) references conversations (tenant_id, id) on delete cascade
);
create index contact_proofs_contact_idx on contact_proofs (tenant_id, contact_id);
create index contact_proofs_conversation_idx on contact_proofs (tenant_id, conversation_id, created_at);
create index contact_proofs_address_idx on contact_proofs (tenant_id, address_sha256, created_at);
"""


def upgrade() -> None:
    op.execute(SCHEMA)
    enable_tenant_rls("contact_proofs", privileges="select, insert, update, delete")


def downgrade() -> None:
    op.execute("drop table if exists contact_proofs")
