"""A job carries ids only: ``jobs.defer`` refuses any other argument before a row is written, so text a
customer wrote or a secret can never be copied into the job table (which erasure would have to chase)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from engium import jobs
from engium.assistant.turn_queue import ASSISTANT_JOB
from engium.conversations.outbound import SEND_JOB
from engium.incidents.decryption import DECRYPTION_JOB
from engium.kit.jobs import NotAnId
from engium.runtime import Runtime
from tests.job_queue import job_rows

CUSTOMER_TEXT = "Hi, my card number is 4111 1111 1111 1111"
HEX_TOKEN = uuid.uuid4().hex  # 32 hex digits: a token, not the written form of an id


def _job_count(runtime: Runtime) -> int:
    with runtime.database.transaction() as session:
        return int(session.execute(text("select count(*) from procrastinate_jobs")).scalar_one())


@pytest.mark.parametrize(
    ("task", "arguments", "refused"),
    [
        (SEND_JOB, {"message_id": CUSTOMER_TEXT}, "message_id"),
        (SEND_JOB, {"message_id": HEX_TOKEN}, "message_id"),
        (SEND_JOB, {"message_id": ""}, "message_id"),
        (ASSISTANT_JOB, {"conversation_id": str(uuid.uuid4()), "message_id": 42}, "message_id"),
        (DECRYPTION_JOB, {"table": "users; drop table users"}, "table"),
        (DECRYPTION_JOB, {"column": "users"}, "column"),  # a name only where the argument is declared a name
    ],
)
def test_deferring_anything_but_an_id_is_refused_before_a_row_is_written(
    runtime: Runtime, task: str, arguments: dict[str, object], refused: str
) -> None:
    before = _job_count(runtime)
    with pytest.raises(NotAnId) as raised, runtime.database.transaction() as session:
        jobs.defer(session, task, tenant_id=str(uuid.uuid4()), **arguments)  # type: ignore[arg-type]

    message = str(raised.value)
    assert f"{task}: argument {refused!r}" in message
    assert "ids only" in message
    # The refusal never repeats the value: it may be the secret it keeps out of the job table.
    for value in arguments.values():
        if str(value):
            assert str(value) not in message
    assert _job_count(runtime) == before


def test_ids_as_text_or_as_uuids_and_a_declared_name_are_queued_as_text(runtime: Runtime) -> None:
    tenant_id, message_id = uuid.uuid4(), uuid.uuid4()
    with runtime.database.transaction() as session:
        jobs.defer(session, SEND_JOB, tenant_id=tenant_id, message_id=str(message_id))
        jobs.defer(session, DECRYPTION_JOB, tenant_id=str(tenant_id), table="integration_credentials")

    [send] = job_rows(runtime, SEND_JOB, tenant_id=str(tenant_id))
    assert send["args"] == {"tenant_id": str(tenant_id), "message_id": str(message_id)}
    [decryption] = job_rows(runtime, DECRYPTION_JOB, tenant_id=str(tenant_id))
    assert decryption["args"] == {"tenant_id": str(tenant_id), "table": "integration_credentials"}
