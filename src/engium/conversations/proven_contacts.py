"""Whether a web conversation's visitor proved a number or address with a one-time code (ADR 0043).

Here, beside the contacts, rather than with channels/widget_proof.py, which sends and checks the codes: the
assistant's turn (assistant/turn_inputs.py) asks, and the assistant package does not import channels.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from engium.conversations.contact_proof_models import ContactProof


def proven(session: Session, conversation_id: UUID, contact_id: UUID) -> bool:
    """True when a code proved a number or address in this conversation for its current contact (proving
    merges the visitor into the customer who holds it, and the proof moves with them)."""
    return session.execute(
        select(ContactProof.id).where(ContactProof.conversation_id == conversation_id,
                                      ContactProof.contact_id == contact_id,
                                      ContactProof.confirmed_at.is_not(None)).limit(1)
    ).first() is not None
