"""The state of a hand-over to a person: when it started, whether a person has replied since, whether the
assistant may still answer, and the follow-up job it schedules (follow_up.py runs it).

The current hand-over lives in the conversation's ``assistant_states`` row (migration 0032): its id, the
database's time it started, the reason code and when the follow-up went out. A person has replied when
a message by staff (author_kind "agent") is newer than the hand-over; both times are the database
server's, so the worker's clock (fixed in tests, skewed on a bad host) does not enter the comparison.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from engium import jobs
from engium.assistant.handover_policy import HandoverPolicy, policy_of
from engium.assistant.models import AssistantState
from engium.assistant.response_time import Hours, Overrides, ReplyDue, add_open_minutes, expected_reply
from engium.bookings import hours_coverage
from engium.conversations import service as conversations
from engium.conversations.models import Conversation
from engium.kit.database_clock import DATABASE_CLOCK
from engium.kit.time_zones import zone_or_utc
from engium.tenancy.service import get_settings

FOLLOW_UP_JOB = "assistant.follow_up"
# How far ahead closures move a promise; a target beyond it (rare: weeks of closure) counts weekly hours.
CLOSURE_HORIZON_DAYS = 60
# For staff, in the conversation's escalation_reason: why the assistant handed over. Also how a hand-over
# is known to be the escalation in force: staff escalating by hand write their own reason.
STAFF_REASONS = {
    "customer_request": "The customer asked to talk to a person.",
    "keyword": "The message matched one of the business's escalation keywords.",
    "failed_turns": "The assistant could not help after several tries.",
    "low_confidence": "The assistant found no reliable answer in the business's information.",
    "guard": "The message was flagged by the prompt-injection guard.",
    "error": "The assistant could not process the message.",
}
# Hand-overs after which the assistant is silent whatever the tenant's policy.
SILENCING_REASONS = frozenset({"guard"})


@dataclass(frozen=True)
class BusinessClock:
    """What a hand-over's promises are computed from: the weekly hours, the closures of the coming weeks,
    the zone and the tenant's policy."""

    hours: Hours
    zone: ZoneInfo
    policy: HandoverPolicy
    overrides: Overrides

    def reply_due(self, now: datetime) -> ReplyDue:
        return expected_reply(self.hours, self.zone, now, self.policy.response_minutes, self.overrides)

    def add_open_minutes(self, start: datetime, minutes: int) -> datetime:
        return add_open_minutes(self.hours, self.zone, start, minutes, self.overrides)


def business_clock(session: Session, now: datetime) -> BusinessClock:
    """Read under the bound tenant's RLS. Opening hours as the assistant states them (settings, else the
    staff's weekly hours: bookings/hours_coverage.py), with the closures of the next weeks over them."""
    settings = get_settings(session)
    zone = zone_or_utc(settings.timezone)
    hours = hours_coverage.week_hours(session).declared
    first = now.astimezone(zone).date() - timedelta(days=1)
    overrides = hours_coverage.closure_overrides(session, first, CLOSURE_HORIZON_DAYS)
    return BusinessClock(hours, zone, policy_of(dict(settings.escalation_rules or {})), overrides)


def start(session: Session, tenant_id: UUID, conversation_id: UUID, reason: str, now: datetime,
          clock: BusinessClock) -> UUID:
    """Records a new hand-over (replacing any earlier one) and schedules its follow-up, if the tenant
    wants one, after ``follow_up_minutes`` of opening hours."""
    handover_id = uuid.uuid4()
    values = {"handover_id": handover_id, "handed_over_at": func.now(), "handover_reason": reason,
              "followed_up_at": None, "updated_at": func.now()}
    statement = insert(AssistantState).values(tenant_id=tenant_id, conversation_id=conversation_id, **values)
    session.execute(statement.on_conflict_do_update(index_elements=["tenant_id", "conversation_id"], set_=values))
    if clock.policy.follows_up:
        local = now.astimezone(clock.zone)
        delay = clock.add_open_minutes(local, clock.policy.follow_up_minutes) - local
        # The job runs on the database's clock; the delay was counted on the business's hours.
        jobs.defer(session, FOLLOW_UP_JOB, schedule_at=DATABASE_CLOCK() + delay, tenant_id=str(tenant_id),
                   conversation_id=str(conversation_id), handover_id=str(handover_id))
    return handover_id


def staff_replied(session: Session, conversation_id: UUID, since: datetime) -> bool:
    return conversations.has_staff_message_since(session, conversation_id, since)


def is_current(conversation: Conversation, remembered: AssistantState | None) -> bool:
    """Whether the conversation's escalation is the assistant's recorded hand-over: not one staff made by
    hand (their own reason), nor one from before a resolution that the state still remembers."""
    if remembered is None or remembered.handed_over_at is None or conversation.status != "escalated":
        return False
    return conversation.escalation_reason == STAFF_REASONS.get(remembered.handover_reason or "")


def may_answer(session: Session, policy: HandoverPolicy, conversation: Conversation,
               remembered: AssistantState | None) -> bool:
    """Whether the assistant answers a message of an escalated conversation under ``policy``.

    Only a hand-over the assistant made itself counts: in a conversation staff escalated by hand, or one
    escalated before migration 0032, the assistant stays silent. So it does after a hand-over for
    repeated prompt-injection attempts: probing reaches a person, and only a person decides to let the
    assistant talk again."""
    if not policy.answers_while_waiting or remembered is None or not is_current(conversation, remembered):
        return False
    if remembered.handover_reason in SILENCING_REASONS or remembered.handed_over_at is None:
        return False
    return policy.answers_after_staff or not staff_replied(session, conversation.id, remembered.handed_over_at)
