"""Data-subject requests open at some time in the window, each with its deadline met, missed or pending.

Only what the control needs: ids, kinds, regimes, dates and statuses. Not the contact, the payload, nor the
reasons staff typed (free text that may name the person).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engium.evidence import repository
from engium.evidence.files import EvidenceFile, json_file
from engium.evidence.scope import TenantScope


def deadline_state(request: dict[str, Any], now: datetime) -> str:
    """``met`` (answered, completed or refused, by the deadline), ``missed`` (answered late, or still open
    past it), ``pending`` (open, deadline ahead), ``no_deadline`` (clock not started)."""
    deadline: datetime | None = request["extended_until"] or request["due_at"]
    if deadline is None:
        return "no_deadline"
    answered: datetime | None = request["completed_at"]
    if answered is not None:
        return "met" if answered <= deadline else "missed"
    return "missed" if now > deadline else "pending"


def collect(scope: TenantScope) -> list[EvidenceFile]:
    rows = repository.privacy_requests(scope.session, scope.window.start, scope.window.end)
    for row in rows:
        row["deadline"] = row["extended_until"] or row["due_at"]
        row["deadline_state"] = deadline_state(row, scope.now)
    states: dict[str, int] = {}
    for row in rows:
        states[row["deadline_state"]] = states.get(row["deadline_state"], 0) + 1
    return [json_file("requests.json", {
        "window": scope.window.as_dict(), "as_of": scope.now.isoformat(),
        "requests": len(rows), "deadline_states": dict(sorted(states.items())), "items": rows,
    })]
