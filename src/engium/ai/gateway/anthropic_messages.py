"""Anthropic's Messages API (``POST /v1/messages``): system prompts go in the top-level ``system``
field, the conversation in ``messages`` (user and assistant turns only)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from engium.ai.gateway.http_client import endpoint_host, post_json, token_count
from engium.ai.gateway.messages import ChatMessage
from engium.ai.gateway.provider import ProviderError, ProviderReply
from engium.ai.gateway.settings import ModelSettings

API_VERSION = "2023-06-01"


class AnthropicMessagesProvider:
    name = "anthropic"

    def __init__(self, settings: ModelSettings) -> None:
        if settings.api_key is None:
            raise ValueError("the anthropic provider needs an API key")
        self._settings = settings
        self._api_key = settings.api_key
        self._url = f"{settings.resolved_base_url}/v1/messages"
        self.model = settings.model
        self.endpoint_host = endpoint_host(self._url)
        self.storage = not settings.no_training

    def __repr__(self) -> str:
        return f"AnthropicMessagesProvider(model={self.model!r}, endpoint_host={self.endpoint_host!r})"

    def chat(self, messages: Sequence[ChatMessage], *, max_tokens: int, temperature: float) -> ProviderReply:
        payload: dict[str, Any] = {
            "model": self.model,
            "max_tokens": max_tokens,
            "temperature": temperature,
            "messages": [{"role": m.role, "content": m.content} for m in messages if m.role != "system"],
        }
        system = "\n\n".join(m.content for m in messages if m.role == "system")
        if system:
            payload["system"] = system
        headers = {
            "x-api-key": self._api_key.get_secret_value(),
            "anthropic-version": API_VERSION,
        }
        body = post_json(
            self._url,
            payload,
            headers,
            timeout_seconds=self._settings.timeout_seconds,
            connect_timeout_seconds=self._settings.connect_timeout_seconds,
        )
        return ProviderReply(_text(body), *_usage(body))


def _text(body: dict[str, Any]) -> str:
    if body.get("type") != "message" or not isinstance(body.get("content"), list):
        raise ProviderError("malformed response (not a message)")
    # Text blocks only; other block kinds (tool use, thinking) are never requested by the gateway.
    texts = [b["text"] for b in body["content"] if isinstance(b, dict) and b.get("type") == "text"
             and isinstance(b.get("text"), str)]
    return "".join(texts)


def _usage(body: dict[str, Any]) -> tuple[int, int]:
    usage = body.get("usage")
    if not isinstance(usage, dict):
        return 0, 0
    return token_count(usage.get("input_tokens")), token_count(usage.get("output_tokens"))
