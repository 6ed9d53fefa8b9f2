"""Customer satisfaction: off by default; when on, asked once per resolution in the customer's channel, and
answered once, by the customer it was asked of, within a day."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.channels.inbound_helpers import ChannelTenant, configured_tenant, sms_params, twilio_request
from tests.conftest import TenantHandle, audit_events
from tests.job_queue import drain

API = "/api/v1"
RATING = "/widget/v1/rating"


@pytest.fixture
def ct(client: TestClient, runtime: Runtime) -> ChannelTenant:
    return configured_tenant(client, runtime)


def turn_on(client: TestClient, tenant: TenantHandle) -> None:
    changed = client.patch(f"{API}/settings", json={"csat_enabled": True}, headers=tenant.headers)
    assert changed.status_code == 200, changed.text
    assert changed.json()["csat_enabled"] is True


def widget_chat(client: TestClient, ct: ChannelTenant) -> tuple[str, dict[str, str]]:
    started = client.post("/widget/v1/conversations", json={"message": "Do you cut kids' hair?"},
                          headers={"X-Widget-Key": ct.widget_key})
    assert started.status_code == 201, started.text
    grant = started.json()
    return grant["conversation_id"], {"X-Widget-Key": ct.widget_key, "X-Widget-Token": grant["token"]}


def resolve(client: TestClient, runtime: Runtime, tenant: TenantHandle, conversation_id: str) -> None:
    """The assistant answers what it was asked, staff resolve, and the worker then runs the jobs that the
    resolution queued (the question among them)."""
    drain(runtime)
    done = client.post(f"{API}/conversations/{conversation_id}/resolve", headers=tenant.headers)
    assert done.status_code == 200, done.text
    drain(runtime)


def ratings(runtime: Runtime, tenant: TenantHandle) -> list[dict[str, Any]]:
    with tenant_transaction(runtime.database, tenant.id) as session:
        rows = session.execute(text("select conversation_id, channel, rating from satisfaction_ratings "
                                    "order by asked_at")).mappings().all()
    return [dict(row) for row in rows]


def csat(client: TestClient, tenant: TenantHandle, **params: str) -> dict[str, Any]:
    today = datetime.now(UTC).date().isoformat()
    found = client.get(f"{API}/analytics", params={"from": today, "to": today, **params}, headers=tenant.headers)
    assert found.status_code == 200, found.text
    totals: dict[str, Any] = found.json()["totals"]
    return {"csat_average": totals["csat_average"], "csat_count": totals["csat_count"]}


def test_off_by_default_nothing_is_asked_and_a_rating_is_refused(
    client: TestClient, runtime: Runtime, ct: ChannelTenant
) -> None:
    assert client.get(f"{API}/settings", headers=ct.tenant.headers).json()["csat_enabled"] is False
    conversation_id, visitor = widget_chat(client, ct)
    resolve(client, runtime, ct.tenant, conversation_id)
    transcript = client.get("/widget/v1/messages", headers=visitor).json()
    assert not any(m["body"].startswith("How did we do?") for m in transcript)
    assert ratings(runtime, ct.tenant) == []
    refused = client.post(RATING, json={"rating": 5}, headers=visitor)
    assert refused.status_code == 409
    assert "no open rating question" in refused.json()["error"]["message"]


def test_the_website_visitor_is_asked_and_rates_once(client: TestClient, runtime: Runtime, ct: ChannelTenant) -> None:
    turn_on(client, ct.tenant)
    conversation_id, visitor = widget_chat(client, ct)
    resolve(client, runtime, ct.tenant, conversation_id)
    # Resolving again without anything new from the customer asks nothing more.
    resolve(client, runtime, ct.tenant, conversation_id)
    transcript = client.get("/widget/v1/messages", headers=visitor).json()
    assert transcript[-1]["body"].startswith("How did we do? Please rate this conversation from 1")
    assert sum(m["body"].startswith("How did we do?") for m in transcript) == 1

    given = client.post(RATING, json={"rating": 4}, headers=visitor)
    assert given.status_code == 201, given.text
    assert given.json() == {"rating": 4}
    again = client.post(RATING, json={"rating": 1}, headers=visitor)
    assert again.status_code == 409
    assert ratings(runtime, ct.tenant) == [{"conversation_id": uuid.UUID(conversation_id), "channel": "web",
                                            "rating": 4}]
    assert csat(client, ct.tenant) == {"csat_average": 4.0, "csat_count": 1}
    assert csat(client, ct.tenant, channel="sms") == {"csat_average": None, "csat_count": 0}
    actions = [(e["action"], e["actor_kind"], e["details"]) for e in audit_events(runtime, ct.tenant)
               if e["action"].startswith("rating.")]
    assert [(a, k) for a, k, _ in actions] == [("rating.asked", "system"), ("rating.given", "contact")]
    assert actions[1][2]["rating"] == 4


def test_a_website_visitor_who_types_the_digit_has_rated_and_the_conversation_stays_resolved(
    client: TestClient, runtime: Runtime, ct: ChannelTenant
) -> None:
    turn_on(client, ct.tenant)
    conversation_id, visitor = widget_chat(client, ct)
    resolve(client, runtime, ct.tenant, conversation_id)
    typed = client.post("/widget/v1/messages", json={"body": " 5 "}, headers=visitor)
    assert typed.status_code == 201, typed.text
    drain(runtime)
    transcript = [m["body"] for m in client.get("/widget/v1/messages", headers=visitor).json()]
    assert transcript[-2:] == [" 5 ", "Thank you for your rating!"]  # and no answer from the assistant
    assert ratings(runtime, ct.tenant) == [{"conversation_id": uuid.UUID(conversation_id), "channel": "web",
                                            "rating": 5}]
    status = client.get(f"{API}/conversations/{conversation_id}", headers=ct.tenant.headers).json()["status"]
    assert status == "resolved"
    # Once answered, a digit is a message like any other: it reopens the conversation for the assistant.
    client.post("/widget/v1/messages", json={"body": "3"}, headers=visitor)
    assert client.get(f"{API}/conversations/{conversation_id}", headers=ct.tenant.headers).json()["status"] == "open"
    assert [r["rating"] for r in ratings(runtime, ct.tenant)] == [5]


def test_the_question_is_not_the_assistants_first_answer(
    client: TestClient, runtime: Runtime, ct: ChannelTenant
) -> None:
    turn_on(client, ct.tenant)
    contact = client.post(f"{API}/contacts", json={"email": "pat@example.com"}, headers=ct.tenant.headers).json()
    made = client.post(f"{API}/conversations", json={"contact_id": contact["id"], "channel": "web",
                                                      "message": "Lost my umbrella there"}, headers=ct.tenant.headers)
    client.post(f"{API}/conversations/{made.json()['id']}/messages", json={"body": "We have it!"},
                headers=ct.tenant.headers)
    resolve(client, runtime, ct.tenant, made.json()["id"])
    assert len(ratings(runtime, ct.tenant)) == 1
    today = datetime.now(UTC).date().isoformat()
    totals = client.get(f"{API}/analytics", params={"from": today, "to": today},
                        headers=ct.tenant.headers).json()["totals"]
    assert totals["assistant_first_response"]["count"] == 0
    assert totals["staff_first_response"]["count"] == 1
    assert totals["resolved_without_person"] == 0


def test_the_setting_change_is_audited_with_its_value(client: TestClient, runtime: Runtime, ct: ChannelTenant) -> None:
    turn_on(client, ct.tenant)
    [event] = [e for e in audit_events(runtime, ct.tenant)
               if e["action"] == "setting.updated" and "csat_enabled" in e["details"]["fields"]]
    assert event["details"]["csat_enabled"] is True
    assert client.patch(f"{API}/settings", json={"csat_enabled": "yes"}, headers=ct.tenant.headers).status_code == 422


@pytest.mark.parametrize("rating", [0, 6, "5", 4.5, None])
def test_a_rating_outside_1_to_5_is_refused(
    client: TestClient, runtime: Runtime, ct: ChannelTenant, rating: object
) -> None:
    turn_on(client, ct.tenant)
    conversation_id, visitor = widget_chat(client, ct)
    resolve(client, runtime, ct.tenant, conversation_id)
    assert client.post(RATING, json={"rating": rating}, headers=visitor).status_code == 422


def test_only_the_visitor_holding_the_conversation_can_rate_it(
    client: TestClient, runtime: Runtime, ct: ChannelTenant
) -> None:
    turn_on(client, ct.tenant)
    conversation_id, visitor = widget_chat(client, ct)
    resolve(client, runtime, ct.tenant, conversation_id)
    other = configured_tenant(client, runtime, suffix="-b")
    turn_on(client, other.tenant)
    # Another business's key with this token, a forged token, no token: the widget's generic 401.
    for headers in ({"X-Widget-Key": other.widget_key, "X-Widget-Token": visitor["X-Widget-Token"]},
                    {"X-Widget-Key": ct.widget_key, "X-Widget-Token": "A" * 43},
                    {"X-Widget-Key": ct.widget_key}):
        assert client.post(RATING, json={"rating": 1}, headers=headers).status_code == 401
    # Another visitor of the same business, with an open question of their own, rates only their own.
    _, stranger = widget_chat(client, ct)
    assert client.post(RATING, json={"rating": 1}, headers=stranger).status_code == 409
    assert ratings(runtime, ct.tenant)[0]["rating"] is None
    assert csat(client, other.tenant)["csat_count"] == 0


def sms(client: TestClient, ct: ChannelTenant, body: str) -> None:
    sid = "SM" + uuid.uuid4().hex
    content, headers = twilio_request(ct.twilio_path(), sms_params(sid, body=body))
    assert client.post(ct.twilio_path(), content=content, headers=headers).status_code == 200


def conversations_of(runtime: Runtime, tenant: TenantHandle) -> list[dict[str, Any]]:
    with tenant_transaction(runtime.database, tenant.id) as session:
        rows = session.execute(text("select id, status, (select count(*) from messages m where m.conversation_id = "
                                    "c.id) as messages from conversations c order by created_at")).mappings().all()
    return [dict(row) for row in rows]


def test_an_sms_customer_replies_with_a_digit(client: TestClient, runtime: Runtime, ct: ChannelTenant) -> None:
    turn_on(client, ct.tenant)
    sms(client, ct, "Can I move my appointment?")
    [conversation] = conversations_of(runtime, ct.tenant)
    resolve(client, runtime, ct.tenant, str(conversation["id"]))
    with tenant_transaction(runtime.database, ct.tenant.id) as session:
        question = session.execute(text("select body, delivery_status from messages where author_kind = 'assistant' "
                                        "order by created_at desc limit 1")).one()
    assert question.body == "How did we do? Reply with a number from 1 (poor) to 5 (excellent)."
    assert question.delivery_status == "queued"

    sms(client, ct, " 5 ")
    [after] = conversations_of(runtime, ct.tenant)
    assert after["status"] == "resolved"
    assert ratings(runtime, ct.tenant)[0]["rating"] == 5
    with tenant_transaction(runtime.database, ct.tenant.id) as session:
        thanks = session.execute(text("select body from messages order by created_at desc limit 1")).scalar_one()
    assert thanks == "Thank you for your rating!"
    # The question is answered: another digit is an ordinary message, which starts a new conversation.
    sms(client, ct, "3")
    assert ratings(runtime, ct.tenant)[0]["rating"] == 5
    assert [c["status"] for c in conversations_of(runtime, ct.tenant)] == ["resolved", "open"]
    assert csat(client, ct.tenant, channel="sms") == {"csat_average": 5.0, "csat_count": 1}


def test_a_digit_after_the_day_is_over_is_a_message(client: TestClient, runtime: Runtime, ct: ChannelTenant) -> None:
    turn_on(client, ct.tenant)
    sms(client, ct, "Thanks for the haircut")
    [conversation] = conversations_of(runtime, ct.tenant)
    resolve(client, runtime, ct.tenant, str(conversation["id"]))
    with tenant_transaction(runtime.database, ct.tenant.id) as session:
        session.execute(text("update satisfaction_ratings set asked_at = asked_at - interval '2 days', "
                             "expires_at = expires_at - interval '2 days'"))
    sms(client, ct, "2")
    assert ratings(runtime, ct.tenant)[0]["rating"] is None
    assert [(c["status"], c["messages"]) for c in conversations_of(runtime, ct.tenant)] == [
        ("resolved", 3), ("open", 1)]  # the customer's text, the assistant's answer, the question
