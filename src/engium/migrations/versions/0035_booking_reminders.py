"""Booking confirmations, reminders, the customer's own confirmation, and no-shows (ADR 0042).

Revision ID: 0035_booking_reminders
Revises: 0034_inbox_tools

``bookings`` gains the status ``no_show`` (staff mark a past booking; the overlap trigger only looks at
``confirmed`` rows, so a no-show frees nothing and blocks nothing), when it was marked, and when the
customer confirmed they will come (a reply to a reminder).

``booking_messages`` records each confirmation and reminder the customer was sent, or why not: one row per
booking, kind and appointment time (unique), inserted in the same transaction as the message it records.
That unique key is the claim: two reminder workers racing for one booking cannot both insert it, so each
reminder goes out at most once, and a booking moved to another time gets a reminder for the new time.
Ids, codes and times only: the text is the conversation's message (or the e-mail) it names.

``booking_reminder_settings`` holds a business's reminder timing (hours before the appointment, default 24)
and its optional no-show policy text; no row means the defaults.

Outbound webhooks gain ``booking.no_show``.
"""

from __future__ import annotations

from alembic import op

from engium.migrations.tenant_rls import enable_tenant_rls

revision = "0035_booking_reminders"
down_revision = "0034_inbox_tools"
branch_labels = None
depends_on = None

EVENTS = ("booking.created", "booking.cancelled", "booking.rescheduled", "conversation.escalated",
          "conversation.resolved", "subprocessors.changed", "incident.notified", "message.delivery_failed",
          "conversation.created", "conversation.awaiting_staff")
NEW_EVENTS = (*EVENTS, "booking.no_show")

SCHEMA = """
alter table bookings drop constraint if exists bookings_status_check;
alter table bookings add constraint bookings_status_check check (status in ('confirmed', 'cancelled', 'no_show'));
alter table bookings
    add column customer_confirmed_at timestamptz,
    add column no_show_at timestamptz,
    add constraint bookings_no_show_marked check ((status = 'no_show') = (no_show_at is not null));

create table booking_messages (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    booking_id uuid not null,
    kind text not null check (kind in ('confirmation', 'reminder')),
    -- The appointment time the message was about: a moved booking is reminded again for its new time.
    starts_at timestamptz not null,
    status text not null check (status in ('sent', 'skipped')),
    reason text check (reason ~ '^[a-z_]{1,40}$'),
    channel text check (channel in ('web', 'sms', 'whatsapp', 'email')),
    conversation_id uuid,
    message_id uuid,
    mail_id uuid,
    created_at timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, booking_id) references bookings (tenant_id, id) on delete cascade,
    check ((status = 'skipped') = (reason is not null))
);
create unique index booking_messages_once_key on booking_messages (tenant_id, booking_id, kind, starts_at);
create index booking_messages_message_idx on booking_messages (tenant_id, message_id) where message_id is not null;

create table booking_reminder_settings (
    tenant_id uuid not null references tenants (id) on delete cascade primary key,
    reminders_enabled boolean not null default true,
    hours_before integer not null default 24 check (hours_before between 1 and 336),
    no_show_policy text not null default '' check (length(no_show_policy) <= 1000),
    updated_at timestamptz not null default now()
);

-- The reminder job's scan: confirmed bookings by start time.
create index bookings_confirmed_start_idx on bookings (tenant_id, starts_at) where status = 'confirmed';
"""


def _event_checks(events: tuple[str, ...], *, validate: bool) -> None:
    listed = ", ".join(f"'{event}'" for event in events)
    suffix = "" if validate else " not valid"
    op.execute("alter table webhook_endpoints drop constraint if exists webhook_endpoints_event_types_check")
    op.execute("alter table webhook_endpoints add constraint webhook_endpoints_event_types_check check "
               f"(cardinality(event_types) between 1 and {len(events)} and event_types <@ array[{listed}]::text[])"
               + suffix)
    op.execute("alter table webhook_deliveries drop constraint if exists webhook_deliveries_event_type_check")
    op.execute("alter table webhook_deliveries add constraint webhook_deliveries_event_type_check check "
               f"(event_type = any(array[{listed}]::text[]))" + suffix)


def upgrade() -> None:
    op.execute(SCHEMA)
    enable_tenant_rls("booking_messages")
    enable_tenant_rls("booking_reminder_settings")
    _event_checks(NEW_EVENTS, validate=True)


def downgrade() -> None:
    _event_checks(EVENTS, validate=False)
    op.execute("drop index if exists bookings_confirmed_start_idx")
    op.execute("drop table if exists booking_reminder_settings")
    op.execute("drop table if exists booking_messages")
    op.execute("""
        alter table bookings
            drop constraint if exists bookings_no_show_marked,
            drop column if exists no_show_at,
            drop column if exists customer_confirmed_at
    """)
    # Rows marked no_show stay (under RLS the owner could not rewrite them all): not valid.
    op.execute("alter table bookings drop constraint if exists bookings_status_check")
    op.execute("alter table bookings add constraint bookings_status_check "
               "check (status in ('confirmed', 'cancelled')) not valid")
