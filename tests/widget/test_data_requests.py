"""A customer files "export my data" / "delete my data" from the widget, proving control of their phone number
with a one-time code sent by text message (ADR 0031); staff see the request with its legal clock."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from engium.conversations.outbound import SEND_JOB
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.channels.inbound_helpers import GENERIC_401, ChannelTenant, configured_tenant
from tests.conftest import audit_events
from tests.job_queue import job_rows
from tests.web.forms import sign_in
from tests.web.members import owner_of
from tests.widget.data_requests import PHONE, REQUESTS, Visitor, wrong


def customer(client: TestClient, business: ChannelTenant, phone: str = PHONE) -> str:
    created = client.post("/api/v1/contacts", json={"name": "Ada Lovelace", "phone": phone},
                          headers=business.tenant.headers)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def sent_codes(runtime: Runtime, business: ChannelTenant) -> list[tuple[str, str, str, str]]:
    """(channel, conversation status, message id, code) of every code message queued for sending."""
    with tenant_transaction(runtime.database, business.tenant.id) as session:
        rows = session.execute(text(
            "select c.channel, c.status, m.id, m.body, m.delivery_status from messages m join conversations c "
            "on c.id = m.conversation_id where m.direction = 'outbound' order by m.created_at")).all()
    found = []
    for channel, status, message_id, body, delivery in rows:
        assert delivery == "queued"
        (code,) = re.findall(r"\b\d{6}\b", body)
        found.append((channel, status, str(message_id), code))
    return found


def test_a_known_number_gets_a_code_by_text_and_the_right_code_files_the_request(
    client: TestClient, runtime: Runtime
) -> None:
    business = configured_tenant(client, runtime)
    contact_id = customer(client, business)
    visitor = Visitor(client, business)
    asked = visitor.ask("erasure", phone="+44 7700 900123")
    assert asked.status_code == 202, asked.text
    challenge = asked.json()
    assert challenge["code_digits"] == 6
    assert challenge["message"].startswith("If this number is on file with the business")

    ((channel, status, message_id, code),) = sent_codes(runtime, business)
    assert (channel, status) == ("sms", "resolved")  # its own conversation: nothing for staff or the assistant
    (job,) = job_rows(runtime, SEND_JOB, tenant_id=str(business.tenant.id))
    assert job["args"] == {"tenant_id": str(business.tenant.id), "message_id": message_id}  # ids only
    with tenant_transaction(runtime.database, business.tenant.id) as session:
        stored = session.execute(text("select code_sha256, contact_id from widget_privacy_challenges")).one()
    assert code not in stored[0]
    assert len(stored[0]) == 64
    assert str(stored[1]) == contact_id

    filed = visitor.confirm(challenge["challenge_id"], code)
    assert filed.status_code == 201, filed.text
    answer = filed.json()
    assert (answer["kind"], answer["status"]) == ("erasure", "open")
    deadline = datetime.fromisoformat(answer["deadline"])
    assert timedelta(days=29, hours=23) < deadline - datetime.now(UTC) <= timedelta(days=30)  # GDPR: one month

    # Staff see it in their list with its clock, filed by the customer through the widget.
    listed = client.get("/api/v1/privacy/requests", headers=business.tenant.headers).json()["items"]
    (request,) = [r for r in listed if r["id"] == answer["request_id"]]
    assert (request["source"], request["kind"], request["contact_id"]) == ("widget", "erasure", contact_id)
    assert request["days_left"] == 29
    assert request["overdue"] is False
    # The staff app's page shows it too, marked as the customer's own.
    sign_in(client, owner_of(business.tenant))
    page = client.get("/privacy")
    assert f'data-request="{answer["request_id"]}"' in page.text
    assert "29 days left" in page.text
    assert "by the customer, verified with a one-time code" in page.text
    with tenant_transaction(runtime.database, business.tenant.id) as session:
        payload, logged_by = session.execute(text("select payload, logged_by from privacy_requests")).one()
    assert base64.b64decode(payload).startswith(b"ENS1")  # the verified number, sealed under the person's key
    assert PHONE not in payload
    assert logged_by == contact_id

    events = audit_events(runtime, business.tenant)
    steps = [(e["action"], e["actor_kind"]) for e in events if e["action"].startswith("privacy.")]
    assert steps == [("privacy.verification_sent", "contact"), ("privacy.request_received", "contact"),
                     ("privacy.request_verified", "contact")]
    received = next(e for e in events if e["action"] == "privacy.request_received")
    assert received["actor_id"] == contact_id
    assert received["details"]["source"] == "widget"
    assert PHONE not in str([e["details"] for e in events])
    assert code not in str([e["details"] for e in events])

    replayed = visitor.confirm(challenge["challenge_id"], code)
    assert replayed.status_code == 409
    assert "already used" in replayed.json()["error"]["message"]
    assert len(client.get("/api/v1/privacy/requests", headers=business.tenant.headers).json()["items"]) == 1


def test_an_unknown_number_gets_the_same_answer_and_nothing_is_sent(client: TestClient, runtime: Runtime) -> None:
    business = configured_tenant(client, runtime)
    customer(client, business)
    visitor = Visitor(client, business)
    known, unknown = visitor.ask(), visitor.ask(phone="+447700900999")
    assert known.status_code == unknown.status_code == 202
    same = {"challenge_id", "expires_at"}
    assert {k: v for k, v in known.json().items() if k not in same} == \
        {k: v for k, v in unknown.json().items() if k not in same}
    assert set(known.headers) == set(unknown.headers)
    assert len(sent_codes(runtime, business)) == 1
    # Confirming behaves alike too: a wrong code counts the same way for both.
    for challenge in (known.json(), unknown.json()):
        answer = visitor.confirm(challenge["challenge_id"], "000000")
        assert answer.status_code == 422
        assert answer.json()["error"]["details"] == {"tries_left": 2}


def test_a_business_that_cannot_text_sends_nothing_and_answers_the_same(client: TestClient, runtime: Runtime) -> None:
    business = configured_tenant(client, runtime)
    customer(client, business)
    for credential in client.get("/api/v1/integrations", headers=business.tenant.headers).json():
        if credential["kind"] in {"twilio", "whatsapp"}:
            gone = client.delete(f"/api/v1/integrations/{credential['id']}", headers=business.tenant.headers)
            assert gone.status_code == 204, gone.text
    asked = Visitor(client, business).ask()
    assert asked.status_code == 202
    assert sent_codes(runtime, business) == []
    events = audit_events(runtime, business.tenant)
    (sent,) = [e["details"] for e in events if e["action"] == "privacy.verification_sent"]
    assert (sent["via"], sent["sent"], sent["not_sent"]) == ("phone", False, "no_text_channel")  # for staff only


def test_three_wrong_codes_void_the_challenge(client: TestClient, runtime: Runtime) -> None:
    business = configured_tenant(client, runtime)
    customer(client, business)
    visitor = Visitor(client, business)
    challenge = visitor.ask().json()["challenge_id"]
    ((_, _, _, code),) = sent_codes(runtime, business)
    answers = [visitor.confirm(challenge, wrong(code)) for _ in range(3)]
    assert [a.status_code for a in answers] == [422, 422, 422]
    assert [a.json()["error"]["details"]["tries_left"] for a in answers] == [2, 1, 0]
    assert "2 tries left" in answers[0].json()["error"]["message"]
    assert "no longer valid" in answers[2].json()["error"]["message"]
    late = visitor.confirm(challenge, code)  # even the right code, now
    assert late.status_code == 409
    assert "too many wrong tries" in late.json()["error"]["message"]
    assert client.get("/api/v1/privacy/requests", headers=business.tenant.headers).json()["items"] == []
    failures = [e for e in audit_events(runtime, business.tenant) if e["action"] == "privacy.verification_failed"]
    assert [e["details"]["wrong_codes"] for e in failures] == [1, 2, 3]


def test_an_expired_code_is_refused(client: TestClient, runtime: Runtime) -> None:
    business = configured_tenant(client, runtime)
    customer(client, business)
    visitor = Visitor(client, business)
    challenge = visitor.ask().json()["challenge_id"]
    ((_, _, _, code),) = sent_codes(runtime, business)
    with tenant_transaction(runtime.database, business.tenant.id) as session:
        session.execute(text("update widget_privacy_challenges set expires_at = now() - interval '1 second'"))
    expired = visitor.confirm(challenge, code)
    assert expired.status_code == 409
    assert "expired" in expired.json()["error"]["message"]


def test_another_tenants_or_another_visitors_challenge_is_not_found(client: TestClient, runtime: Runtime) -> None:
    business = configured_tenant(client, runtime)
    customer(client, business)
    challenge = Visitor(client, business).ask().json()["challenge_id"]
    ((_, _, _, code),) = sent_codes(runtime, business)
    other = configured_tenant(client, runtime, suffix="-b")
    customer(client, other)
    stranger = Visitor(client, other).confirm(challenge, code)
    assert stranger.status_code == 404
    assert Visitor(client, business).confirm(challenge, code).status_code == 404  # another visitor, same site
    unknown = Visitor(client, business).confirm("00000000-0000-4000-8000-000000000000", code)
    assert unknown.status_code == 404


def test_codes_are_rate_limited_per_number_and_per_visitor(client: TestClient, runtime: Runtime) -> None:
    business = configured_tenant(client, runtime)
    customer(client, business)
    statuses = [Visitor(client, business).ask().status_code for _ in range(6)]
    assert statuses == [202] * 5 + [429]  # five codes an hour to one number, from anyone
    assert len(sent_codes(runtime, business)) == 5
    visitor = Visitor(client, business)
    # Ten codes an hour from one source (widget key and address), whatever the numbers.
    assert [visitor.ask(phone=f"+44770090{n:04d}").status_code for n in range(6)] == [202] * 4 + [429] * 2


@pytest.mark.parametrize(("body", "says"), [
    ({"kind": "export", "phone": "07700 900123"}, "international number"),
    ({"kind": "rectification", "phone": PHONE}, "'access', 'export' or 'erasure'"),
])
def test_bad_requests_are_refused_with_a_useful_message(
    client: TestClient, runtime: Runtime, body: dict[str, Any], says: str
) -> None:
    business = configured_tenant(client, runtime)
    visitor = Visitor(client, business)
    refused = client.post(REQUESTS, json=body, headers=visitor.headers)
    assert refused.status_code == 422
    assert says in str(refused.json()["error"]["details"])


def test_no_key_or_no_token_is_the_generic_401(client: TestClient, runtime: Runtime) -> None:
    business = configured_tenant(client, runtime)
    customer(client, business)
    body = {"kind": "export", "phone": PHONE}
    for headers in ({}, {"X-Widget-Key": business.widget_key},
                    {"X-Widget-Key": business.widget_key, "X-Widget-Token": "A" * 43}):
        refused = client.post(REQUESTS, json=body, headers=headers)
        assert (refused.status_code, refused.json()) == (401, GENERIC_401)
    assert sent_codes(runtime, business) == []


def test_erasing_the_person_removes_their_challenges(client: TestClient, runtime: Runtime) -> None:
    business = configured_tenant(client, runtime)
    contact_id = customer(client, business)
    Visitor(client, business).ask()
    gone = client.delete(f"/api/v1/contacts/{contact_id}", headers=business.tenant.headers)
    assert gone.status_code == 204
    with tenant_transaction(runtime.database, business.tenant.id) as session:
        left = session.execute(text("select count(*) from widget_privacy_challenges")).scalar_one()
    assert left == 0
