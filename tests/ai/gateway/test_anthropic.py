"""The Anthropic Messages provider, against a local server that implements the ``/v1/messages`` request
and response shape. Offline, a stand-in is the only way to exercise it: there is no local Anthropic
server, and the test suite never reaches the internet. The shapes follow Anthropic's API reference."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from engium.ai.gateway import (
    ChatMessage,
    ChatRequest,
    ModelCallFailed,
    ModelGateway,
    ModelSettings,
    TenantModelPolicy,
    build_gateway,
)
from tests.ai.gateway.model_servers import COMPLETION_TEXT, StubModelServer

API_KEY = "sk-ant-test-0123456789"
ACCEPTS = TenantModelPolicy(accept_retention=True)
REQUEST = ChatRequest(
    messages=(
        ChatMessage("system", "You answer for the salon."),
        ChatMessage("system", "Never give medical advice."),
        ChatMessage("user", "Hi"),
        ChatMessage("assistant", "Hello! How can I help?"),
        ChatMessage("user", "Are you open on Sunday?"),
    ),
    data_categories=frozenset({"customer_message"}),
    max_tokens=80,
    temperature=0.3,
)


def anthropic_gateway(stub: StubModelServer) -> ModelGateway:
    gateway = build_gateway(
        ModelSettings(provider="anthropic", base_url=stub.base_url, model="claude-test", api_key=API_KEY)
    )
    assert gateway is not None
    return gateway


def test_system_prompts_go_in_the_top_level_system_field_and_the_key_in_x_api_key(
    stub_server: StubModelServer,
) -> None:
    result = anthropic_gateway(stub_server).complete(ACCEPTS, REQUEST)

    (sent,) = stub_server.requests
    assert sent.path == "/v1/messages"
    assert sent.headers["x-api-key"] == API_KEY
    assert sent.headers["anthropic-version"] == "2023-06-01"
    assert "authorization" not in sent.headers
    assert sent.body == {
        "model": "claude-test",
        "max_tokens": 80,
        "temperature": 0.3,
        "system": "You answer for the salon.\n\nNever give medical advice.",
        "messages": [
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello! How can I help?"},
            {"role": "user", "content": "Are you open on Sunday?"},
        ],
    }
    assert result.text == COMPLETION_TEXT
    assert (result.receipt.prompt_tokens, result.receipt.completion_tokens) == (21, 9)
    assert result.receipt.provider == "anthropic"
    assert result.receipt.storage is True  # not declared no-training


def test_text_blocks_are_joined_and_other_blocks_ignored(stub_server: StubModelServer) -> None:
    stub_server.raw_body = (
        b'{"type": "message", "content": [{"type": "text", "text": "Yes, "}, {"type": "tool_use", "id": "t"},'
        b' {"type": "text", "text": "from 10."}], "usage": {"input_tokens": 5, "output_tokens": 4}}'
    )

    result = anthropic_gateway(stub_server).complete(ACCEPTS, REQUEST)

    assert result.text == "Yes, from 10."


def test_an_overloaded_api_is_a_failed_call_that_names_only_the_status(stub_server: StubModelServer) -> None:
    stub_server.statuses.append(529)

    with pytest.raises(ModelCallFailed) as failed:
        anthropic_gateway(stub_server).complete(ACCEPTS, REQUEST)

    assert failed.value.receipt.error == "HTTP 529"
    assert API_KEY not in str(failed.value)


def test_an_error_object_instead_of_a_message_is_a_failed_call(stub_server: StubModelServer) -> None:
    stub_server.raw_body = b'{"type": "error", "error": {"type": "invalid_request_error", "message": "x"}}'

    with pytest.raises(ModelCallFailed) as failed:
        anthropic_gateway(stub_server).complete(ACCEPTS, REQUEST)

    assert failed.value.receipt.error == "malformed response (not a message)"


def test_the_anthropic_provider_needs_a_key_and_a_model() -> None:
    with pytest.raises(ValidationError, match="API_KEY"):
        ModelSettings(provider="anthropic", model="claude-test")
    with pytest.raises(ValidationError, match="MODEL") as invalid:
        ModelSettings(provider="anthropic", api_key=API_KEY)
    assert API_KEY not in str(invalid.value)
