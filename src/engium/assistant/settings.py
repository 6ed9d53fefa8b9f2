"""Conversation engine settings (``ENGIUM_ASSISTANT_*``), nested in :class:`engium.config.Settings`."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class AssistantSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ENGIUM_ASSISTANT_", extra="ignore")

    # Delays before retrying a turn that failed (a database error, a bug); after the last one the
    # conversation is handed to a person instead, so the customer's message is never left unanswered.
    retry_delays_seconds: list[float] = Field(default=[2.0, 10.0, 60.0, 300.0])
    retry_jitter: float = Field(default=0.2, ge=0, lt=1)
    # Turns in a row the assistant could not help with before it hands over; a tenant's
    # escalation_rules.after_failed_answers overrides it.
    failed_turns_threshold: int = Field(default=3, ge=1, le=20)
    # A proposal ("shall I book ...?") older than this is forgotten: a "yes" days later books nothing.
    pending_ttl_minutes: float = Field(default=60.0, gt=0)
    retrieval_k: int = Field(default=5, ge=1, le=20)
    # Guard strikes (a flagged message, a blocked reply) in one conversation before a person takes over.
    # A first flagged message is answered without any action: a false positive costs the customer little,
    # and repeated attempts, which is what an attacker's probing looks like, reach a person.
    guard_strikes_to_escalate: int = Field(default=2, ge=1, le=20)
