"""The model gateway: the one way Engium calls a generative model (P4, inference only).

Each call goes through the same steps: the tenant's policy is checked against the provider's retention
terms (a refusal sends nothing), personal data is optionally redacted, the provider is called, and a
receipt is produced whatever happens, on the result or on the exception, for the caller to record.
"""

from __future__ import annotations

import logging
import time
import uuid

from engium.ai.gateway.messages import ChatMessage, ChatRequest, prompt_sha256
from engium.ai.gateway.policy import TenantModelPolicy
from engium.ai.gateway.provider import ChatProvider, ProviderError, ProviderReply
from engium.ai.gateway.receipts import ChatResult, InferenceReceipt, ModelCallFailed, ModelRefused, ReceiptOutcome
from engium.ai.gateway.redaction import redact_messages
from engium.ai.gateway.settings import ModelSettings

log = logging.getLogger(__name__)

RETENTION_REFUSAL = "provider may retain data and the tenant has not accepted retention"


class ModelGateway:
    def __init__(self, provider: ChatProvider, *, redact_personal_data: bool = False) -> None:
        self._provider = provider
        self._redact = redact_personal_data

    @property
    def provider_name(self) -> str:
        return self._provider.name

    @property
    def model(self) -> str:
        return self._provider.model

    @property
    def storage(self) -> bool:
        return self._provider.storage

    def __repr__(self) -> str:
        return f"ModelGateway(provider={self._provider!r}, redact_personal_data={self._redact})"

    def complete(self, policy: TenantModelPolicy, request: ChatRequest) -> ChatResult:
        """Calls the model. Raises ModelRefused (nothing sent) or ModelCallFailed; both carry the receipt.

        Holds no database session: callers record the receipt afterwards with record_receipt()."""
        started = time.perf_counter()
        messages: tuple[ChatMessage, ...] = request.messages
        redacted = 0
        if self._redact:
            messages, redacted = redact_messages(messages)

        def receipt(
            outcome: ReceiptOutcome, reply: ProviderReply | None = None, error: str | None = None
        ) -> InferenceReceipt:
            return InferenceReceipt(
                call_id=str(uuid.uuid4()),
                provider=self._provider.name,
                model=self._provider.model,
                endpoint_host=self._provider.endpoint_host,
                storage=self._provider.storage,
                data_categories=tuple(sorted(request.data_categories)),
                prompt_tokens=reply.prompt_tokens if reply else 0,
                completion_tokens=reply.completion_tokens if reply else 0,
                latency_ms=round((time.perf_counter() - started) * 1000),
                prompt_sha256=prompt_sha256(messages),
                redacted=redacted,
                outcome=outcome,
                error=error,
            )

        # The check comes before anything is sent; the local provider reports storage=False by construction.
        if self._provider.storage and not policy.accept_retention:
            raise ModelRefused(receipt("refused", error=RETENTION_REFUSAL))
        try:
            reply = self._provider.chat(messages, max_tokens=request.max_tokens, temperature=request.temperature)
        except ProviderError as exc:
            raise ModelCallFailed(receipt("failed", error=str(exc)[:200])) from None
        except Exception as exc:
            # Anything else (a bug, a library error) still ends in a receipt. Its message may quote the
            # prompt, so only the type is kept, and the original is not chained onto what callers log.
            log.warning("model call to %s failed unexpectedly: %s", self._provider.name, type(exc).__name__)
            error = f"unexpected provider error ({type(exc).__name__})"
            raise ModelCallFailed(receipt("failed", error=error)) from None
        return ChatResult(text=reply.text, receipt=receipt("ok", reply))


def build_gateway(settings: ModelSettings) -> ModelGateway | None:
    """The gateway the settings describe; None for "grounded" (no generative model).

    Raises ProviderUnavailable when the provider cannot work (llama-cpp not installed, model file missing
    or with the wrong hash)."""
    provider: ChatProvider
    if settings.provider == "grounded":
        return None
    if settings.provider == "openai":
        from engium.ai.gateway.openai_chat import OpenAIChatProvider

        provider = OpenAIChatProvider(settings)
    elif settings.provider == "anthropic":
        from engium.ai.gateway.anthropic_messages import AnthropicMessagesProvider

        provider = AnthropicMessagesProvider(settings)
    else:
        from engium.ai.gateway.llama_local import LlamaLocalProvider

        provider = LlamaLocalProvider(settings)
    return ModelGateway(provider, redact_personal_data=settings.redact_personal_data)
