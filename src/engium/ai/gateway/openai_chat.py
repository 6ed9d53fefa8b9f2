"""Any OpenAI-compatible ``/chat/completions`` endpoint: OpenAI, Azure OpenAI (v1 API), Ollama, vLLM,
the llama.cpp server. ``"store": false`` is sent on every call: OpenAI keeps completions for its
dashboard and evaluations when ``store`` is true, and servers that do not know the field ignore it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from engium.ai.gateway.http_client import endpoint_host, post_json, token_count
from engium.ai.gateway.messages import ChatMessage
from engium.ai.gateway.provider import ProviderError, ProviderReply
from engium.ai.gateway.settings import ModelSettings


class OpenAIChatProvider:
    name = "openai"

    def __init__(self, settings: ModelSettings) -> None:
        self._settings = settings
        self._url = f"{settings.resolved_base_url}/chat/completions"
        self.model = settings.model
        self.endpoint_host = endpoint_host(self._url)
        self.storage = not settings.no_training

    def __repr__(self) -> str:
        return f"OpenAIChatProvider(model={self.model!r}, endpoint_host={self.endpoint_host!r})"

    def chat(self, messages: Sequence[ChatMessage], *, max_tokens: int, temperature: float) -> ProviderReply:
        payload = {
            "model": self.model,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "max_tokens": max_tokens,
            "temperature": temperature,
            "n": 1,
            "stream": False,
            "store": False,
        }
        headers = {}
        if self._settings.api_key is not None:
            headers["Authorization"] = f"Bearer {self._settings.api_key.get_secret_value()}"
        body = post_json(
            self._url,
            payload,
            headers,
            timeout_seconds=self._settings.timeout_seconds,
            connect_timeout_seconds=self._settings.connect_timeout_seconds,
        )
        return ProviderReply(_text(body), *_usage(body))


def _text(body: dict[str, Any]) -> str:
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise ProviderError("malformed response (no choices)")
    message = choices[0].get("message")
    content = message.get("content") if isinstance(message, dict) else None
    if not isinstance(content, str):
        raise ProviderError("malformed response (no message content)")
    return content


def _usage(body: dict[str, Any]) -> tuple[int, int]:
    usage = body.get("usage")
    if not isinstance(usage, dict):
        return 0, 0
    return token_count(usage.get("prompt_tokens")), token_count(usage.get("completion_tokens"))
