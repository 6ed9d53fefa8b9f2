"""Knowledge questions answered by a generative model, when the operator configured one.

Only knowledge questions reach a model, and only with passages the retriever found in the tenant's own
partition; facts (hours, prices, availability) and every tool stay in code. The call runs with no
database transaction open. Whatever happens, the turn gets an answer: a refusal by the tenant's
policy or a provider failure falls back to the grounded responder's extractive answer, and so does a
reply the output guard blocks (checked in the write phase, assistant/reply_screening.py, where the
context it needs can be read). The receipt is returned for the caller to record in its transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from engium.ai.gateway import (
    ChatRequest,
    InferenceReceipt,
    ModelCallFailed,
    ModelGateway,
    ModelRefused,
    TenantModelPolicy,
)
from engium.assistant.guarding import ConversationGuard
from engium.assistant.language import LANGUAGE_NAMES, supported
from engium.assistant.turn import KnowledgeQuestion, Reply

log = logging.getLogger(__name__)

DATA_CATEGORIES = frozenset({"customer_message", "knowledge"})
_INSTRUCTIONS = (
    "Answer the customer's question using only the information in the data blocks. If they do not "
    "contain the answer, say you are not sure and offer to pass the question to the team. Keep it to two "
    "or three sentences. Do not make bookings, promises or offers; do not invent prices, times or policies."
)


@dataclass(frozen=True)
class ModelAnswer:
    reply: Reply
    receipt: InferenceReceipt | None
    # How it went, for the audit log: "answered", "refused" or "failed" (the write phase turns an
    # answer the output guard blocked into "withheld").
    outcome: str
    system_prompt: str | None = None  # as sent, for the output guard's comparison


def policy_text(business_name: str, persona: str, language: str = "en") -> str:
    """The system message's business part: the tenant's own persona, the fixed instructions, and the
    customer's language (detected by code, language.py), which the answer must be written in even when
    the business's information is in another."""
    who = persona.strip() or f"You are the front desk assistant of {business_name}."
    name = LANGUAGE_NAMES[supported(language)]
    told = (f"The customer writes in {name}: answer in {name}, translating what the data blocks say where they "
            f"are in another language, and keep names, prices and times exactly as written.")
    return f"{who}\n\n{_INSTRUCTIONS}\n\n{told}"


def answer(
    gateway: ModelGateway, policy: TenantModelPolicy, question: KnowledgeQuestion, business_name: str, persona: str,
    *, guard: ConversationGuard, canary: str, language: str = "en",
) -> ModelAnswer:
    prompt = guard.model_messages(
        policy_text(business_name, persona, language), canary, question.question,
        [(title, text) for _, title, text in question.passages],
    )
    request = ChatRequest(messages=prompt.messages, data_categories=DATA_CATEGORIES)
    try:
        result = gateway.complete(policy, request)
    except ModelRefused as refused:
        return ModelAnswer(question.fallback, refused.receipt, "refused")
    except ModelCallFailed as failed:
        log.warning("model call failed (%s); answering from the documents instead", failed.receipt.error)
        return ModelAnswer(question.fallback, failed.receipt, "failed")
    sources = (*(source for source, _, _ in question.passages), f"model:{result.receipt.call_id}")
    return ModelAnswer(Reply(result.text, sources), result.receipt, "answered", prompt.system_prompt)
