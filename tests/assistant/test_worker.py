"""The assistant job's guarantees: one tenant's job never reads another's data; a failing turn is retried
and finally handed to a person; the customer's message is never dropped; a running worker answers."""

from __future__ import annotations

import time
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text as sql
from sqlalchemy.exc import IntegrityError

from engium import jobs
from engium.assistant.settings import AssistantSettings
from engium.assistant.tasks import turn_runner
from engium.assistant.turn import assistant_principal
from engium.assistant.turn_queue import ASSISTANT_JOB
from engium.assistant.turn_writing import write_turn
from engium.conversations import service as conversations
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.assistant.helpers import assistant, open_salon, rows, visit
from tests.conftest import audit_events
from tests.job_queue import BackgroundWorker, drain, job_rows, make_due, runtime_with


def test_a_job_naming_another_tenant_s_conversation_reads_and_writes_nothing(
    client: TestClient, runtime: Runtime
) -> None:
    victim, attacker = open_salon(client, runtime), open_salon(client, runtime, suffix="-b")
    customer = visit(client, runtime, victim)
    customer.say("When are you open?")
    (message_id,) = rows(runtime, victim.tenant, "select id::text from messages where author_kind = 'contact'")[0]
    before = rows(runtime, victim.tenant, "select count(*) from messages")

    # A job of the attacker's tenant that names the victim's conversation and message.
    with tenant_transaction(runtime.database, attacker.tenant.id) as session:
        jobs.defer(session, ASSISTANT_JOB, tenant_id=str(attacker.tenant.id),
                   conversation_id=customer.conversation_id, message_id=message_id)
    drain(customer.worker)

    assert rows(runtime, victim.tenant, "select count(*) from messages") == before
    assert rows(runtime, attacker.tenant, "select count(*) from messages") == [(0,)]
    [job] = job_rows(runtime, ASSISTANT_JOB, tenant_id=str(attacker.tenant.id))
    assert job["status"] == "succeeded"
    skipped = [e["details"] for e in audit_events(runtime, attacker.tenant) if e["action"] == "assistant.skipped"]
    assert [d["reason"] for d in skipped] == ["not_found"]


class BrokenEmbedder:
    """Retrieval that fails, as a database or model outage would."""

    model_name = "broken"
    dimensions = 384

    def embed(self, texts: object) -> object:
        raise RuntimeError("embedding service down")


def test_a_failing_turn_is_retried_then_handed_to_a_person(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    worker = runtime_with(assistant(runtime), assistant=AssistantSettings(retry_delays_seconds=[5.0], retry_jitter=0))
    worker.__dict__["embedder"] = BrokenEmbedder()
    visitor = visit(client, runtime, salon, worker=worker)
    assert visitor.say("Do you do eyebrow threading?") == []
    [job] = job_rows(runtime, ASSISTANT_JOB, tenant_id=str(salon.tenant.id))
    assert (job["status"], job["attempts"]) == ("todo", 1)  # retried later, with backoff

    make_due(runtime, job["id"])
    drain(worker)
    [job] = job_rows(runtime, ASSISTANT_JOB, tenant_id=str(salon.tenant.id))
    assert (job["status"], job["attempts"]) == ("failed", 2)
    conversation = client.get(f"/api/v1/conversations/{visitor.conversation_id}", headers=salon.tenant.headers)
    assert conversation.json()["status"] == "escalated"
    assert [m["body"] for m in visitor.messages()] == ["Do you do eyebrow threading?"]  # kept for staff
    failed = [e for e in audit_events(runtime, salon.tenant) if e["action"] == "assistant.failed"]
    assert [(e["details"]["escalated"], e["outcome"]) for e in failed] == [(True, "failed")]


def test_a_running_worker_answers_widget_messages(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    visitor = visit(client, runtime, salon)
    headers = {"X-Widget-Key": salon.channels.widget_key, "X-Widget-Token": visitor.token}
    with BackgroundWorker(assistant(runtime)):
        assert client.post("/widget/v1/messages", json={"body": "Are you open on Sunday?"},
                           headers=headers).status_code == 201
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len(visitor.messages()) < 2:
            time.sleep(0.05)
    assert [m["author_kind"] for m in visitor.messages()] == ["contact", "assistant"]


def test_odd_input_gets_an_answer_not_an_error(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    visitor = visit(client, runtime, salon)
    for text in ("\u200b\u202e?!", "book" * 2000, "🙂", "yes", "no", "31/02 at 25:00", str(uuid.uuid4())):
        handled = visitor.say(text)
        assert len(handled) <= 1
    statuses = {j["status"] for j in job_rows(runtime, ASSISTANT_JOB, tenant_id=str(salon.tenant.id))}
    assert statuses == {"succeeded"}


def test_a_turn_run_again_after_its_done_mark_was_lost_does_not_reply_twice(
    client: TestClient, runtime: Runtime
) -> None:
    salon = open_salon(client, runtime)
    visitor = visit(client, runtime, salon)
    assert len(visitor.say("When are you open?")) == 1
    [job] = job_rows(runtime, ASSISTANT_JOB, tenant_id=str(salon.tenant.id))

    # The reply committed, but the worker lost the job's "done" mark (the database restarted), so the
    # stalled-job check hands the same job out again.
    with runtime.database.transaction() as session:
        session.execute(sql("update procrastinate_jobs set status = 'todo' where id = :i"), {"i": job["id"]})
    drain(visitor.worker)

    assert [m["author_kind"] for m in visitor.messages()] == ["contact", "assistant"]
    [job] = job_rows(runtime, ASSISTANT_JOB, tenant_id=str(salon.tenant.id))
    assert job["status"] == "succeeded"
    skipped = [e["details"] for e in audit_events(runtime, salon.tenant) if e["action"] == "assistant.skipped"]
    assert [d["reason"] for d in skipped] == ["answered"]


def test_two_runs_of_one_turn_racing_store_one_reply(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    visitor = visit(client, runtime, salon)
    headers = {"X-Widget-Key": salon.channels.widget_key, "X-Widget-Token": visitor.token}
    assert client.post("/widget/v1/messages", json={"body": "When are you open?"}, headers=headers).status_code == 201
    [(customer_message,)] = rows(runtime, salon.tenant, "select id from messages where author_kind = 'contact'")
    worker = turn_runner(visitor.worker)
    tenant, conversation = salon.tenant.id, uuid.UUID(visitor.conversation_id)
    ids: dict[str, object] = {"conversation_id": str(conversation), "message_id": str(customer_message)}

    # Both runs planned before either wrote: the second finds the reply under the conversation's lock.
    first, second = (worker._planned(tenant, "run", ids) for _ in range(2))
    assert first is not None
    assert second is not None
    for planned in (first, second):
        with tenant_transaction(runtime.database, tenant) as session:
            write_turn(session, planned.ctx, planned.plan, None, worker.screen, guard_flagged=False)
    assert [m["author_kind"] for m in visitor.messages()] == ["contact", "assistant"]

    # And the database refuses a second reply to the same message whatever the code above does.
    with tenant_transaction(runtime.database, tenant) as session:
        held = conversations.get_conversation(session, assistant_principal(tenant), conversation, for_update=True)
        with pytest.raises(IntegrityError):
            conversations.post_assistant_message(session, assistant_principal(tenant), held, "again",
                                                 in_reply_to=customer_message)
        session.rollback()
