"""What staff see beside a transcript: the sources each assistant reply was built from and what the
prompt-injection guard flagged. Both are written to the audit log as a turn happens (``assistant.replied``
names the reply and its sources; ``guard.*`` names the customer message it judged), so this reads them
back from there, scoped to one conversation, rather than keeping a second copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from sqlalchemy.orm import Session

from engium.audit import repository as audit_repository
from engium.audit.actions import AuditAction
from engium.audit.personal import reveal
from engium.conversations.models import Conversation

GUARD_ACTIONS = {
    AuditAction.GUARD_FLAGGED.value: "flagged",
    AuditAction.GUARD_ACTION_GATED.value: "action gated",
    AuditAction.GUARD_OUTPUT_BLOCKED.value: "reply blocked",
    AuditAction.GUARD_OUTPUT_REWRITTEN.value: "reply rewritten",
}

MODEL_MISSES = frozenset({"failed", "refused", "withheld"})


@dataclass(frozen=True)
class GuardNote:
    what: str  # one of GUARD_ACTIONS' values
    reasons: tuple[str, ...]
    score: float | None
    excerpt: str


@dataclass
class TurnNotes:
    # reply message id -> typed source ids ("document:<id>", "faq:<n>", "settings:opening_hours" ...)
    sources: dict[UUID, tuple[str, ...]] = field(default_factory=dict)
    # customer message id -> what the guard did about it or about the reply to it
    guard: dict[UUID, list[GuardNote]] = field(default_factory=dict)
    # reply message id -> why the model's answer was not the one sent ("failed": the model server was
    # down, slow or broken; "refused": the policy kept the question from it; "withheld": the output
    # guard blocked it); the customer got the grounded answer instead
    model_missed: dict[UUID, str] = field(default_factory=dict)


def _uuid(value: object) -> UUID | None:
    try:
        return UUID(str(value))
    except ValueError:
        return None


def turn_notes(session: Session, conversation: Conversation) -> TurnNotes:
    notes = TurnNotes()
    actions = [AuditAction.ASSISTANT_REPLIED.value, *GUARD_ACTIONS]
    events = audit_repository.conversation_events(session, str(conversation.id), actions, conversation.created_at)
    for action, resource_id, details in events:
        if action == AuditAction.ASSISTANT_REPLIED.value:
            reply_id = _uuid(resource_id)
            if reply_id is not None:
                notes.sources[reply_id] = tuple(str(s) for s in details.get("sources") or ())
                if details.get("model_outcome") in MODEL_MISSES:
                    notes.model_missed[reply_id] = str(details["model_outcome"])
            continue
        message_id = _uuid(details.get("message_id"))
        if message_id is None:
            continue
        score = details.get("score")
        # The excerpt is sealed under the customer's key (ADR 0021): gone once they were erased.
        personal = reveal(session, conversation.tenant_id, details).values
        notes.guard.setdefault(message_id, []).append(GuardNote(
            what=GUARD_ACTIONS[action],
            reasons=tuple(str(r) for r in details.get("reasons") or ()),
            score=float(score) if isinstance(score, int | float) else None,
            excerpt=str(personal.get("excerpt") or details.get("excerpt") or ""),
        ))
    return notes
