"""The OpenAI-compatible provider: the request it sends, and a real call to a real server
(llama.cpp's OpenAI-compatible server running the shipped SmolLM2-135M-Instruct GGUF)."""

from __future__ import annotations

from engium.ai.gateway import (
    ChatMessage,
    ChatRequest,
    ModelSettings,
    TenantModelPolicy,
    build_gateway,
    record_receipt,
)
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.ai.gateway.model_servers import COMPLETION_TEXT, LlamaServer, StubModelServer
from tests.conftest import TenantHandle, audit_events

STRICT = TenantModelPolicy(accept_retention=False)


def test_the_request_is_a_chat_completion_with_store_false_and_the_key_as_bearer(
    stub_server: StubModelServer,
) -> None:
    gateway = build_gateway(
        ModelSettings(
            provider="openai", base_url=f"{stub_server.base_url}/v1/", model="gpt-test", api_key="sk-abc12345",
            no_training=True,
        )
    )
    assert gateway is not None
    request = ChatRequest(
        messages=(
            ChatMessage("system", "Policy."),
            ChatMessage("user", "Hi"),
            ChatMessage("assistant", "Hello!"),
            ChatMessage("user", "Open on Sunday?"),
        ),
        data_categories=frozenset({"customer_message"}),
        max_tokens=50,
        temperature=0.2,
    )

    result = gateway.complete(STRICT, request)

    (sent,) = stub_server.requests
    assert sent.path == "/v1/chat/completions"
    assert sent.headers["authorization"] == "Bearer sk-abc12345"
    assert sent.body == {
        "model": "gpt-test",
        "messages": [
            {"role": "system", "content": "Policy."},
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello!"},
            {"role": "user", "content": "Open on Sunday?"},
        ],
        "max_tokens": 50,
        "temperature": 0.2,
        "n": 1,
        "stream": False,
        "store": False,
    }
    assert result.text == COMPLETION_TEXT
    assert (result.receipt.prompt_tokens, result.receipt.completion_tokens) == (17, 8)
    assert result.receipt.model == "gpt-test"


def test_without_an_api_key_no_authorization_header_is_sent(stub_server: StubModelServer) -> None:
    gateway = build_gateway(
        ModelSettings(provider="openai", base_url=f"{stub_server.base_url}/v1", model="llama3", no_training=True)
    )
    assert gateway is not None

    gateway.complete(STRICT, ChatRequest((ChatMessage("user", "Hi"),), frozenset()))

    assert "authorization" not in stub_server.requests[0].headers


def test_a_real_openai_compatible_server_answers_and_the_receipt_is_audited(
    real_openai_server: LlamaServer, runtime: Runtime, tenant: TenantHandle
) -> None:
    gateway = build_gateway(
        ModelSettings(
            provider="openai", base_url=real_openai_server.base_url, model=real_openai_server.model,
            no_training=True, timeout_seconds=120,
        )
    )
    assert gateway is not None
    request = ChatRequest(
        messages=(
            ChatMessage("system", "You are the front desk of a hair salon. Answer in one short sentence."),
            ChatMessage("user", "Hello! Can I book a haircut?"),
        ),
        data_categories=frozenset({"customer_message"}),
        max_tokens=24,
    )

    result = gateway.complete(STRICT, request)
    with tenant_transaction(runtime.database, tenant.id) as session:
        record_receipt(session, result.receipt)

    assert result.text.strip()
    assert result.receipt.outcome == "ok"
    assert result.receipt.prompt_tokens > 0
    assert 0 < result.receipt.completion_tokens <= 24
    (event,) = [e for e in audit_events(runtime, tenant) if e["action"] == "ai.inference"]
    assert event["outcome"] == "success"
    assert event["details"]["call_id"] == result.receipt.call_id
    assert event["details"]["endpoint_host"] == real_openai_server.base_url.removeprefix("http://").removesuffix("/v1")
    assert event["details"]["prompt_tokens"] == result.receipt.prompt_tokens
    assert event["details"]["completion_tokens"] == result.receipt.completion_tokens
    assert event["details"]["storage"] is False
    assert result.text not in str(event["details"])
