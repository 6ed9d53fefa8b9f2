"""The interface every model provider implements, and the two ways a provider can fail."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from engium.ai.gateway.messages import ChatMessage


@dataclass(frozen=True)
class ProviderReply:
    text: str
    prompt_tokens: int
    completion_tokens: int


class ProviderError(Exception):
    """A call failed (network, HTTP status, timeout, malformed answer). The message is short and
    secret-free: it never quotes a response body, header or URL, any of which may echo a key or the prompt."""


class ProviderUnavailable(RuntimeError):
    """The configured provider cannot be built (package not installed, model file missing or with the
    wrong hash). Raised when the gateway is built, so a misconfiguration shows at start-up."""


class ChatProvider(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def model(self) -> str: ...

    @property
    def endpoint_host(self) -> str:
        """host[:port] of the endpoint, for receipts; "local" when nothing leaves the process."""
        ...

    @property
    def storage(self) -> bool:
        """Whether the provider may store what it is sent (False: declared or known no-retention)."""
        ...

    def chat(self, messages: Sequence[ChatMessage], *, max_tokens: int, temperature: float) -> ProviderReply: ...
