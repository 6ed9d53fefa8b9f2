"""Delivery receipts: the provider's message id on each SMS/WhatsApp send, a ``delivered`` state, and the
``message.delivery_failed`` webhook event (ADR 0035).

Revision ID: 0028_delivery_receipts
Revises: 0027_audit_fields_inlinable

* ``messages.provider`` / ``messages.provider_message_id``: what Twilio (``sid``) or the WhatsApp Cloud API
  (``messages[0].id``) called the message when it accepted it. A status callback names only that id, so
  it is indexed per tenant and unique per (tenant, provider, id); the lookup runs under the calling
  tenant's RLS, so a callback for one tenant can never find another tenant's message.
* ``delivery_status`` gains ``delivered``: queued → sent → delivered, or failed (never backwards).
* Outbound webhooks gain ``message.delivery_failed``.
"""

from __future__ import annotations

from alembic import op

revision = "0028_delivery_receipts"
down_revision = "0027_audit_fields_inlinable"
branch_labels = None
depends_on = None

EVENTS_BEFORE = ["booking.created", "booking.cancelled", "booking.rescheduled", "conversation.escalated",
                 "conversation.resolved", "subprocessors.changed", "incident.notified"]
EVENTS_AFTER = [*EVENTS_BEFORE, "message.delivery_failed"]


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


def _status_check(states: str) -> str:
    return f"""
alter table messages drop constraint if exists messages_delivery_status_check;
alter table messages add constraint messages_delivery_status_check check (delivery_status in ({states}));
"""


def upgrade() -> None:
    op.execute("""
alter table messages
    add column provider text check (provider in ('twilio', 'whatsapp')),
    add column provider_message_id text check (length(provider_message_id) between 1 and 256),
    add constraint messages_provider_id_pair check ((provider is null) = (provider_message_id is null));
create unique index messages_provider_message_key on messages (tenant_id, provider, provider_message_id)
    where provider_message_id is not null;
""")
    op.execute(_status_check("'queued', 'sent', 'delivered', 'failed'"))
    op.execute(_event_checks(EVENTS_AFTER))


def downgrade() -> None:
    op.execute("delete from webhook_deliveries where event_type = 'message.delivery_failed'")
    op.execute("update webhook_endpoints set event_types = array_remove(event_types, 'message.delivery_failed')")
    op.execute("delete from webhook_endpoints where cardinality(event_types) = 0")
    op.execute(_event_checks(EVENTS_BEFORE))
    op.execute("update messages set delivery_status = 'sent' where delivery_status = 'delivered'")
    op.execute(_status_check("'queued', 'sent', 'failed'"))
    op.execute("drop index messages_provider_message_key")
    op.execute("alter table messages drop constraint messages_provider_id_pair, drop column provider_message_id, "
               "drop column provider")
