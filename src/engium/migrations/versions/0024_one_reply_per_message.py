"""The assistant answers each customer message at most once, enforced by the database.

Revision ID: 0024_one_reply_per_message
Revises: 0023_outbound_mail

A turn's reply and the job's "done" mark commit in different transactions (the job runtime marks the job
after the task returns). When the database restarts or a worker dies between the two, the stalled-job
check runs the turn again; without a marker it stored, and texted, a second reply. ``in_reply_to`` names
the customer message an assistant reply answers; the partial unique index makes a second reply to it
fail, and the turn checks it first (assistant/turn_inputs.py, turn_writing.py). No foreign key: both
rows live in one conversation and go together with it (``on delete cascade`` of the conversation).
Adding a nullable column without a default rewrites nothing, and the new index starts empty.
"""

from __future__ import annotations

from alembic import op

revision = "0024_one_reply_per_message"
down_revision = "0023_outbound_mail"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("alter table messages add column in_reply_to uuid")
    op.execute("create unique index messages_in_reply_to_key on messages (tenant_id, in_reply_to) "
               "where in_reply_to is not null")


def downgrade() -> None:
    op.execute("drop index if exists messages_in_reply_to_key")
    op.execute("alter table messages drop column if exists in_reply_to")
