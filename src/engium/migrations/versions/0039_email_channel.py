"""E-mail as a channel, and a business's own SMTP sender (ADR 0046).

Revision ID: 0039_email_channel
Revises: 0034_inbox_tools

* ``integration_credentials.kind`` gains ``smtp`` (a business's SMTP password) and ``mailgun`` (the signing
  key of an inbound e-mail channel): both secrets live encrypted in the vault like every other credential.
* ``tenant_mail_senders``: at most one per business, the non-secret half of its SMTP settings; the password
  is the credential it names (deleting that credential deletes the sender, so nothing half-configured stays).
* ``email_channels``: a business's inbound e-mail channel; its id is the public id in the webhook URL,
  resolved to a tenant by ``email_channel_tenant`` (SECURITY DEFINER, returns the tenant id and nothing else).
* ``email_thread_messages``: the RFC 5322 Message-IDs seen and sent on each e-mail conversation, so that a
  customer's answer (In-Reply-To / References) finds its conversation and our replies thread in their client.
* ``outbound_mail`` gains the conversation message an e-mail carries, its threading headers and Reply-To (the
  channel's address, so the customer's answer comes back through the channel).
"""

from __future__ import annotations

from alembic import op

from engium.migrations.tenant_rls import enable_tenant_rls

revision = "0039_email_channel"
down_revision = "0038_calendar_feeds"
branch_labels = None
depends_on = None

OLD_KINDS = "('twilio', 'whatsapp', 'model_provider', 'webhook_endpoint', 'widget')"
NEW_KINDS = "('twilio', 'whatsapp', 'model_provider', 'webhook_endpoint', 'widget', 'smtp', 'mailgun')"
RESOLVER = "email_channel_tenant(uuid)"

SCHEMA = f"""
alter table integration_credentials drop constraint integration_credentials_kind_check;
alter table integration_credentials add constraint integration_credentials_kind_check check (kind in {NEW_KINDS});

-- A Mailgun delivery's token is claimed in the replay table; a reply sent by e-mail names "email" as provider.
alter table inbound_deliveries drop constraint inbound_deliveries_provider_check;
alter table inbound_deliveries add constraint inbound_deliveries_provider_check
    check (provider in ('twilio', 'whatsapp', 'events', 'widget', 'mailgun'));
alter table messages drop constraint messages_provider_check;
alter table messages add constraint messages_provider_check check (provider in ('twilio', 'whatsapp', 'email'));

create table tenant_mail_senders (
    tenant_id uuid not null references tenants (id) on delete cascade,
    host text not null check (length(host) between 1 and 253),
    port integer not null check (port between 1 and 65535),
    security text not null check (security in ('starttls', 'tls', 'none')),
    username text not null check (length(username) between 1 and 320),
    from_address text not null check (length(from_address) between 3 and 320),
    credential_id uuid not null,
    updated_at timestamptz not null default now(),
    primary key (tenant_id),
    foreign key (tenant_id, credential_id) references integration_credentials (tenant_id, id) on delete cascade
);

create table email_channels (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    address text not null check (length(address) between 3 and 320),
    credential_id uuid not null,
    created_at timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, credential_id) references integration_credentials (tenant_id, id) on delete cascade
);

create table email_thread_messages (
    tenant_id uuid not null references tenants (id) on delete cascade,
    rfc_message_id text not null check (length(rfc_message_id) between 3 and 998),
    conversation_id uuid not null,
    direction text not null check (direction in ('inbound', 'outbound')),
    subject text not null default '' check (length(subject) <= 998),
    created_at timestamptz not null default now(),
    primary key (tenant_id, rfc_message_id),
    foreign key (tenant_id, conversation_id) references conversations (tenant_id, id) on delete cascade
);
create index email_thread_messages_conversation_idx on email_thread_messages (tenant_id, conversation_id, created_at);

alter table outbound_mail
    add column message_id uuid,
    add column in_reply_to text check (length(in_reply_to) <= 998),
    add column thread_references text check (length(thread_references) <= 4000),
    add column reply_to text check (length(reply_to) <= 320),
    add constraint outbound_mail_message_fkey foreign key (tenant_id, message_id)
        references messages (tenant_id, id) on delete set null (message_id);

-- The webhook URL names the channel; before any tenant is bound this finds whose it is (and nothing more).
create policy email_channel_resolver on email_channels for select to engium_owner using (true);
create function email_channel_tenant(p_channel_id uuid) returns uuid
language sql stable security definer set search_path = pg_catalog, public as $$
    select c.tenant_id from public.email_channels c where c.id = p_channel_id
$$;
"""


def upgrade() -> None:
    op.execute(SCHEMA)
    for table in ("tenant_mail_senders", "email_channels", "email_thread_messages"):
        enable_tenant_rls(table)
    op.execute(f"revoke all on function {RESOLVER} from public")
    op.execute(f"grant execute on function {RESOLVER} to engium_app")


def downgrade() -> None:
    op.execute(f"drop function if exists {RESOLVER}")
    op.execute("drop policy if exists email_channel_resolver on email_channels")
    op.execute("alter table outbound_mail drop constraint if exists outbound_mail_message_fkey")
    op.execute("alter table outbound_mail drop column if exists message_id, drop column if exists in_reply_to, "
               "drop column if exists thread_references, drop column if exists reply_to")
    op.execute("drop table if exists email_thread_messages")
    op.execute("drop table if exists email_channels")
    op.execute("drop table if exists tenant_mail_senders")
    op.execute("delete from integration_credentials where kind in ('smtp', 'mailgun')")
    op.execute("delete from inbound_deliveries where provider = 'mailgun'")
    op.execute("update messages set provider = null, provider_message_id = null where provider = 'email'")
    op.execute("alter table messages drop constraint messages_provider_check")
    op.execute("alter table messages add constraint messages_provider_check check (provider in ('twilio', 'whatsapp'))")
    op.execute("alter table inbound_deliveries drop constraint inbound_deliveries_provider_check")
    op.execute("alter table inbound_deliveries add constraint inbound_deliveries_provider_check "
               "check (provider in ('twilio', 'whatsapp', 'events', 'widget'))")
    op.execute("alter table integration_credentials drop constraint integration_credentials_kind_check")
    op.execute(f"alter table integration_credentials add constraint integration_credentials_kind_check "
               f"check (kind in {OLD_KINDS})")
