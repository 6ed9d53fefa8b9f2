"""Choosing the reply a turn sends, through the output guard.

A turn has one or two candidate replies, best first: the model's answer (when a model answered) and
the grounded one (the extractive answer the engine prepared as its fallback, or the reply of a fact,
a tool or a hand-over). Each is cleaned and checked in turn (assistant/guarding.py with the context of
assistant/reply_context.py); the first that is not blocked is sent, rewritten if it had to be. A
blocked candidate is a strike for the conversation; when every candidate is blocked the customer gets
a safe fallback message, never silence. Whether a strike hands the conversation over is the caller's
decision (turn_writing.py), so that the hand-over happens in the same transaction as the reply.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from engium.assistant.guard_audit import output_event
from engium.assistant.guarding import ConversationGuard
from engium.assistant.model_reply import policy_text
from engium.assistant.phrasebook import say
from engium.assistant.reply_context import output_context
from engium.assistant.turn import GuardEvent, Reply, TurnContext
from engium.crypto.keyring import DataKeyRing


@dataclass(frozen=True)
class Candidate:
    reply: Reply
    responder: str  # "model" or "grounded"
    system_prompt: str | None = None  # the prompt a model was sent; None: no model wrote this reply


@dataclass(frozen=True)
class Screened:
    reply: Reply
    responder: str  # whose reply is sent: "model", "grounded" or "guard" (the safe fallback)
    events: tuple[GuardEvent, ...]
    blocked: bool  # some candidate was blocked: a strike


@dataclass(frozen=True)
class ReplyScreen:
    guard: ConversationGuard
    # For comparing replies with the tenant's stored secrets (decrypting is access-logged); None: the
    # vendor patterns only.
    vault: DataKeyRing | None
    # Strikes (flagged messages and blocked replies) in one conversation before it goes to a person.
    strikes_to_escalate: int

    def screen(self, session: Session, ctx: TurnContext, candidates: Sequence[Candidate]) -> Screened:
        canary = self.guard.canary(ctx.tenant_id, ctx.conversation_id)
        events: list[GuardEvent] = []
        for candidate in candidates:
            text = self.guard.clean_reply(candidate.reply.text)
            context = None
            if self.guard.enabled:
                prompt = candidate.system_prompt or self.guard.reference_prompt(
                    policy_text(ctx.business.name, ctx.business.persona, ctx.language), canary
                )
                context = output_context(session, ctx, Reply(text, candidate.reply.sources), canary=canary,
                                         system_prompt=prompt, vault=self.vault)
            verdict = self.guard.check_reply(text, context)
            event = output_event(verdict, candidate.responder)
            if event is not None:
                events.append(event)
            if verdict.action != "block":
                blocked = any(e.kind == "output_blocked" for e in events)
                return Screened(Reply(verdict.text, candidate.reply.sources), candidate.responder, tuple(events),
                                blocked)
        return Screened(Reply(say(ctx.language, "safe_fallback"), ()), "guard", tuple(events), True)
