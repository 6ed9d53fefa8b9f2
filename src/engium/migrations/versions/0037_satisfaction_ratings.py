"""Analytics facts and customer satisfaction ratings (ADR 0044).

Revision ID: 0037_satisfaction_ratings
Revises: 0034_inbox_tools

``conversations`` gains ``escalated_at`` (the first escalation) and ``resolved_at`` (the latest resolution),
kept by a trigger on every write of ``status`` so that no path (the API, the assistant, a PATCH, a fixture)
can forget them. Existing rows are not filled in: forced RLS hides every tenant's rows from the migration's
role (as in 0010), so conversations from before this revision count as never escalated (ADR 0044).

``bookings`` gains ``booked_by`` (assistant, staff, customer, system): who made the booking, set by
bookings.service.create_booking from the acting principal, and ``channel``, the conversation's channel when
the assistant booked in one; both NULL (unknown) on bookings made before this revision.

``tenant_settings.csat_enabled`` (off by default) turns the satisfaction question on.

``satisfaction_ratings`` holds one row per question asked at a conversation's resolution, and the answer
(1-5) once given: a tenant table with forced RLS like every other.
"""

from __future__ import annotations

from alembic import op

from engium.migrations.tenant_rls import enable_tenant_rls

revision = "0037_satisfaction_ratings"
down_revision = "0036_contact_proofs"
branch_labels = None
depends_on = None

SCHEMA = """
alter table conversations add column escalated_at timestamptz, add column resolved_at timestamptz;

create function conversations_track_status() returns trigger
language plpgsql as $$
begin
    if new.status = 'escalated' and new.escalated_at is null then
        new.escalated_at := now();
    end if;
    if new.status = 'resolved' and (tg_op = 'INSERT' or old.status is distinct from 'resolved') then
        new.resolved_at := now();
    end if;
    return new;
end
$$;
create trigger conversations_track_status before insert or update of status on conversations
    for each row execute function conversations_track_status();

alter table bookings add column booked_by text check (booked_by in ('assistant', 'staff', 'customer', 'system')),
    add column channel text check (channel in ('web', 'sms', 'whatsapp', 'email'));
create index bookings_created_idx on bookings (tenant_id, created_at);
create index conversations_created_idx on conversations (tenant_id, created_at);

alter table tenant_settings add column csat_enabled boolean not null default false;

create table satisfaction_ratings (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    conversation_id uuid not null,
    -- The question as the assistant sent it: not the assistant's answer to anything (analytics leaves it out
    -- of first-response times).
    question_message_id uuid,
    channel text not null check (channel in ('web', 'sms', 'whatsapp', 'email')),
    asked_at timestamptz not null default now(),
    expires_at timestamptz not null,
    rating smallint check (rating between 1 and 5),
    rated_at timestamptz,
    primary key (tenant_id, id),
    foreign key (tenant_id, conversation_id) references conversations (tenant_id, id) on delete cascade,
    foreign key (tenant_id, question_message_id) references messages (tenant_id, id) on delete set null,
    check ((rating is null) = (rated_at is null)),
    check (expires_at > asked_at)
);
create index satisfaction_ratings_conversation_idx on satisfaction_ratings (tenant_id, conversation_id, asked_at);
create index satisfaction_ratings_question_idx on satisfaction_ratings (tenant_id, question_message_id);
create index satisfaction_ratings_rated_idx on satisfaction_ratings (tenant_id, rated_at) where rating is not null;
"""


def upgrade() -> None:
    op.execute(SCHEMA)
    op.execute("revoke all on function conversations_track_status() from public")
    op.execute("grant execute on function conversations_track_status() to engium_app")
    enable_tenant_rls("satisfaction_ratings")


def downgrade() -> None:
    op.execute("drop table if exists satisfaction_ratings")
    op.execute("alter table tenant_settings drop column if exists csat_enabled")
    op.execute("drop index if exists conversations_created_idx")
    op.execute("drop index if exists bookings_created_idx")
    op.execute("alter table bookings drop column if exists booked_by, drop column if exists channel")
    op.execute("drop trigger if exists conversations_track_status on conversations")
    op.execute("drop function if exists conversations_track_status()")
    op.execute("alter table conversations drop column if exists escalated_at, drop column if exists resolved_at")
