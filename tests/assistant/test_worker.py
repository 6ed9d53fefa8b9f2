"""The worker's guarantees: one tenant's job never reads another's data; a failing turn is retried and
finally handed to a person; the customer's message is never dropped; the background loop answers."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

from fastapi.testclient import TestClient

from engium.ai.embeddings import EmbeddingProvider
from engium.assistant.settings import AssistantSettings
from engium.assistant.worker import AssistantLoop, AssistantWorker
from engium.channels import store
from engium.channels.inbound import ASSISTANT_JOB
from engium.runtime import Runtime
from tests.assistant.helpers import NOW, open_salon, rows, visit
from tests.conftest import audit_events


def test_a_job_naming_another_tenant_s_conversation_reads_and_writes_nothing(
    client: TestClient, runtime: Runtime
) -> None:
    victim, attacker = open_salon(client, runtime), open_salon(client, runtime, suffix="-b")
    customer = visit(client, runtime, victim)
    customer.say("When are you open?")
    (message_id,) = rows(runtime, victim.tenant, "select id::text from messages where author_kind = 'contact'")[0]
    before = rows(runtime, victim.tenant, "select count(*) from messages")

    # A job row in the attacker's tenant that names the victim's conversation and message.
    with runtime.database.tenant_transaction(attacker.tenant.id) as session:
        store.enqueue_job(session, attacker.tenant.id, ASSISTANT_JOB,
                          {"conversation_id": customer.conversation_id, "message_id": message_id})
    worker = customer.worker
    assert worker.process_due([attacker.tenant.id]) == 1

    assert rows(runtime, victim.tenant, "select count(*) from messages") == before
    assert rows(runtime, attacker.tenant, "select count(*) from messages") == [(0,)]
    assert rows(runtime, attacker.tenant, "select status, last_error from jobs where kind = 'assistant.reply'") == [
        ("done", "skipped: not_found")
    ]
    skipped = [e["details"] for e in audit_events(runtime, attacker.tenant) if e["action"] == "assistant.skipped"]
    assert [d["reason"] for d in skipped] == ["not_found"]


class BrokenEmbedder:
    """Retrieval that fails, as a database or model outage would."""

    def __call__(self) -> EmbeddingProvider:
        raise RuntimeError("embedding service down")


def test_a_failing_turn_is_retried_then_handed_to_a_person(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    clock = [NOW]
    worker = AssistantWorker(runtime.database, AssistantSettings(retry_delays_seconds=[5.0], retry_jitter=0),
                             BrokenEmbedder(), clock=lambda: clock[0])
    visitor = visit(client, runtime, salon, worker=worker)
    assert visitor.say("Do you do eyebrow threading?") == []
    job = "select status, attempts from jobs where kind = 'assistant.reply'"
    assert rows(runtime, salon.tenant, job) == [("pending", 1)]  # retried later, with backoff

    clock[0] = NOW + timedelta(seconds=6)
    worker.process_due([salon.tenant.id])
    assert rows(runtime, salon.tenant, job) == [("failed", 2)]
    conversation = client.get(f"/api/v1/conversations/{visitor.conversation_id}", headers=salon.tenant.headers)
    assert conversation.json()["status"] == "escalated"
    assert [m["body"] for m in visitor.messages()] == ["Do you do eyebrow threading?"]  # kept for staff
    failed = [e for e in audit_events(runtime, salon.tenant) if e["action"] == "assistant.failed"]
    assert [(e["details"]["escalated"], e["outcome"]) for e in failed] == [(True, "failed")]


def test_the_background_loop_answers_widget_messages(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    worker = AssistantWorker(runtime.database, AssistantSettings(poll_interval_seconds=0.05),
                             lambda: runtime.embedder, clock=lambda: NOW)
    loop = AssistantLoop(worker)
    visitor = visit(client, runtime, salon, worker=worker)
    headers = {"X-Widget-Key": salon.channels.widget_key, "X-Widget-Token": visitor.token}
    loop.start()
    try:
        assert client.post("/widget/v1/messages", json={"body": "Are you open on Sunday?"},
                           headers=headers).status_code == 201
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len(visitor.messages()) < 2:
            time.sleep(0.05)
    finally:
        loop.stop()
    assert [m["author_kind"] for m in visitor.messages()] == ["contact", "assistant"]


def test_odd_input_gets_an_answer_not_an_error(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    visitor = visit(client, runtime, salon)
    for text in ("\u200b\u202e?!", "book" * 2000, "🙂", "yes", "no", "31/02 at 25:00", str(uuid.uuid4())):
        handled = visitor.say(text)
        assert len(handled) <= 1
    statuses = rows(runtime, salon.tenant, "select distinct status from jobs where kind = 'assistant.reply'")
    assert statuses == [("done",)]
