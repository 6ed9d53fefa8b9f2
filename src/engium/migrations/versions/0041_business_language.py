"""The business's own language (ADR 0038): what the assistant speaks until a customer's words say otherwise.

A conversation whose messages never name their language ("ok", a booking code) was answered in English;
a Spanish salon wants Spanish there, and in the follow-ups and reminders of such conversations. The
column's check lists the languages the assistant's phrasebook holds (assistant/language.py SUPPORTED).
"""

from __future__ import annotations

from alembic import op

revision = "0041_business_language"
down_revision = "0040_notification_kinds"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("alter table tenant_settings add column language text not null default 'en' "
               "constraint tenant_settings_language_known check (language in ('en', 'es', 'fr', 'de', 'pt'))")


def downgrade() -> None:
    op.execute("alter table tenant_settings drop column if exists language")
