"""Hand-overs that do not abandon the customer: the assistant remembers when it handed over, and follows up.

Revision ID: 0032_handover_follow_up
Revises: 0031_staff_notifications

``assistant_states`` (already under the tenant's forced RLS, migration 0009) gains the current hand-over:
its id (the follow-up job carries it, so a job left from an earlier hand-over does nothing), when it
happened (the database's time, compared with the messages' times to see whether a person has replied),
the reason code, and when the one follow-up was sent (set in the job's transaction: a retried job sees it
and sends nothing). Hand-back clears them. Codes and times only: no text the customer wrote.

Outbound webhooks gain ``conversation.awaiting_staff``: nobody replied within the tenant's follow-up
time (ADR 0037); the staff notifications layer hooks it.
"""

from __future__ import annotations

from alembic import op

revision = "0032_handover_follow_up"
down_revision = "0031_staff_notifications"
branch_labels = None
depends_on = None

EVENTS = ("booking.created", "booking.cancelled", "booking.rescheduled", "conversation.escalated",
          "conversation.resolved", "subprocessors.changed", "incident.notified", "message.delivery_failed",
          "conversation.created")
NEW_EVENTS = (*EVENTS, "conversation.awaiting_staff")


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
    op.execute("""
        alter table assistant_states
            add column handover_id uuid,
            add column handed_over_at timestamptz,
            add column handover_reason text check (handover_reason ~ '^[a-z_]{1,40}$'),
            add column followed_up_at timestamptz
    """)
    _event_checks(NEW_EVENTS, validate=True)


def downgrade() -> None:
    # Rows that name the new event stay (under RLS the owner could not delete them all): not valid.
    _event_checks(EVENTS, validate=False)
    op.execute("""
        alter table assistant_states
            drop column if exists handover_id,
            drop column if exists handed_over_at,
            drop column if exists handover_reason,
            drop column if exists followed_up_at
    """)
