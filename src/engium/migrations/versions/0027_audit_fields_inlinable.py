"""``audit_event_fields`` is declared STABLE, so PostgreSQL inlines it (3x cheaper per event, ADR 0033).

Revision ID: 0027_audit_fields_inlinable
Revises: 0026_generic_auth_plans

Migration 0002 declared it IMMUTABLE and kept SET search_path off it so that it would be inlined, but
PostgreSQL never inlines a function whose body is more volatile than its declaration, and ``to_char`` is
STABLE: every call ran as a separate SQL function (about 4 µs per event, the largest part of ``engium
audit verify``'s time in the database). STABLE is also the truthful marking. The body, and so the
canonical fields of every event already hashed, is unchanged.
"""

from __future__ import annotations

from alembic import op

revision = "0027_audit_fields_inlinable"
down_revision = "0026_generic_auth_plans"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Only the owner (engium_audit, migration 0002) may alter the function.
    op.execute("set local role engium_audit")
    op.execute("alter function audit_event_fields(audit_events) stable")
    op.execute("reset role")


def downgrade() -> None:
    op.execute("set local role engium_audit")
    op.execute("alter function audit_event_fields(audit_events) immutable")
    op.execute("reset role")
