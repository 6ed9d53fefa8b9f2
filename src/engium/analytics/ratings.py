"""Customer satisfaction: a 1-5 question when a conversation is resolved, and the answer (ADR 0044).

Off unless the business turns ``csat_enabled`` on. When a conversation the customer wrote in is resolved,
conversations.service queues the question (analytics/tasks.py) and the assistant asks once, in the
conversation's language: on SMS and WhatsApp "reply with a number", on the website chat a question the
widget answers through ``POST /widget/v1/rating``. The question stays open for ASK_HOURS; the first answer
closes it. An answer without an open question is refused, so nobody can rate a conversation they were
never asked about, nor rate twice.

A text that is only a digit 1-5, from a customer with an open question on that channel, is their rating and
nothing else: it neither reopens the conversation nor reaches the assistant.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.analytics import repository
from engium.analytics.models import SatisfactionRating
from engium.assistant.phrasebook import say
from engium.assistant.turn import assistant_principal
from engium.audit.actions import AuditAction
from engium.audit.recorder import record
from engium.conversations import service as conversations
from engium.conversations.models import Conversation
from engium.errors import Conflict
from engium.tenancy.service import get_settings

ASK_HOURS = 24
# "4", " 4 ", "4." or "4!": a customer answering the question, not writing about something else.
_DIGIT = re.compile(r"\s*([1-5])\s*[.!]?\s*")
REPLY_CHANNELS = frozenset({"sms", "whatsapp"})


def _now() -> datetime:
    return datetime.now(UTC)


def _language(session: Session, conversation_id: UUID) -> str:
    return repository.conversation_language(session, conversation_id) or "en"


def ask_after_resolution(session: Session, principal: Principal, conversation: Conversation) -> bool:
    """Asks the customer of a just-resolved conversation for a rating, once per resolution: not when the
    business has it off, nobody wrote in, or a question was already asked since the customer last wrote
    (resolving again without anything new from the customer asks nothing)."""
    if conversation.status != "resolved" or not get_settings(session).csat_enabled:
        return False
    last_written = repository.latest_customer_message_at(session, conversation.id)
    if last_written is None:
        return False
    asked_since = session.execute(select(exists().where(
        SatisfactionRating.conversation_id == conversation.id, SatisfactionRating.asked_at >= last_written,
    ))).scalar_one()
    if asked_since:
        return False
    key = "rating_ask_reply" if conversation.channel in REPLY_CHANNELS else "rating_ask_widget"
    wording = say(_language(session, conversation.id), key)
    question = conversations.post_assistant_message(
        session, assistant_principal(conversation.tenant_id), conversation, wording)
    now = _now()
    rating = SatisfactionRating(
        tenant_id=conversation.tenant_id, id=uuid.uuid4(), conversation_id=conversation.id,
        question_message_id=question.id, channel=conversation.channel, asked_at=now,
        expires_at=now + timedelta(hours=ASK_HOURS), rating=None, rated_at=None,
    )
    session.add(rating)
    session.flush()
    record(session, principal, AuditAction.RATING_ASKED, resource_type="conversation", resource_id=conversation.id,
           details={"rating_id": rating.id, "channel": conversation.channel})
    return True


def _open_question(session: Session, conversation_ids: list[UUID]) -> SatisfactionRating | None:
    """The newest question on these conversations, if it is still open (unanswered, not expired); locked."""
    newest = session.execute(
        select(SatisfactionRating).where(SatisfactionRating.conversation_id.in_(conversation_ids))
        .order_by(SatisfactionRating.asked_at.desc()).limit(1).with_for_update()
    ).scalar_one_or_none()
    if newest is None or newest.rating is not None or newest.expires_at <= _now():
        return None
    return newest


def _give(session: Session, actor: Principal, question: SatisfactionRating, score: int) -> SatisfactionRating:
    question.rating, question.rated_at = score, _now()
    session.flush()
    record(session, actor, AuditAction.RATING_GIVEN, resource_type="conversation",
           resource_id=question.conversation_id,
           details={"rating_id": question.id, "channel": question.channel, "rating": score})
    return question


def rate_conversation(session: Session, actor: Principal, conversation_id: UUID, score: int) -> SatisfactionRating:
    """The website visitor's answer for their own conversation; refused without an open question."""
    question = _open_question(session, [conversation_id])
    if question is None:
        raise Conflict("This conversation has no open rating question")
    return _give(session, actor, question, score)


def typed_answer(session: Session, conversation_id: UUID, body: str) -> tuple[SatisfactionRating, int] | None:
    """The open question of a chat conversation and the score, when the visitor typed just a digit 1-5
    instead of using the widget's buttons; None when the text is a message like any other."""
    matched = _DIGIT.fullmatch(body)
    if matched is None:
        return None
    question = _open_question(session, [conversation_id])
    return None if question is None else (question, int(matched.group(1)))


def give_typed_answer(session: Session, actor: Principal, conversation: Conversation, question: SatisfactionRating,
                      score: int) -> None:
    """Stores the typed rating (:func:`typed_answer`) and thanks the visitor in the conversation's language."""
    _give(session, actor, question, score)
    thanks = say(_language(session, conversation.id), "rating_thanks")
    conversations.post_assistant_message(session, assistant_principal(conversation.tenant_id), conversation, thanks)


def take_reply(session: Session, actor: Principal, channel: str, phone: str, body: str) -> bool:
    """Stores an SMS/WhatsApp text as the sender's rating when it is only a digit 1-5 and the sender has an
    open question on that channel, and thanks them; True when it did (the text then goes nowhere else)."""
    matched = _DIGIT.fullmatch(body)
    if matched is None or channel not in REPLY_CHANNELS:
        return False
    question = _open_question(session, repository.conversations_of_phone(session, phone, channel))
    if question is None:
        return False
    _give(session, actor, question, int(matched.group(1)))
    conversation = conversations.conversation_by_id(session, question.conversation_id, for_update=True)
    if conversation is not None:
        thanks = say(_language(session, conversation.id), "rating_thanks")
        conversations.post_assistant_message(session, assistant_principal(conversation.tenant_id), conversation, thanks)
    return True
