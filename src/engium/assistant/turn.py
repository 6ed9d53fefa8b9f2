"""The values one turn passes between its phases: what was loaded, what was decided, what was said.

A turn is planned in a short read-only transaction (:class:`TurnContext` -> :class:`Plan`), may call a
model with no transaction open, and is applied in a second transaction, where an :data:`Action` (a
booking, a cancellation, a hand-over) takes effect through the domain services and becomes a
:class:`Reply`. Everything here is plain data: ids, times and text, never ORM rows, so nothing
crosses a transaction boundary attached to a session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID
from zoneinfo import ZoneInfo

from engium.access.principal import Principal
from engium.assistant.intents import IntentKind
from engium.assistant.service_match import ServiceName

COMPONENT = "assistant"
# The assistant's fixed principal id: audit events name the component, not this id.
ASSISTANT_ID = UUID("00000000-0000-4000-8000-00000000a551")


def assistant_principal(tenant_id: UUID) -> Principal:
    """The assistant as the acting principal of the bookings and conversations services: an agent's
    rights within one tenant, recorded in the audit log as actor ``system``/``assistant``."""
    return Principal.system(tenant_id, COMPONENT, id=ASSISTANT_ID)


@dataclass(frozen=True)
class Reply:
    """What the assistant says, and where each statement came from.

    ``sources`` are typed ids ("settings:opening_hours", "service:<id>", "booking:<id>",
    "chunk:<id>", "document:<id>", "faq:<n>", "staff:<id>", "model:<call id>"): every sentence the
    grounded responder writes is built from one of them."""

    text: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class ToolCall:
    """One tool use for the audit log: its name, outcome and the ids involved (no message text)."""

    tool: str
    outcome: str
    ids: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Business:
    """The tenant settings a turn reads: contact details and hours are facts the assistant quotes."""

    name: str
    phone: str | None
    email: str | None
    website: str | None
    address: str | None
    opening_hours: dict[str, Any]
    faqs: tuple[tuple[str, str], ...]
    persona: str
    escalation_rules: dict[str, Any]
    # Hosts a reply may link to (tenant_settings.link_allow_list plus the website's host); the output
    # guard removes every other link.
    link_hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class TurnContext:
    tenant_id: UUID
    job_id: str  # the job runtime's id of this turn, for the audit log
    conversation_id: UUID
    channel: str
    contact_id: UUID
    message_id: UUID
    text: str
    # A signed-in widget user, or an SMS/WhatsApp sender (whose number is the contact's): the only
    # customers who may cancel or move a booking (the sender only with the code sent to that number).
    verified: bool
    business: Business
    zone: ZoneInfo
    now: datetime
    services: tuple[ServiceName, ...]
    pending: dict[str, Any] | None
    failed_turns: int
    # The guard's view of the conversation: earlier strikes (flagged messages, blocked replies), the
    # tenant's detector threshold (None: the detector's default), and the customer's own contact details,
    # the only personal data a reply may contain besides the business's.
    guard_strikes: int = 0
    guard_threshold: float | None = None
    contact_email: str | None = field(default=None, repr=False)
    contact_phone: str | None = field(default=None, repr=False)
    # A web visitor the business cannot name or reach yet: a booking asks for details first
    # (contact_details.py).
    needs_contact_details: bool = False
    # A web visitor who gave details but has not yet proved them with the one-time code: a booking waits
    # for the code (channels/widget_proof.py).
    awaiting_code: bool = False
    # The customer's language ("en", "es", "fr", "de", "pt"): this message's when it says, else the
    # conversation's last (language.py). Every sentence the assistant writes is in it (phrasebook.py).
    language: str = "en"
    # The conversation is with a person already and the tenant's policy lets the assistant go on
    # answering (handover_policy.py): a miss is not handed over again.
    handed_over: bool = False

    @property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()


# Actions: effects applied in the write transaction, validated there again by the domain services.


@dataclass(frozen=True)
class Book:
    service_id: UUID
    staff_id: UUID
    starts_at: datetime


@dataclass(frozen=True)
class CancelBooking:
    booking_id: UUID


@dataclass(frozen=True)
class MoveBooking:
    booking_id: UUID
    staff_id: UUID
    starts_at: datetime


@dataclass(frozen=True)
class ConfirmAttendance:
    """The customer answered a reminder with "C": they will come (reminder_replies.py)."""

    booking_id: UUID


@dataclass(frozen=True)
class Escalate:
    # A code ("customer_request", "failed_turns", "low_confidence", "keyword", "guard", "error"): the
    # audit log stores the code, the conversation's escalation_reason a sentence for the staff.
    reason: str


Action = Book | CancelBooking | MoveBooking | ConfirmAttendance | Escalate


@dataclass(frozen=True)
class KnowledgeQuestion:
    """A question for the model: the customer's words and the retrieved passages (data, not orders)."""

    question: str
    passages: tuple[tuple[str, str, str], ...]  # (source id, document title, text)
    fallback: Reply  # what the grounded responder says if the model cannot answer


GuardEventKind = Literal["flagged", "action_gated", "output_blocked", "output_rewritten"]


@dataclass(frozen=True)
class GuardEvent:
    """Something the guard did in a turn, for the audit log (``guard.<kind>``). ``excerpt`` is already
    sanitised and masked (assistant/guard_audit.py); ``details`` holds ids and codes, never text."""

    kind: GuardEventKind
    reasons: tuple[str, ...]
    excerpt: str
    score: float | None = None
    details: dict[str, str] = field(default_factory=dict)


@dataclass
class Plan:
    intent: IntentKind
    reply: Reply | None = None
    action: Action | None = None
    pending: dict[str, Any] | None = None
    # True: a turn the assistant could not help with (counts towards the hand-over threshold);
    # False: a turn that worked, which resets the count.
    failed: bool = False
    tool_calls: list[ToolCall] = field(default_factory=list)
    ask_model: KnowledgeQuestion | None = None
    guard_events: list[GuardEvent] = field(default_factory=list)
