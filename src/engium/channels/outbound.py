"""Queueing an outbound reply for the channel sender (sender.py), in the caller's transaction.

Kept apart from the sender so that the conversations service can enqueue without importing the
provider clients and the worker.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.orm import Session

from engium.channels import store
from engium.conversations.models import Message

SEND_JOB = "channel.send"
# Conversations whose replies leave through a provider's send API. Widget and web conversations need
# no send: the widget polls GET /widget/v1/messages.
SENDABLE_CHANNELS = frozenset({"sms", "whatsapp"})
REPLY_AUTHORS = frozenset({"agent", "assistant"})


def queue_reply(session: Session, channel: str, message: Message) -> UUID | None:
    """Enqueues the send of ``message`` when its conversation's channel needs one. Same transaction as
    the message: both commit or neither does. The payload holds ids only; the sender reads the text
    from the message row when it sends, so a job row never copies a message."""
    if channel not in SENDABLE_CHANNELS or message.author_kind not in REPLY_AUTHORS:
        return None
    payload = {"conversation_id": str(message.conversation_id), "message_id": str(message.id)}
    return store.enqueue_job(session, message.tenant_id, SEND_JOB, payload)
