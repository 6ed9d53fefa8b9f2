"""Staff notifications: what the staff app's bell lists and what is e-mailed to the people who must act.

Revision ID: 0031_staff_notifications
Revises: 0030_conversation_language

``staff_notifications`` holds one row per recipient member: a kind and the ids of what it is about, never
a customer's words (the page reads the conversation or booking under RLS when it shows one). It goes with
its conversation or booking (``on delete cascade``), so erasing a contact removes them. A notification chosen to
be e-mailed is ``pending`` until the ``notifications.email`` job queues the e-mail (``queued``, ``email_id``
names the ``outbound_mail`` row) or finds no SMTP sender configured (``not_configured``).

``notification_preferences`` is per member: e-mail on or off, on the on-call list, the daily digest, and
the local day the last digest went out (so a digest is sent once a day whatever the number of workers).

Webhook endpoints may subscribe to ``conversation.created`` (a customer began a conversation on a channel).
"""

from __future__ import annotations

from alembic import op

from engium.migrations.tenant_rls import enable_tenant_rls

revision = "0031_staff_notifications"
down_revision = "0030_conversation_language"
branch_labels = None
depends_on = None

EVENTS_BEFORE = ["booking.created", "booking.cancelled", "booking.rescheduled", "conversation.escalated",
                 "conversation.resolved", "subprocessors.changed", "incident.notified", "message.delivery_failed"]
EVENTS_AFTER = [*EVENTS_BEFORE, "conversation.created"]

KINDS = ("'conversation_escalated', 'conversation_after_hours', 'conversation_awaiting_staff', "
         "'booking_created', 'booking_cancelled', 'booking_rescheduled', 'message_delivery_failed'")

SCHEMA = f"""
create table staff_notifications (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    user_id uuid not null,
    kind text not null check (kind in ({KINDS})),
    conversation_id uuid,
    booking_id uuid,
    email_state text check (email_state in ('pending', 'queued', 'not_configured')),
    email_id uuid,
    created_at timestamptz not null default now(),
    read_at timestamptz,
    primary key (tenant_id, id),
    foreign key (tenant_id, user_id) references memberships (tenant_id, user_id) on delete cascade,
    foreign key (tenant_id, conversation_id) references conversations (tenant_id, id) on delete cascade,
    foreign key (tenant_id, booking_id) references bookings (tenant_id, id) on delete cascade
);
create index staff_notifications_member_idx on staff_notifications (tenant_id, user_id, created_at, id);
create index staff_notifications_unread_idx on staff_notifications (tenant_id, user_id) where read_at is null;
create index staff_notifications_conversation_idx on staff_notifications (tenant_id, conversation_id);
create index staff_notifications_booking_idx on staff_notifications (tenant_id, booking_id);

create table notification_preferences (
    tenant_id uuid not null,
    user_id uuid not null,
    email_enabled boolean not null default true,
    on_call boolean not null default false,
    daily_digest boolean not null default false,
    last_digest_on date,
    updated_at timestamptz not null default now(),
    primary key (tenant_id, user_id),
    foreign key (tenant_id, user_id) references memberships (tenant_id, user_id) on delete cascade
);
"""


def _event_checks(events: list[str]) -> str:
    listed = ", ".join(f"'{event}'" for event in events)
    return f"""
alter table webhook_endpoints drop constraint if exists webhook_endpoints_event_types_check;
alter table webhook_endpoints add constraint webhook_endpoints_event_types_check
    check (cardinality(event_types) between 1 and {len(events)} and event_types <@ array[{listed}]::text[]);
alter table webhook_deliveries drop constraint if exists webhook_deliveries_event_type_check;
alter table webhook_deliveries add constraint webhook_deliveries_event_type_check
    check (event_type = any(array[{listed}]::text[]));
"""


def upgrade() -> None:
    op.execute(SCHEMA)
    enable_tenant_rls("staff_notifications")
    enable_tenant_rls("notification_preferences")
    op.execute(_event_checks(EVENTS_AFTER))


def downgrade() -> None:
    op.execute("drop table if exists notification_preferences")
    op.execute("drop table if exists staff_notifications")
    op.execute("delete from webhook_deliveries where event_type = 'conversation.created'")
    op.execute("update webhook_endpoints set event_types = array_remove(event_types, 'conversation.created')")
    op.execute("delete from webhook_endpoints where cardinality(event_types) = 0")
    op.execute(_event_checks(EVENTS_BEFORE))
