"""A customer's message from a provider channel stored in one statement (ADR 0051).

``store_inbound_message`` does what ``conversations.service.receive_message`` did through the ORM in six to
nine round trips: find or create the contact by the identifier the channel verified, find (locked) or
create their open conversation on the channel, insert the message, move the conversation's timestamps,
link the provider's delivery row to the message, and announce the conversation on ``engium_inbox``.

It is SECURITY INVOKER: it runs as the caller (engium_app), on the request transaction's connection, under
the tenant binding the transaction made, so forced row-level security filters every read and checks every
write exactly as it did for the ORM's statements. The ids of new rows and the time are chosen by the caller
(Python), so the audit events it records afterwards name the same ids and times as before. Racing first
messages from one number still settle on the contacts' unique key: ON CONFLICT DO NOTHING, then the winner's
row (each statement of a volatile function sees what committed before it began).
"""

from __future__ import annotations

from alembic import op

revision = "0043_inbound_message_store"
down_revision = "0041_business_language"
branch_labels = None
depends_on = None

SIGNATURE = (
    "store_inbound_message(uuid, text, text, text, text, text, uuid, uuid, uuid, timestamptz, text, text)"
)

FUNCTION = """
create function store_inbound_message(
    p_tenant_id uuid, p_channel text, p_field text, p_identifier text, p_name text, p_body text,
    p_new_contact_id uuid, p_new_conversation_id uuid, p_message_id uuid, p_at timestamptz,
    p_provider text, p_event_id text,
    out stored_contact_id uuid, out contact_created boolean,
    out stored_conversation_id uuid, out conversation_created boolean, out stored_at timestamptz)
language plpgsql security invoker set search_path = pg_catalog, public as $$
declare
    last_at timestamptz;
begin
    if p_field not in ('phone', 'widget_id', 'email') then
        raise exception 'unknown identifier field %', p_field using errcode = '22023';
    end if;
    -- One static statement per identifier, so each keeps its unique index (and its cached plan).
    if p_field = 'phone' then
        select c.id into stored_contact_id from contacts c where c.phone = p_identifier;
    elsif p_field = 'widget_id' then
        select c.id into stored_contact_id from contacts c where c.widget_id = p_identifier;
    else
        select c.id into stored_contact_id from contacts c where c.email = p_identifier;
    end if;
    contact_created := false;
    if stored_contact_id is null then
        insert into contacts as c (tenant_id, id, name, phone, widget_id, email, created_at, updated_at)
        values (p_tenant_id, p_new_contact_id, p_name,
                case when p_field = 'phone' then p_identifier end,
                case when p_field = 'widget_id' then p_identifier end,
                case when p_field = 'email' then p_identifier end,
                p_at, p_at)
        on conflict do nothing
        returning c.id into stored_contact_id;
        contact_created := stored_contact_id is not null;
        if not contact_created then
            -- Lost the race for this identifier: the winner's contact, committed by now.
            if p_field = 'phone' then
                select c.id into strict stored_contact_id from contacts c where c.phone = p_identifier;
            elsif p_field = 'widget_id' then
                select c.id into strict stored_contact_id from contacts c where c.widget_id = p_identifier;
            else
                select c.id into strict stored_contact_id from contacts c where c.email = p_identifier;
            end if;
        end if;
    end if;

    -- The contact's newest unresolved conversation on the channel, locked: messages of one conversation
    -- get increasing timestamps and never interleave with a status change.
    select v.id, v.last_message_at into stored_conversation_id, last_at
    from conversations v
    where v.contact_id = stored_contact_id and v.channel = p_channel and v.status <> 'resolved'
    order by v.last_message_at desc, v.id desc
    limit 1
    for update;
    conversation_created := stored_conversation_id is null;
    if conversation_created then
        insert into conversations (tenant_id, id, contact_id, channel, status, assignee_user_id, subject,
                                   escalation_reason, created_at, updated_at, last_message_at)
        values (p_tenant_id, p_new_conversation_id, stored_contact_id, p_channel, 'open', null, '', null,
                p_at, p_at, p_at);
        stored_conversation_id := p_new_conversation_id;
        last_at := p_at;
    end if;

    -- After the lock: a message that waited for another one's commit is stored after it, so the messages
    -- of one conversation get increasing timestamps in the order they were stored.
    stored_at := case when conversation_created then p_at else greatest(p_at, last_at + interval '1 microsecond') end;
    insert into messages (tenant_id, id, conversation_id, direction, author_kind, author_user_id, body, created_at)
    values (p_tenant_id, p_message_id, stored_conversation_id, 'inbound', 'contact', null, p_body, stored_at);
    if not conversation_created then
        update conversations v set last_message_at = stored_at, updated_at = stored_at
        where v.id = stored_conversation_id;
    end if;

    if p_provider is not null then
        update inbound_deliveries d set message_id = p_message_id
        where d.provider = p_provider and d.provider_event_id = p_event_id;
    end if;

    -- The live inbox's announcement, byte for byte what conversations/repository.py sends (ids only:
    -- listeners re-read under their own binding); identical ones of one transaction are delivered once.
    perform pg_notify('engium_inbox',
                      format('{"tenant_id": "%s", "conversation_id": "%s"}', p_tenant_id, stored_conversation_id));
end
$$
"""


def upgrade() -> None:
    op.execute(FUNCTION)
    op.execute(f"revoke all on function {SIGNATURE} from public")
    op.execute(f"grant execute on function {SIGNATURE} to engium_app")


def downgrade() -> None:
    op.execute(f"drop function if exists {SIGNATURE}")
