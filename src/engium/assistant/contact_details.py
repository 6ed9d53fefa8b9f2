"""Who to expect: a web visitor is asked for a name and a phone number or e-mail before a booking.

An SMS or WhatsApp customer has a number (the provider's signed webhook said which), so the business can
reach them. A widget visitor is an anonymous ``anon:<random>`` contact, or a user id the business's site
signed: neither tells the business who is coming or how to reach them. So on the web channel a
proposal for a contact without a name and a way to reach them asks for both as well, and the "yes"
books only once they are given (the widget's details form, ``PUT /widget/v1/contact``).

What the visitor types is stored as *unverified* details (``contacts.unverified_phone`` /
``unverified_email``), never as the contact's identifiers: nobody has confirmed them yet.

The pending proposal is marked with ``needs_details``; the widget API reads that mark to flag the
assistant's latest message with ``asks_for`` so the widget shows its form (:func:`asks_for`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy.orm import Session

from engium.assistant import state

WEB_CHANNEL = "web"
# What the widget's form collects: a name, and a phone number or an e-mail address (one is enough).
ASKS_FOR = ("name", "phone_or_email")
# Then the one-time code sent to the number or address given (ADR 0043).
ASKS_FOR_CODE = ("code",)
PENDING_MARK = "needs_details"
# A web visitor who asked for their bookings (or to change one) before proving who they are: the form and
# then the code are shown, and they ask again once proved (ADR 0043).
PROVE_KIND = "prove"
ASK = ("To book it, I need your name and a phone number or e-mail address: please fill in the form "
       "below, then reply yes.")
STILL_MISSING = ("I still need your name and a phone number or e-mail address before I can book. Please fill in "
                 "the form below, then reply yes.")


class ContactRecord(Protocol):
    """The parts of a contact that say whether the business knows who is coming."""

    @property
    def name(self) -> str: ...
    @property
    def phone(self) -> str | None: ...
    @property
    def email(self) -> str | None: ...
    @property
    def unverified_phone(self) -> str | None: ...
    @property
    def unverified_email(self) -> str | None: ...


def missing(channel: str, contact: ContactRecord | None) -> bool:
    """True when a booking on ``channel`` must first ask this contact for details."""
    if channel != WEB_CHANNEL:
        return False
    if contact is None:
        return True
    reachable = contact.phone or contact.email or contact.unverified_phone or contact.unverified_email
    return not (contact.name.strip() and reachable)


def awaiting_proof(channel: str, contact: ContactRecord | None) -> bool:
    """True when a web visitor gave their details but holds no proven number or address yet: the booking
    waits for the one-time code sent to what they gave (channels/widget_proof.py, ADR 0043)."""
    if channel != WEB_CHANNEL or contact is None or missing(channel, contact):
        return False
    return not (contact.phone or contact.email)


def prove_first(now: datetime) -> dict[str, Any]:
    """The state after telling an unproven web visitor to prove their number or address first."""
    return {"kind": PROVE_KIND, "at": now.isoformat(), PENDING_MARK: True}


def mark(pending: dict[str, Any]) -> dict[str, Any]:
    """The proposal, marked as waiting for the visitor's details as well as their "yes"."""
    return {**pending, PENDING_MARK: True}


def asks_for(
    session: Session, conversation_id: UUID, channel: str, contact: ContactRecord | None, now: datetime,
    pending_ttl: timedelta,
) -> tuple[str, ...]:
    """What the assistant's latest reply is waiting for: :data:`ASKS_FOR` while a proposal that asked for
    details is still open and the contact has not given them, :data:`ASKS_FOR_CODE` once given but not yet
    proved; nothing otherwise (so the form disappears once done, or when the proposal lapses)."""
    asked = ASKS_FOR if missing(channel, contact) else ASKS_FOR_CODE if awaiting_proof(channel, contact) else ()
    if not asked:
        return ()
    pending = state.current_pending(state.load(session, conversation_id), now, pending_ttl)
    waiting = pending and pending.get("kind") in {"book", PROVE_KIND} and pending.get(PENDING_MARK)
    return asked if waiting else ()
