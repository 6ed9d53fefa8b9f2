"""A member chooses which kinds of notification reach them by e-mail (ADR 0041).

``email_muted_kinds`` lists the kinds a member does not want e-mailed; empty (the default) e-mails every
kind, so a kind added later reaches members by default instead of being silently left out. The in-app
notification is always written: muting stops the e-mail only. The check constraint names the kinds the
code knows (notifications/models.py NotificationKind), so a typo stored by hand cannot mute nothing.
"""

from __future__ import annotations

from alembic import op

revision = "0040_notification_kinds"
down_revision = "0039_email_channel"
branch_labels = None
depends_on = None

KINDS = (
    "conversation_escalated", "conversation_after_hours", "conversation_awaiting_staff", "booking_created",
    "booking_cancelled", "booking_rescheduled", "message_delivery_failed",
)


def upgrade() -> None:
    listed = ", ".join(f"'{kind}'" for kind in KINDS)
    op.execute("alter table notification_preferences add column email_muted_kinds text[] not null default '{}'")
    op.execute(
        "alter table notification_preferences add constraint notification_preferences_muted_kinds_known "
        f"check (email_muted_kinds <@ array[{listed}]::text[])"
    )


def downgrade() -> None:
    op.execute("alter table notification_preferences drop column if exists email_muted_kinds")
