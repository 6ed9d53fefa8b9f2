"""STOP, START and HELP on SMS under carrier rules: the opt-out is recorded, the confirmation (and HELP)
still go out, every other send to the number is refused at the sender with a visible reason."""

from __future__ import annotations

import itertools
from urllib.parse import parse_qs

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from engium.assistant.turn_queue import ASSISTANT_JOB
from engium.channels.keywords import keyword_of
from engium.channels.sender import OPTED_OUT
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.channels.fake_provider import FakeProvider
from tests.channels.inbound_helpers import ChannelTenant, configured_tenant, sms_params, twilio_request
from tests.channels.outbound_replies import CUSTOMER, delivery, reply, sending
from tests.job_queue import drain, job_rows

_sids = itertools.count(1)


def _text(client: TestClient, ct: ChannelTenant, body: str) -> None:
    payload, headers = twilio_request(ct.twilio_path(), sms_params(f"SM{next(_sids):032d}", body, CUSTOMER))
    response = client.post(ct.twilio_path(), content=payload, headers=headers)
    assert response.status_code == 200, response.text


def _bodies(provider: FakeProvider) -> list[str]:
    return [parse_qs(r.body.decode())["Body"][0] for r in provider.requests]


def _conversation(runtime: Runtime, ct: ChannelTenant) -> str:
    with tenant_transaction(runtime.database, ct.tenant.id) as session:
        return str(session.execute(text("select id from conversations")).scalar_one())


@pytest.mark.parametrize(("body", "expected"), [
    ("STOP", "stop"), (" unsubscribe. ", "stop"), ("Cancel!", "stop"), ("start", "start"), ("UNSTOP", "start"),
    ("help", "help"), ("INFO", "help"), ("yes", None), ("stop by at 3?", None), ("", None), ("help me book", None),
])
def test_a_keyword_is_the_whole_message(body: str, expected: str | None) -> None:
    assert keyword_of(body) == expected


def test_stop_start_and_help(client: TestClient, runtime: Runtime, fake_provider: FakeProvider) -> None:
    ct = configured_tenant(client, runtime)
    worker = sending(runtime, fake_provider)
    _text(client, ct, "STOP")
    conversation = _conversation(runtime, ct)
    assert job_rows(runtime, ASSISTANT_JOB, tenant_id=str(ct.tenant.id)) == []  # no assistant turn on a keyword
    with tenant_transaction(runtime.database, ct.tenant.id) as session:
        decisions = session.execute(text("select purpose, granted, channel, source from consents")).all()
    assert [tuple(d) for d in decisions] == [("messages", False, "sms", "keyword")]
    drain(worker)
    assert len(_bodies(fake_provider)) == 1
    assert "unsubscribed" in _bodies(fake_provider)[0]  # the confirmation still goes out

    refused = reply(client, ct.tenant, conversation, body="Are you still coming tomorrow?")
    drain(worker)
    assert delivery(runtime, ct.tenant, refused) == ("failed", OPTED_OUT)
    assert len(fake_provider.requests) == 1

    _text(client, ct, "help")
    drain(worker)
    assert len(fake_provider.requests) == 2
    assert "for help contact us" in _bodies(fake_provider)[1]

    _text(client, ct, "START")
    drain(worker)
    assert "subscribed again" in _bodies(fake_provider)[2]
    allowed = reply(client, ct.tenant, conversation, body="Welcome back!")
    drain(worker)
    assert delivery(runtime, ct.tenant, allowed) == ("sent", None)
    assert _bodies(fake_provider)[-1] == "Welcome back!"


def test_an_ordinary_message_still_reaches_the_assistant(client: TestClient, runtime: Runtime) -> None:
    ct = configured_tenant(client, runtime)
    _text(client, ct, "stop by at 3?")
    assert len(job_rows(runtime, ASSISTANT_JOB, tenant_id=str(ct.tenant.id))) == 1
    with tenant_transaction(runtime.database, ct.tenant.id) as session:
        assert session.execute(text("select count(*) from consents")).scalar_one() == 0
