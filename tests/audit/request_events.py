"""The audit events one request left, read as the owner (the tests of refusals compare them)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from engium.kit.database import Database


def events(database: Database, request_id: str) -> list[Any]:
    engine = database.owner_engine()
    try:
        with engine.connect() as conn:
            return list(
                conn.execute(
                    text(
                        "select tenant_id, actor_kind, actor_id, action, outcome, resource_id, details, host(ip) "
                        "from audit_events where request_id = :r order by seq"
                    ),
                    {"r": request_id},
                )
            )
    finally:
        engine.dispose()
