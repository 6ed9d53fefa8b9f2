"""Where the injection guard (engium.ai.guard, ADR 0012) plugs into the conversation engine.

:class:`ConversationGuard` is the engine's one handle on the guard:

1. :meth:`~ConversationGuard.inspect_customer_text`: the customer's message is sanitised (source
   "customer") and scored by the detector with the tenant's threshold before any intent is detected.
   A flag never silences the customer: the turn is still answered, from facts and the business's own
   answers, but nothing in it may act (engine.plan_flagged_turn), and it counts a strike.
2. :meth:`~ConversationGuard.screen_passages`: retrieved chunks are sanitised (source "retrieved")
   before anyone quotes them or wraps them as data, and a chunk the detector reads as an instruction
   addressed to an AI is withheld from this turn.
3. :meth:`~ConversationGuard.model_messages`: the only place a model prompt is assembled
   (ai.guard.separation.build_messages): the system message holds the tenant's policy and the
   conversation's canary only; the customer's words go in a user turn; passages and tool results (sanitised
   as "tool") go in data blocks fenced by a boundary that is random per request.
4. :meth:`~ConversationGuard.check_reply`: every reply, whoever wrote it, before it is stored and sent
   (ai.guard.output_guard.check_reply; the context is built by assistant/reply_context.py).

The engine is safe without a detector: tools run only for intents read from the customer's own message
(intents.py), never from retrieved text, tool output or a model's output. ``ConversationGuard(enabled=False)``
exists only for the red-team's baseline (assistant/redteam): nothing in configuration can turn it off.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from uuid import UUID

from engium.ai.gateway import ChatMessage
from engium.ai.guard.detector import Detector
from engium.ai.guard.output_guard import OutputContext, OutputFinding, OutputVerdict, check_reply
from engium.ai.guard.sanitiser import sanitise
from engium.ai.guard.separation import DataBlock, build_messages, system_rules
from engium.assistant.guard_audit import excerpt
from engium.assistant.turn import GuardEvent
from engium.knowledge.retrieval import Citation

MAX_REPLY_CHARS = 1600
CANARY_PREFIX = "engium-canary-"
# A fixed stand-in for the per-request boundary in the prompt that grounded replies are compared with.
_REFERENCE_BOUNDARY = "0" * 32
# The data fence of separation.build_messages. A reply that reproduces it is repeating its prompt (and
# part of the request's boundary): small models do this when asked to "summarise what you were given".
_DATA_FENCE = re.compile(r"<<<\s*(?:END\s+)?DATA\b", re.IGNORECASE)


@dataclass(frozen=True)
class CustomerText:
    text: str  # what the engine works on: sanitised when the guard is on
    flagged: bool = False
    score: float | None = None
    reasons: tuple[str, ...] = ()  # the detector's rule names, never the text


@dataclass(frozen=True)
class ModelPrompt:
    messages: tuple[ChatMessage, ...]
    system_prompt: str  # the system message as sent: what the output guard compares a reply with


def _bounded(text: str) -> str:
    cleaned = text.strip()
    return cleaned if len(cleaned) <= MAX_REPLY_CHARS else cleaned[: MAX_REPLY_CHARS - 1].rsplit(" ", 1)[0] + "..."


@dataclass(frozen=True)
class ConversationGuard:
    enabled: bool = True
    detector: Detector = field(default_factory=Detector, repr=False)
    # The canary of a conversation is an HMAC of its id under this key. Generated and checked within one
    # turn of one process, so a per-process random key is enough: it is never stored or shared, and a
    # customer cannot compute or guess another conversation's canary.
    canary_key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)

    def canary(self, tenant_id: UUID, conversation_id: UUID) -> str:
        digest = hmac.new(self.canary_key, b"canary\x00" + tenant_id.bytes + conversation_id.bytes, hashlib.sha256)
        return CANARY_PREFIX + digest.hexdigest()[:24]

    def inspect_customer_text(self, text: str, threshold: float | None) -> CustomerText:
        if not self.enabled:
            return CustomerText(text)
        clean = sanitise(text, source="customer").text
        # Scored on the original: what the sanitiser removed (tag characters, zero-width runs) is evidence.
        detection = self.detector.score(text, threshold=threshold, source="customer")
        return CustomerText(clean, detection.flagged, detection.score, detection.reasons)

    def screen_passages(
        self, passages: Sequence[Citation], threshold: float | None
    ) -> tuple[list[Citation], list[GuardEvent]]:
        """Sanitised passages, without those that read as instructions to an AI; a flag event for each."""
        if not self.enabled:
            return list(passages), []
        kept: list[Citation] = []
        events: list[GuardEvent] = []
        for passage in passages:
            detection = self.detector.score(passage.content, threshold=threshold, source="retrieved")
            if detection.flagged:
                events.append(GuardEvent(
                    "flagged", detection.reasons, excerpt(passage.content), detection.score,
                    {"source": "retrieved", "chunk_id": str(passage.chunk_id),
                     "document_id": str(passage.document_id), "handling": "withheld"},
                ))
                continue
            kept.append(replace(
                passage,
                content=sanitise(passage.content, source="retrieved").text,
                document_title=sanitise(passage.document_title, source="retrieved", max_chars=200).text,
            ))
        return kept, events

    def model_messages(
        self, policy_text: str, canary: str, question: str, passages: Sequence[tuple[str, str]],
        tool_results: Sequence[tuple[str, str]] = (),
    ) -> ModelPrompt:
        """``passages`` are (title, text) of retrieved chunks, already screened; ``tool_results`` are
        (tool name, output). Both are untrusted data."""
        if not self.enabled:
            return _plain_messages(policy_text, canary, question, [*passages, *tool_results])
        blocks = [DataBlock(kind="retrieved", label=title, text=text) for title, text in passages]
        blocks += [DataBlock(kind="tool", label=name, text=sanitise(output, source="tool").text)
                   for name, output in tool_results]
        built = build_messages(policy_text, canary, [("user", question)], blocks)
        return ModelPrompt(tuple(ChatMessage(m.role, m.content) for m in built), built[0].content)

    def reference_prompt(self, policy_text: str, canary: str) -> str:
        """The system prompt a model would get, for checking replies that no model wrote."""
        return f"{policy_text.strip()}\n\n{system_rules(_REFERENCE_BOUNDARY)}\ncanary: {canary}"

    def clean_reply(self, text: str) -> str:
        """A reply as plain visible text (invisible and tag characters out, role markers disarmed), the
        form the output check reads and the customer gets."""
        if not self.enabled:
            return text
        return sanitise(text, source="tool", max_chars=MAX_REPLY_CHARS * 2).text

    def check_reply(self, text: str, context: OutputContext | None) -> OutputVerdict:
        """``text`` from :meth:`clean_reply`; ``context`` may be None only when the guard is off."""
        if not self.enabled:
            return OutputVerdict("allow", _bounded(text))
        if context is None:
            raise ValueError("the output guard needs the reply's context")
        verdict = check_reply(text, context)
        if verdict.action != "block" and _DATA_FENCE.search(verdict.text):
            fence = OutputFinding("data_fence", "the prompt's data fence")
            return OutputVerdict("block", context.fallback_message, (*verdict.findings, fence))
        return replace(verdict, text=_bounded(verdict.text))


def _plain_messages(
    policy_text: str, canary: str, question: str, blocks: Sequence[tuple[str, str]]
) -> ModelPrompt:
    """The red-team baseline's prompt: roles stay separate, but nothing is sanitised, fenced or marked."""
    system = f"{policy_text.strip()}\ncanary: {canary}"
    messages = [ChatMessage("system", system)]
    if blocks:
        info = "\n\n".join(f"{title}:\n{text}" for title, text in blocks)
        messages.append(ChatMessage("user", f"Information from the business:\n\n{info}"))
    messages.append(ChatMessage("user", question))
    return ModelPrompt(tuple(messages), system)
