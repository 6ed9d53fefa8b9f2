"""SMS and WhatsApp keywords under carrier rules (CTIA; Twilio's defaults): STOP and its usual synonyms
opt the number out of every message but the confirmation, START resubscribes, HELP answers with the
business's contact details. A keyword is the whole message (trimmed, any case, trailing punctuation
ignored): "stop by at 3?" is an ordinary message.

"YES", which Twilio also treats as START, is left out on purpose: here it confirms a proposed booking.
The keyword message itself is stored like any other, but no assistant turn runs on it.
"""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.conversations import service as conversations
from engium.privacy import consent
from engium.tenancy.service import get_settings

Keyword = Literal["stop", "start", "help"]
WORDING = "carrier-keywords-v1"
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "OPT-OUT", "REVOKE"})
START_WORDS = frozenset({"START", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO"})


def keyword_of(body: str) -> Keyword | None:
    word = body.strip().rstrip(".!").strip().upper()
    if word in STOP_WORDS:
        return "stop"
    if word in START_WORDS:
        return "start"
    if word in HELP_WORDS:
        return "help"
    return None


def _reply_text(session: Session, keyword: Keyword) -> str:
    profile = get_settings(session)
    business = profile.business_name or "This business"
    if keyword == "stop":
        return f"{business}: you are unsubscribed and will receive no more messages. Reply START to resubscribe."
    if keyword == "start":
        return f"{business}: you are subscribed again. Reply STOP to unsubscribe, HELP for help."
    reach = ", ".join(v for v in (profile.phone, profile.email, profile.website) if v) or "reply to this message"
    return f"{business}: for help contact us at {reach}. Reply STOP to unsubscribe."


def answer_keyword(session: Session, sender: Principal, keyword: Keyword, *, channel: Literal["sms", "whatsapp"],
                   contact_id: UUID, conversation_id: UUID) -> None:
    """Records the opt-out or opt-in (purpose ``messages``) and queues the reply the rules require."""
    if keyword != "help":
        consent.record_consent(session, sender, contact_id, "messages", granted=keyword == "start", channel=channel,
                               source="keyword", wording_version=WORDING)
    conversation = conversations.conversation_by_id(session, conversation_id, for_update=True)
    if conversation is None:
        return
    reply = conversations.post_assistant_message(session, sender, conversation, _reply_text(session, keyword))
    consent.mark_keyword_reply(session, sender, reply.id, keyword)
