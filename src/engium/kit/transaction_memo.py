"""What one transaction has already learnt or sent, kept on its session and dropped with it.

Some work repeats inside one request's transaction without changing its outcome: the same subject
key row read once per audit event, the same ``pg_notify`` payload sent once per row that touched a
conversation (PostgreSQL delivers identical notifications of one transaction once). Each costs a round
trip (ADR 0048). A memo belongs to the session's innermost transaction (a savepoint, or else the
transaction): a new transaction or savepoint starts with an empty one, so nothing is remembered past
the transaction that learnt it, and a savepoint rolled back takes what it learnt with it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session


def transaction_memo(session: Session, name: str) -> dict[Any, Any]:
    """The memo called ``name`` of ``session``'s innermost transaction (empty at its start)."""
    owner = session.get_nested_transaction() or session.get_transaction()
    key = f"engium.memo.{name}"
    held: tuple[object, dict[Any, Any]] | None = session.info.get(key)
    if held is None or held[0] is not owner:
        held = (owner, {})
        session.info[key] = held
    return held[1]


def forget(session: Session, name: str) -> None:
    """Drops the memo called ``name`` (after a statement that makes what it holds untrue)."""
    session.info.pop(f"engium.memo.{name}", None)
