"""A scripted model provider (no network) and a runtime that uses it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from engium.ai.gateway import ChatMessage, ModelGateway, ProviderError, ProviderReply
from engium.runtime import Runtime
from tests.assistant.helpers import NOW, assistant
from tests.job_queue import runtime_with

QUESTION = "How long should I wait before washing coloured hair?"


@dataclass
class ScriptedModel:
    """A provider that answers from a script and remembers what it was sent (no network)."""

    answer: str = "Please wait two days before washing it."
    fail: bool = False
    echo_system: bool = False
    calls: list[tuple[ChatMessage, ...]] = field(default_factory=list)
    name: str = "scripted"
    model: str = "scripted-1"
    endpoint_host: str = "local"
    storage: bool = False

    def chat(self, messages: Sequence[ChatMessage], *, max_tokens: int, temperature: float) -> ProviderReply:
        self.calls.append(tuple(messages))
        if self.fail:
            raise ProviderError("HTTP 503")
        text = messages[0].content if self.echo_system else self.answer
        return ProviderReply(text, 10, 5)


def with_model(runtime: Runtime, model: ScriptedModel) -> Runtime:
    return runtime_with(assistant(runtime, NOW), gateway=ModelGateway(model))
