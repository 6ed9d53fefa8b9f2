"""The per-request credential lookups keep one generic plan instead of planning on every call.

Revision ID: 0026_generic_auth_plans
Revises: 0025_widget_privacy_email

The app role's connections run with ``plan_cache_mode=force_custom_plan`` (partitioned tables must be
pruned at plan time, kit/database.py), and a function inherits the setting: ``auth_api_key``'s recursive
chain check (migration 0012) was planned afresh on every request, ~250 us of PostgreSQL CPU out of ~300
(ADR 0034). Both lookups take one hash and read no partitioned table, so a generic plan is the right one;
the function-level SET applies to their own statements only and is undone when they return.
PostgreSQL 18 keeps a SQL function's plan across calls; older servers plan it per call as before, so the
setting changes nothing there. Semantics are unchanged: same statements, same owner, same grants.

(Numbered 0026 because another branch takes 0025; chain it after that one when both are merged.)
"""

from __future__ import annotations

from alembic import op

revision = "0026_generic_auth_plans"
down_revision = "0025_widget_privacy_email"
branch_labels = None
depends_on = None

LOOKUPS = ("auth_api_key(bytea)", "auth_session(bytea)")


def _alter_each(change: str) -> None:
    # As their owner: ALTER FUNCTION needs it (the migration role is a member of engium_auth).
    op.execute("set role engium_auth")
    for signature in LOOKUPS:
        op.execute(f"alter function {signature} {change}")
    op.execute("reset role")


def upgrade() -> None:
    _alter_each("set plan_cache_mode = force_generic_plan")


def downgrade() -> None:
    _alter_each("reset plan_cache_mode")
