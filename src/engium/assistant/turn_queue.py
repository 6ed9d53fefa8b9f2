"""Asking the assistant to answer a customer message: the one way any channel does it."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.orm import Session

from engium import jobs

ASSISTANT_JOB = "assistant.reply"


def queue_turn(session: Session, tenant_id: UUID, conversation_id: UUID, message_id: UUID) -> int:
    """One job (ids only) in the caller's transaction, so the message and its job commit together;
    locked per conversation so that its turns run one at a time, in the order the messages came."""
    return jobs.defer(session, ASSISTANT_JOB, lock=f"conversation:{conversation_id}", tenant_id=str(tenant_id),
                      conversation_id=str(conversation_id), message_id=str(message_id))
