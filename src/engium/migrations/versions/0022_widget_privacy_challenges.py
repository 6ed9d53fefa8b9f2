"""One-time-code challenges for data-subject requests a customer files from the chat widget.

Revision ID: 0022
Revises: 0020_incidents

A widget visitor asks to export or erase their data and names a phone number; if the number belongs to
a contact and the business can text it, a six-digit code goes to it (ADR 0031). ``widget_privacy_challenges``
holds the waiting state: whose request it would be (``contact_id``, null when the number is not on file:
the row exists all the same, so that confirming behaves identically), which visitor asked
(``requested_by``, the widget conversation's contact), the code only as a salted SHA-256 (salted with the
challenge id and the number, so the number is bound to the code without being stored), the wrong tries,
and when it expires, was voided or was confirmed. A confirmed challenge names the request it filed.

Both contacts cascade: erasing either person removes the challenge. Expired challenges go with the
retention run (``session_days``).

Chained onto 0020 here; the merge re-chains it after 0021.
"""

from __future__ import annotations

from alembic import op

from engium.migrations.tenant_rls import enable_tenant_rls

revision = "0022_widget_privacy_challenges"
down_revision = "0021_audit_pruning"
branch_labels = None
depends_on = None

SCHEMA = """
create table widget_privacy_challenges (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    kind text not null check (kind in ('access', 'export', 'erasure')),
    contact_id uuid,
    requested_by uuid not null,
    -- Where the code went ('sms', 'whatsapp'); null when nothing was sent.
    channel text check (channel in ('sms', 'whatsapp')),
    code_sha256 text check (code_sha256 ~ '^[0-9a-f]{64}$'),
    wrong_codes integer not null default 0 check (wrong_codes between 0 and 3),
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    voided_at timestamptz,
    confirmed_at timestamptz,
    request_id uuid,
    primary key (tenant_id, id),
    check ((channel is null) = (code_sha256 is null)),
    check ((code_sha256 is null) or (contact_id is not null)),
    check ((confirmed_at is null) = (request_id is null)),
    foreign key (tenant_id, contact_id) references contacts (tenant_id, id) on delete cascade,
    foreign key (tenant_id, requested_by) references contacts (tenant_id, id) on delete cascade
);
create index widget_privacy_challenges_contact_idx on widget_privacy_challenges (tenant_id, contact_id);
create index widget_privacy_challenges_requested_by_idx on widget_privacy_challenges (tenant_id, requested_by);
create index widget_privacy_challenges_expires_idx on widget_privacy_challenges (tenant_id, expires_at);
"""


def upgrade() -> None:
    op.execute(SCHEMA)
    enable_tenant_rls("widget_privacy_challenges", privileges="select, insert, update, delete")


def downgrade() -> None:
    op.execute("drop table if exists widget_privacy_challenges")
