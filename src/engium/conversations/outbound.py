"""Queueing an outbound reply for the channel sender (channels/tasks.py, channels/sender.py), in the
caller's transaction.

The conversation owns the decision that a reply must leave through a provider; channels/ owns how. The
job is queued by its task's name, so nothing here depends on the sender.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.orm import Session

from engium import jobs
from engium.conversations.models import Message

SEND_JOB = "channels.send"
# Asks the customer of a resolved conversation for a 1-5 rating (analytics/tasks.py), when the business has
# the question on (ADR 0044).
RATING_JOB = "analytics.ask_rating"
# An e-mail conversation's reply becomes an e-mail (channels/email_replies.py, ADR 0046).
EMAIL_REPLY_JOB = "channels.email_reply"
# Conversations whose replies leave through a provider's send API. Widget and web conversations need
# no send: the widget polls GET /widget/v1/messages.
SENDABLE_CHANNELS = frozenset({"sms", "whatsapp"})
REPLY_AUTHORS = frozenset({"agent", "assistant"})


def queue_reply(session: Session, channel: str, message: Message) -> int | None:
    """Enqueues the send of ``message`` when its conversation's channel needs one, and marks it queued.
    Same transaction as the message: both commit or neither does. The job holds ids only; the sender
    reads the text from the message row when it sends, so the job table never copies a message."""
    if channel not in SENDABLE_CHANNELS | {"email"} or message.author_kind not in REPLY_AUTHORS:
        return None
    message.delivery_status, message.delivery_updated_at = "queued", datetime.now(UTC)
    job = EMAIL_REPLY_JOB if channel == "email" else SEND_JOB
    return jobs.defer(session, job, tenant_id=str(message.tenant_id), message_id=str(message.id))


def queue_rating_question(session: Session, tenant_id: UUID, conversation_id: UUID) -> int | None:
    """Enqueues the satisfaction question for a conversation just resolved, if the business asks one. By the
    job's name, as the send: the conversations domain does not depend on analytics, which asks."""
    asks = session.execute(text("select csat_enabled from tenant_settings")).scalar_one_or_none()
    if not asks:
        return None
    return jobs.defer(session, RATING_JOB, tenant_id=str(tenant_id), conversation_id=str(conversation_id))
