"""The model gateway: one gateway for every generative model call, with a receipt per call (P4).

Callers build a :class:`ChatRequest`, load the tenant's :class:`TenantModelPolicy` (``load_policy``),
leave their transaction, call :meth:`ModelGateway.complete`, and record the receipt (on the result or on
the ``ModelRefused``/``ModelCallFailed`` exception) with :func:`record_receipt` in a transaction of theirs.
"""

from engium.ai.gateway.messages import ChatMessage, ChatRequest, canonical_json, prompt_sha256
from engium.ai.gateway.model_gateway import ModelGateway, build_gateway
from engium.ai.gateway.policy import TenantModelPolicy, load_policy
from engium.ai.gateway.provider import ChatProvider, ProviderError, ProviderReply, ProviderUnavailable
from engium.ai.gateway.receipts import ChatResult, InferenceReceipt, ModelCallFailed, ModelRefused, record_receipt
from engium.ai.gateway.settings import ModelSettings

__all__ = [
    "ChatMessage",
    "ChatProvider",
    "ChatRequest",
    "ChatResult",
    "InferenceReceipt",
    "ModelCallFailed",
    "ModelGateway",
    "ModelRefused",
    "ModelSettings",
    "ProviderError",
    "ProviderReply",
    "ProviderUnavailable",
    "TenantModelPolicy",
    "build_gateway",
    "canonical_json",
    "load_policy",
    "prompt_sha256",
    "record_receipt",
]
