"""The one follow-up after a hand-over nobody answered: an ``assistant.follow_up`` job (tasks.py).

Scheduled by handover.start for ``follow_up_minutes`` of opening hours after the hand-over. When it runs,
in one transaction bound to the tenant and holding the conversation's lock (as a turn's write phase does):

* the hand-over must still be the one the job was scheduled for (handed back, or handed over again
  since: an older job does nothing), still the escalation in force (not resolved, not escalated again
  by staff by hand), no follow-up sent yet, and no message from staff since the hand-over (a reply from
  a person cancels the follow-up);
* then the customer gets one message, in the language the conversation was last answered in (on SMS
  and WhatsApp its send job is queued with it), the hand-over is marked followed up, and
  ``assistant.followed_up`` (audit) and ``conversation.awaiting_staff`` (outbound webhook, for the staff
  notifications) are recorded.

All of it commits together or not at all, so a retried job (a lost "done" mark, a worker that died)
sees the mark and sends nothing twice.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Literal
from uuid import UUID

from sqlalchemy import func

from engium.assistant import handover, state
from engium.assistant.handover_texts import follow_up_message, text, when_phrase
from engium.assistant.language import supported
from engium.assistant.turn import assistant_principal
from engium.audit.actions import AuditAction
from engium.audit.recorder import record
from engium.conversations import service as conversations
from engium.kit.database import Database
from engium.tenancy.binding import tenant_transaction
from engium.tenancy.service import get_settings
from engium.webhooks import service as webhooks

log = logging.getLogger(__name__)

Outcome = Literal["sent", "not_found", "superseded", "already_sent", "not_escalated", "staff_replied", "disabled"]


def follow_up(database: Database, tenant_id: UUID, conversation_id: UUID, handover_id: UUID,
              now: datetime) -> Outcome:
    with tenant_transaction(database, tenant_id) as session:
        conversation = conversations.conversation_by_id(session, conversation_id, for_update=True)
        if conversation is None:
            return "not_found"  # another tenant's id, or deleted since: RLS shows nothing
        remembered = state.load(session, conversation_id, for_update=True)
        if remembered is None or remembered.handover_id != handover_id or remembered.handed_over_at is None:
            return "superseded"
        if remembered.followed_up_at is not None:
            return "already_sent"
        if not handover.is_current(conversation, remembered):
            return "not_escalated"  # resolved, handed back, or escalated again by staff by hand
        if handover.staff_replied(session, conversation_id, remembered.handed_over_at):
            return "staff_replied"
        clock = handover.business_clock(session, now)
        if not clock.policy.follows_up:
            return "disabled"  # turned off after the job was scheduled
        due = clock.reply_due(now)
        # In the language the conversation was last answered in (NULL, never answered: the business's).
        language = supported(remembered.language or get_settings(session).language)
        # Past the promised time a person's reply is due as soon as they can; while closed, at opening.
        when = when_phrase(due, now, language) if due.kind == "opening" else text("soon", language)
        principal = assistant_principal(tenant_id)
        message = conversations.post_assistant_message(session, principal, conversation,
                                                       follow_up_message(when, language))
        remembered.followed_up_at = func.now()
        record(session, principal, AuditAction.ASSISTANT_FOLLOWED_UP, resource_type="conversation",
               resource_id=conversation_id,
               details={"handover_id": handover_id, "message_id": message.id, "reason": remembered.handover_reason})
        webhooks.emit(session, tenant_id, "conversation.awaiting_staff", {
            "conversation_id": conversation.id, "contact_id": conversation.contact_id,
            "channel": conversation.channel, "status": conversation.status,
            "assignee_user_id": conversation.assignee_user_id, "handed_over_at": remembered.handed_over_at,
        })
        return "sent"
