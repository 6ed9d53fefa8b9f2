"""The model server dies in the middle of a conversation, then answers only after the timeout, then comes
back. Each time the customer still gets an answer (the grounded one, quoted from the business's documents,
while the model cannot give it), the conversation goes on rather than sticking or being handed over, and
staff see beside the reply that the model did not answer."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from sqlalchemy import text

from engium.config import Settings
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.ai.gateway.model_servers import COMPLETION_TEXT, StubModelServer, free_port, stub_model_server
from tests.channels.inbound_helpers import ChannelTenant, configured_tenant, sms_params, twilio_request
from tests.conftest import scratch_dir
from tests.live_server import LiveServer, live_server
from tests.resilience.fake_twilio import FakeTwilio

AFTERCARE = ("Looking after coloured hair. Wait at least 48 hours before washing freshly coloured hair, so the "
             "colour can settle. Use a sulphate-free shampoo and rinse with cool water.")
QUESTION = "How long should I wait before washing freshly coloured hair?"
CUSTOMER = "+14155550199"
MODEL_TIMEOUT_SECONDS = 1.0


class ModelServer:
    """The stand-in model API on a fixed port, so that it can be stopped and brought back."""

    def __init__(self) -> None:
        self.port = free_port()
        self._stack: ExitStack | None = None
        self.stub: StubModelServer | None = None

    def start(self) -> StubModelServer:
        self._stack = ExitStack()
        self.stub = self._stack.enter_context(stub_model_server(self.port))
        return self.stub

    def kill(self) -> None:
        if self._stack is not None:
            self._stack.close()
        self._stack, self.stub = None, None


@pytest.fixture
def model() -> Iterator[ModelServer]:
    server = ModelServer()
    server.start()
    yield server
    server.kill()


@pytest.fixture
def server(model: ModelServer, twilio: FakeTwilio) -> Iterator[LiveServer]:
    env = {"ENGIUM_TWILIO_API_BASE": twilio.url, "ENGIUM_AI_PROVIDER": "openai",
           "ENGIUM_AI_BASE_URL": f"http://127.0.0.1:{model.port}/v1", "ENGIUM_AI_MODEL": "stub",
           "ENGIUM_AI_NO_TRAINING": "true", "ENGIUM_AI_TIMEOUT_SECONDS": str(MODEL_TIMEOUT_SECONDS),
           "ENGIUM_AI_CONNECT_TIMEOUT_SECONDS": "1"}
    with scratch_dir("engium-model-down-") as scratch, live_server(scratch / "data", env) as started:
        yield started


def ask(server: LiveServer, business: ChannelTenant, replies_before: int) -> dict[str, Any]:
    """Texts the question in the same conversation and waits for the reply to it; returns the reply, its
    conversation's status and what the assistant's audit event says about the model."""
    body, headers = twilio_request(business.twilio_path(), sms_params("SM" + uuid.uuid4().hex, QUESTION,
                                                                      sender=CUSTOMER))
    with server.client() as client:
        assert client.post(business.twilio_path(), content=body, headers=headers).status_code == 200
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with tenant_transaction(server.database, business.tenant.id) as session:
                replies = session.execute(text(
                    "select m.id, m.body, c.status from messages m join conversations c on c.id = m.conversation_id "
                    "where m.author_kind = 'assistant' order by m.created_at")).all()
            if len(replies) > replies_before:
                break
            time.sleep(0.2)
        assert len(replies) == replies_before + 1, "no reply, or more than one"
        reply_id, reply_body, status = replies[-1]
        events = client.get("/api/v1/audit-events", headers=business.tenant.headers,
                            params={"action": "assistant.replied", "limit": 50}).json()["items"]
    replied = next(e for e in events if e["resource_id"] == str(reply_id))
    return {"body": reply_body, "status": status, "model_outcome": replied["details"].get("model_outcome"),
            "responder": replied["details"]["responder"]}


def test_the_customer_is_answered_while_the_model_server_is_down_or_slow(
    server: LiveServer, model: ModelServer
) -> None:
    runtime = Runtime(settings=Settings(data_dir=server.data_dir, secure_cookies=False), database=server.database)
    with server.client() as api:
        business = configured_tenant(api, runtime)
        added = api.post("/api/v1/knowledge/documents", headers=business.tenant.headers,
                         json={"title": "Aftercare", "source_kind": "text", "content": AFTERCARE})
        assert added.status_code == 201, added.text

    first = ask(server, business, 0)
    assert first == {"body": COMPLETION_TEXT, "status": "open", "model_outcome": "answered", "responder": "model"}

    model.kill()  # connection refused from now on
    down = ask(server, business, 1)
    assert "48 hours" in down["body"]  # quoted from the business's own document
    assert down["status"] == "open"  # not handed over, not stuck
    assert (down["model_outcome"], down["responder"]) == ("failed", "grounded")

    slow = model.start()
    slow.delay_seconds = MODEL_TIMEOUT_SECONDS * 3  # answers, but only after the gateway gave up
    late = ask(server, business, 2)
    assert "48 hours" in late["body"]
    assert (late["status"], late["model_outcome"], late["responder"]) == ("open", "failed", "grounded")

    slow.delay_seconds = 0
    back = ask(server, business, 3)
    assert back == {"body": COMPLETION_TEXT, "status": "open", "model_outcome": "answered", "responder": "model"}
