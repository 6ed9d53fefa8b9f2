"""Inference receipts: what was sent where, under which retention terms, and what came of it (P4).

Every :meth:`ModelGateway.complete` call ends with a receipt, on the result or on the exception, and the
caller records it with :func:`record_receipt` in its own transaction (the gateway holds no session: no
transaction stays open during network I/O). A receipt never holds prompt or completion text, only a
SHA-256 of the prompt as sent, and never any part of an API key.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

from engium.audit.actions import ActorKind, AuditAction, Outcome

if TYPE_CHECKING:
    from uuid import UUID

    from sqlalchemy.orm import Session

    from engium.access.principal import Principal

ReceiptOutcome = Literal["ok", "refused", "failed"]
# The actor of receipts recorded outside any request (the conversation engine's background turns).
SYSTEM_ACTOR = (ActorKind.SYSTEM, "ai.gateway")
_AUDIT_OUTCOME = {"ok": Outcome.SUCCESS, "refused": Outcome.DENIED, "failed": Outcome.FAILED}


@dataclass(frozen=True)
class InferenceReceipt:
    call_id: str  # random, per call: the audit event's resource id
    provider: str
    model: str
    endpoint_host: str  # host[:port] the prompt went to; "local" for the in-process model
    storage: bool  # whether the provider may store (retain, review, train on) what it is sent
    data_categories: tuple[str, ...]  # sorted
    prompt_tokens: int
    completion_tokens: int
    latency_ms: int
    prompt_sha256: str  # hex SHA-256 of canonical_json(messages as sent, i.e. after redaction)
    redacted: int  # personal-data spans replaced before sending
    outcome: ReceiptOutcome
    error: str | None = None  # short and secret-free: "HTTP 503", "timed out", a policy reason

    def audit_details(self) -> dict[str, Any]:
        details = asdict(self)
        details["data_categories"] = list(self.data_categories)
        return details


@dataclass(frozen=True)
class ChatResult:
    text: str
    receipt: InferenceReceipt

    def __repr__(self) -> str:
        return f"ChatResult(text=<{len(self.text)} chars>, receipt={self.receipt!r})"


class ModelRefused(Exception):
    """The tenant's policy does not allow this provider: nothing was sent."""

    def __init__(self, receipt: InferenceReceipt) -> None:
        super().__init__(receipt.error or "refused by policy")
        self.receipt = receipt


class ModelCallFailed(Exception):
    """The provider could not be reached or answered with an error; the message is secret-free."""

    def __init__(self, receipt: InferenceReceipt) -> None:
        super().__init__(receipt.error or "model call failed")
        self.receipt = receipt


def record_receipt(
    session: Session, receipt: InferenceReceipt, *, principal: Principal | None = None, subject: UUID | None = None
) -> None:
    """Writes ``ai.inference`` for the tenant the session is bound to, in the caller's transaction.

    Inside a request the actor is the request's (user, API key, widget contact, verified webhook);
    outside one it is the system actor ``ai.gateway``. ``subject``: the customer whose words the prompt
    held; the prompt's hash is then sealed under their key (it could confirm a guess of what they wrote),
    so their erasure reaches it (ADR 0021).
    """
    # Imported here, not at the top: engium.config imports this package (for ModelSettings), and the
    # recorder imports the request context, which imports engium.config.
    from engium.audit import recorder as audit
    from engium.context import current_request_context

    actor = None if principal is not None or current_request_context() is not None else SYSTEM_ACTOR
    details = receipt.audit_details()
    personal = {"prompt_sha256": details.pop("prompt_sha256")} if subject is not None else None
    audit.record(
        session,
        principal,
        AuditAction.AI_INFERENCE,
        resource_type="model_call",
        resource_id=receipt.call_id,
        outcome=_AUDIT_OUTCOME[receipt.outcome],
        details=details,
        actor=actor,
        personal=personal,
        subject=subject,
    )
