"""Every model call leaves an ``ai.inference`` receipt in the audit log: calls that succeeded, calls the
policy refused and calls that failed. Receipts never hold prompt text or any part of an API key."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence

import pytest

from engium.access.permissions import Role
from engium.access.principal import Principal, PrincipalKind
from engium.ai.gateway import (
    ChatMessage,
    ChatRequest,
    InferenceReceipt,
    ModelCallFailed,
    ModelGateway,
    ModelRefused,
    ModelSettings,
    ProviderReply,
    TenantModelPolicy,
    build_gateway,
    canonical_json,
    prompt_sha256,
    record_receipt,
)
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.ai.gateway.model_servers import StubModelServer, free_port
from tests.conftest import TenantHandle, audit_events

API_KEY = "sk-test-0123456789abcdef0123456789abcdef"
SECRET_PROMPT = "My card is due, call me on the usual number, it is about my appointment with Dana"
REQUEST = ChatRequest(
    messages=(ChatMessage("system", "You answer for the salon."), ChatMessage("user", SECRET_PROMPT)),
    data_categories=frozenset({"customer_message", "knowledge"}),
    max_tokens=64,
)
ACCEPTS = TenantModelPolicy(accept_retention=True)
REFUSES = TenantModelPolicy(accept_retention=False)
RECEIPT_FIELDS = {
    "call_id", "provider", "model", "endpoint_host", "storage", "data_categories", "prompt_tokens",
    "completion_tokens", "latency_ms", "prompt_sha256", "redacted", "outcome", "error",
}


def gateway_for(base_url: str, **overrides: object) -> ModelGateway:
    settings = ModelSettings.model_validate(
        {"provider": "openai", "base_url": f"{base_url}/v1", "model": "stub-model", "api_key": API_KEY, **overrides}
    )
    gateway = build_gateway(settings)
    assert gateway is not None
    return gateway


def record(runtime: Runtime, tenant: TenantHandle, receipt: InferenceReceipt) -> None:
    with tenant_transaction(runtime.database, tenant.id) as session:
        record_receipt(session, receipt)


def test_ok_refused_and_failed_calls_each_leave_a_receipt(
    runtime: Runtime, tenant: TenantHandle, stub_server: StubModelServer
) -> None:
    gateway = gateway_for(stub_server.base_url)
    ok = gateway.complete(ACCEPTS, REQUEST)
    record(runtime, tenant, ok.receipt)
    with pytest.raises(ModelRefused) as refused:
        gateway.complete(REFUSES, REQUEST)
    record(runtime, tenant, refused.value.receipt)
    stub_server.statuses.append(503)
    with pytest.raises(ModelCallFailed) as failed:
        gateway.complete(ACCEPTS, REQUEST)
    record(runtime, tenant, failed.value.receipt)

    events = [e for e in audit_events(runtime, tenant) if e["action"] == "ai.inference"]

    assert [e["outcome"] for e in events] == ["success", "denied", "failed"]
    for event in events:
        assert set(event["details"]) == RECEIPT_FIELDS
        assert event["resource_type"] == "model_call"
        assert event["resource_id"] == event["details"]["call_id"]
        # No request: the background system actor of the gateway.
        assert (event["actor_kind"], event["actor_id"]) == ("system", "ai.gateway")
        assert event["details"]["provider"] == "openai"
        assert event["details"]["model"] == "stub-model"
        assert event["details"]["endpoint_host"] == f"127.0.0.1:{stub_server.server.server_address[1]}"
        assert event["details"]["storage"] is True
        assert event["details"]["data_categories"] == ["customer_message", "knowledge"]
        assert event["details"]["prompt_sha256"] == prompt_sha256(REQUEST.messages)
        assert event["details"]["redacted"] == 0
        serialized = json.dumps(event)
        assert "appointment with Dana" not in serialized
        assert API_KEY not in serialized
        assert API_KEY[3:15] not in serialized
    ok_details, refused_details, failed_details = (e["details"] for e in events)
    assert (ok_details["prompt_tokens"], ok_details["completion_tokens"]) == (17, 8)
    assert ok_details["outcome"] == "ok"
    assert ok_details["error"] is None
    assert refused_details["outcome"] == "refused"
    assert failed_details["outcome"] == "failed"
    assert failed_details["error"] == "HTTP 503"
    assert ok_details["latency_ms"] >= 0


def test_the_prompt_hash_is_the_sha256_of_the_canonical_json_of_the_messages() -> None:
    canonical = canonical_json(REQUEST.messages)

    assert json.loads(canonical) == [
        {"role": "system", "content": "You answer for the salon."},
        {"role": "user", "content": SECRET_PROMPT},
    ]
    assert canonical.startswith(b'[{"content":"You answer for the salon.","role":"system"}')
    assert prompt_sha256(REQUEST.messages) == hashlib.sha256(canonical).hexdigest()


def test_a_rejected_key_fails_without_echoing_the_providers_answer(stub_server: StubModelServer) -> None:
    stub_server.statuses.append(401)  # the stub answers like OpenAI: "Incorrect API key provided: <key>"

    with pytest.raises(ModelCallFailed) as failed:
        gateway_for(stub_server.base_url).complete(ACCEPTS, REQUEST)

    assert failed.value.receipt.error == "HTTP 401"
    for shown in (str(failed.value), repr(failed.value), repr(failed.value.receipt)):
        assert API_KEY not in shown
        assert SECRET_PROMPT not in shown


def test_a_slow_provider_is_a_failed_call_after_the_timeout(stub_server: StubModelServer) -> None:
    stub_server.delay_seconds = 2.0

    with pytest.raises(ModelCallFailed) as failed:
        gateway_for(stub_server.base_url, timeout_seconds=0.3).complete(ACCEPTS, REQUEST)

    assert failed.value.receipt.error == "timed out"
    assert failed.value.receipt.outcome == "failed"


def test_an_unreachable_provider_is_a_failed_call() -> None:
    with pytest.raises(ModelCallFailed) as failed:
        gateway_for(f"http://127.0.0.1:{free_port()}").complete(ACCEPTS, REQUEST)

    assert failed.value.receipt.error == "could not connect"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"<html>bad gateway</html>", "malformed response (not JSON)"),
        (b'{"choices": []}', "malformed response (no choices)"),
        (b'{"choices": [{"message": {"role": "assistant"}}]}', "malformed response (no message content)"),
    ],
)
def test_a_malformed_answer_is_a_failed_call(stub_server: StubModelServer, body: bytes, error: str) -> None:
    stub_server.raw_body = body

    with pytest.raises(ModelCallFailed) as failed:
        gateway_for(stub_server.base_url).complete(ACCEPTS, REQUEST)

    assert failed.value.receipt.error == error


def test_requests_and_results_keep_customer_text_out_of_their_repr(stub_server: StubModelServer) -> None:
    result = gateway_for(stub_server.base_url).complete(ACCEPTS, REQUEST)

    assert SECRET_PROMPT not in repr(REQUEST)
    assert result.text not in repr(result)
    assert API_KEY not in repr(gateway_for(stub_server.base_url))


def test_inside_a_request_the_receipt_names_the_acting_principal(
    runtime: Runtime, tenant: TenantHandle, stub_server: StubModelServer
) -> None:
    principal = Principal(PrincipalKind.API_KEY, uuid.uuid4(), tenant.id, Role.OWNER)
    result = gateway_for(stub_server.base_url).complete(ACCEPTS, REQUEST)

    with tenant_transaction(runtime.database, tenant.id) as session:
        record_receipt(session, result.receipt, principal=principal)

    (event,) = [e for e in audit_events(runtime, tenant) if e["action"] == "ai.inference"]
    assert (event["actor_kind"], event["actor_id"]) == ("api_key", str(principal.id))


class BrokenProvider:
    name = "broken"
    model = "broken-model"
    endpoint_host = "local"
    storage = False

    def chat(self, messages: Sequence[ChatMessage], *, max_tokens: int, temperature: float) -> ProviderReply:
        raise RuntimeError(f"could not tokenize {messages[-1].content}")


def test_an_unexpected_provider_error_still_ends_in_a_receipt_without_its_message() -> None:
    with pytest.raises(ModelCallFailed) as failed:
        ModelGateway(BrokenProvider()).complete(REFUSES, REQUEST)

    assert failed.value.receipt.outcome == "failed"
    assert failed.value.receipt.error == "unexpected provider error (RuntimeError)"
    assert failed.value.__cause__ is None
    assert SECRET_PROMPT not in str(failed.value)
