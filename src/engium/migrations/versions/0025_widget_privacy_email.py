"""Widget data-subject request codes may go by e-mail.

Revision ID: 0025_widget_privacy_email
Revises: 0024_one_reply_per_message

A widget visitor may name an e-mail address instead of a phone number (ADR 0031, amended): when it is a
contact's address on file and the server has an SMTP sender (ADR 0032), the six-digit code goes to it by
e-mail. The challenge records where the code went in ``channel``, which so far allowed only ``sms`` and
``whatsapp``; ``email`` joins them. Nothing else changes: the address is not stored in the challenge
either (the code's digest is salted with it, as with the number), and the e-mail itself is an
``outbound_mail`` row that goes with its contact.

The downgrade restores the narrower check ``not valid``: challenges already sent by e-mail (ten minutes'
worth at most) are left to expire rather than deleted under row-level security the owner is subject to.
"""

from __future__ import annotations

from alembic import op

revision = "0025_widget_privacy_email"
down_revision = "0024_one_reply_per_message"
branch_labels = None
depends_on = None

CONSTRAINT = "widget_privacy_challenges_channel_check"


def upgrade() -> None:
    op.execute(f"alter table widget_privacy_challenges drop constraint {CONSTRAINT}")
    op.execute(f"alter table widget_privacy_challenges add constraint {CONSTRAINT} "
               "check (channel in ('sms', 'whatsapp', 'email'))")


def downgrade() -> None:
    op.execute(f"alter table widget_privacy_challenges drop constraint if exists {CONSTRAINT}")
    op.execute(f"alter table widget_privacy_challenges add constraint {CONSTRAINT} "
               "check (channel in ('sms', 'whatsapp')) not valid")
