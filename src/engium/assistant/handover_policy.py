"""What the assistant does once it has handed a conversation to a person: the tenant's escalation policy.

Read from ``tenant_settings.escalation_rules`` (the API validates the keys, tenancy/schemas.py); a value
that cannot be read falls back to the default, so a broken setting never silences the assistant.

* ``policy``:
  - ``keep_answering`` (the default): the customer is told when a person will reply, and the assistant
    keeps answering what it can ground, without handing over again on each miss, until a member of
    staff writes in the conversation; from then on the person leads and the assistant stays quiet
    until hand-back.
  - ``keep_answering_after_staff``: as above, and it goes on answering after staff have replied (a
    business whose staff only take the hard questions).
  - ``silent_until_handback``: the behaviour before ADR 0037: after the hand-over message the
    assistant answers nothing until staff hand the conversation back.
* ``response_minutes``: the business's target for a person's first reply, counted in opening hours;
  the hand-over message promises it ("within about 2 hours", "when we open on Tuesday at 09:00").
* ``follow_up_minutes``: opening-hours minutes after the hand-over with no reply from a person before
  the customer gets one follow-up and staff an ``conversation.awaiting_staff`` event; 0 turns it off.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, get_args

from engium.tenancy.schemas import MAX_ESCALATION_MINUTES, EscalationPolicy

POLICIES: Final[tuple[str, ...]] = get_args(EscalationPolicy)
DEFAULT_POLICY: Final = "keep_answering"
DEFAULT_RESPONSE_MINUTES: Final = 120
DEFAULT_FOLLOW_UP_MINUTES: Final = 120
# A week of opening hours: a longer promise is no promise, and it bounds the business-time arithmetic.
MAX_MINUTES: Final = MAX_ESCALATION_MINUTES
MIN_RESPONSE_MINUTES: Final = 5


@dataclass(frozen=True)
class HandoverPolicy:
    name: str = DEFAULT_POLICY
    response_minutes: int = DEFAULT_RESPONSE_MINUTES
    follow_up_minutes: int = DEFAULT_FOLLOW_UP_MINUTES

    @property
    def answers_while_waiting(self) -> bool:
        """Whether the assistant answers a handed-over conversation before staff have replied."""
        return self.name != "silent_until_handback"

    @property
    def answers_after_staff(self) -> bool:
        return self.name == "keep_answering_after_staff"

    @property
    def follows_up(self) -> bool:
        return self.follow_up_minutes > 0


def _minutes(value: object, default: int, lowest: int) -> int:
    # bool is an int in Python: a stored true is not "1 minute".
    if isinstance(value, int) and not isinstance(value, bool) and lowest <= value <= MAX_MINUTES:
        return value
    return default


def policy_of(rules: dict[str, Any]) -> HandoverPolicy:
    name = rules.get("policy")
    return HandoverPolicy(
        name=name if isinstance(name, str) and name in POLICIES else DEFAULT_POLICY,
        response_minutes=_minutes(rules.get("response_minutes"), DEFAULT_RESPONSE_MINUTES, MIN_RESPONSE_MINUTES),
        follow_up_minutes=_minutes(rules.get("follow_up_minutes"), DEFAULT_FOLLOW_UP_MINUTES, 0),
    )
