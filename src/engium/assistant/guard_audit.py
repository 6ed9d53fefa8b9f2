"""Audit events for what the guard did in a turn: ``guard.flagged``, ``guard.action_gated``,
``guard.output_blocked`` and ``guard.output_rewritten``.

Staff investigating an attack need to see what was attempted, so each event carries a short excerpt.
The audit log is append-only and must hold no secrets and as little personal data as possible, so an
excerpt is sealed under the customer's key (audit/personal.py), and is the sanitised text (no invisible
characters, role markers disarmed) with credentials in vendor formats, e-mail addresses, phone numbers,
card numbers and IBANs masked, cut to at most 80 characters and to two thirds of the text: never the
whole message, however short.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from engium.ai.gateway.redaction import redact_text
from engium.ai.guard.output_guard import OutputVerdict
from engium.ai.guard.sanitiser import sanitise
from engium.ai.guard.secret_patterns import SECRET_PATTERNS
from engium.assistant.turn import GuardEvent, GuardEventKind, TurnContext, assistant_principal
from engium.audit.actions import AuditAction, Outcome
from engium.audit.recorder import record

MAX_EXCERPT_CHARS = 80
MAX_REASONS = 8  # the strongest reasons are enough to see why; a long list only bloats the chain
ELLIPSIS = "…"
SECRET_MASK = "[secret]"

_ACTIONS = {
    "flagged": (AuditAction.GUARD_FLAGGED, Outcome.SUCCESS),
    "action_gated": (AuditAction.GUARD_ACTION_GATED, Outcome.DENIED),
    "output_blocked": (AuditAction.GUARD_OUTPUT_BLOCKED, Outcome.DENIED),
    "output_rewritten": (AuditAction.GUARD_OUTPUT_REWRITTEN, Outcome.SUCCESS),
}


def excerpt(text: str) -> str:
    """A masked, shortened view of untrusted text that is safe to keep in the audit log."""
    plain = " ".join(sanitise(text, source="customer").text.split())
    for secret in SECRET_PATTERNS:
        plain = secret.pattern.sub(SECRET_MASK, plain)
    plain, _ = redact_text(plain)
    limit = min(MAX_EXCERPT_CHARS, len(plain) * 2 // 3)
    if limit <= 0:
        return ""
    return plain[: limit - 1].rstrip() + ELLIPSIS


def verdict_excerpt(verdict: OutputVerdict) -> str:
    """The output guard's findings carry masked excerpts already (never a secret): what was removed."""
    joined = "; ".join(f"{finding.kind}: {finding.excerpt}" for finding in verdict.findings)
    return joined if len(joined) <= MAX_EXCERPT_CHARS else joined[: MAX_EXCERPT_CHARS - 1] + ELLIPSIS


def output_event(verdict: OutputVerdict, responder: str) -> GuardEvent | None:
    """The event for an output check: None when the reply went out unchanged."""
    if verdict.action == "allow":
        return None
    kind: GuardEventKind = "output_blocked" if verdict.action == "block" else "output_rewritten"
    return GuardEvent(kind, verdict.reasons, verdict_excerpt(verdict), details={"responder": responder})


def record_guard_events(session: Session, ctx: TurnContext, events: Iterable[GuardEvent]) -> None:
    principal = assistant_principal(ctx.tenant_id)
    for event in events:
        action, outcome = _ACTIONS[event.kind]
        details: dict[str, object] = {
            "conversation_id": ctx.conversation_id, "message_id": ctx.message_id, "channel": ctx.channel,
            "reasons": list(event.reasons[:MAX_REASONS]), **event.details,
        }
        if event.score is not None:
            details["score"] = round(event.score, 4)
        # The excerpt is the customer's words (or the reply to them): sealed under the customer's key, so
        # their erasure reaches it (ADR 0021).
        record(session, principal, action, resource_type="conversation", resource_id=ctx.conversation_id,
               outcome=outcome, details=details, personal={"excerpt": event.excerpt}, subject=ctx.contact_id)
