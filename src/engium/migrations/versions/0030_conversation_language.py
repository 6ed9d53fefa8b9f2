"""``assistant_states.language``: the language the assistant last answered the conversation in.

Revision ID: 0030_conversation_language
Revises: 0029_business_closures

A message that says nothing about its language ("ok", "10", a confirmation code) is answered in the
conversation's last one (assistant/language.py, ADR 0038). A two-letter code the assistant speaks, or
NULL for a conversation that has not been answered yet (read as English). The table already has forced
row-level security (migration 0009); a new column needs nothing more.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030_conversation_language"
down_revision = "0029_business_closures"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("assistant_states", sa.Column("language", sa.Text(), nullable=True))
    op.create_check_constraint(
        "assistant_states_language_known", "assistant_states", "language in ('en', 'es', 'fr', 'de', 'pt')"
    )


def downgrade() -> None:
    op.drop_constraint("assistant_states_language_known", "assistant_states", type_="check")
    op.drop_column("assistant_states", "language")
