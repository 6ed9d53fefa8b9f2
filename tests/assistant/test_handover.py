"""Escalation without abandonment (issue 15, ADR 0037), through the real app and job runtime.

One unanswered question used to silence the assistant until someone called hand-back, and nobody was
told. Now the customer learns when a person will reply (counted in opening hours), the assistant keeps
answering what it can by default, the tenant picks another policy if it wants, and a customer nobody
answered gets one follow-up while staff get a ``conversation.awaiting_staff`` event.

The worker's clock is fixed at Wednesday 1 May 2030, 09:00 in London (tests/assistant/helpers.py); the
salon is open 09:00-18:00 on weekdays, 09:00-17:00 on Saturday, closed on Sunday.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from engium import jobs
from engium.access.principal import Principal
from engium.assistant.follow_up import follow_up
from engium.assistant.handover import FOLLOW_UP_JOB
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from engium.webhooks import service as webhooks
from engium.webhooks.schemas import EndpointCreate
from engium.webhooks.settings import WebhookSettings
from tests.assistant.helpers import NOW, Salon, assistant, open_salon, rows, texting, visit
from tests.conftest import revealed_audit_events
from tests.job_queue import drain, job_rows, make_due

UNKNOWN = "Do you do eyebrow threading?"
HANDED_OVER = ("I'm not sure about that and would rather not guess, so I've asked a member of the team to reply here "
               "within about 2 hours. In the meantime I can still help with opening hours, prices and bookings.")
STILL_WITH_TEAM = ("I'm not sure about that, and I'd rather not guess. A member of the team has your message and "
                   "will reply here within about 2 hours.")
FOLLOW_UP = ("Sorry for the wait. Your message is still with our team, and a member of the team will reply here as "
             "soon as they can.")


def set_rules(client: TestClient, salon: Salon, **rules: Any) -> None:
    response = client.patch("/api/v1/settings", headers=salon.tenant.headers, json={"escalation_rules": rules})
    assert response.status_code == 200, response.text


def staff_reply(client: TestClient, salon: Salon, conversation_id: str, body: str = "Hi, Jo here.") -> None:
    response = client.post(f"/api/v1/conversations/{conversation_id}/messages", headers=salon.tenant.headers,
                           json={"body": body})
    assert response.status_code == 201, response.text


def events(runtime: Runtime, salon: Salon, action: str) -> list[dict[str, Any]]:
    return [e["details"] for e in revealed_audit_events(runtime, salon.tenant) if e["action"] == action]


def add_endpoint(runtime: Runtime, salon: Salon, event_types: list[str]) -> None:
    """An endpoint on a private address the guard refuses: deliveries are queued and never leave."""
    guard = webhooks.Guard(WebhookSettings(allowed_cidrs="10.0.0.0/8"))
    with tenant_transaction(runtime.database, salon.tenant.id) as session:
        webhooks.create_endpoint(session, runtime.vault, Principal.system(salon.tenant.id, "pytest"),
                                 EndpointCreate(url="https://10.9.8.7/hooks", event_types=event_types), guard)


def deliveries(runtime: Runtime, salon: Salon, event_type: str) -> list[dict[str, Any]]:
    found = rows(runtime, salon.tenant, "select payload from webhook_deliveries where event_type = :t", t=event_type)
    return [payload for (payload,) in found]


def follow_up_jobs(runtime: Runtime, conversation_id: str) -> list[dict[str, Any]]:
    return job_rows(runtime, FOLLOW_UP_JOB, conversation_id=conversation_id)


# --- what the customer hears, policy by policy -------------------------------------------------------------


def test_by_default_a_miss_hands_over_and_the_assistant_keeps_answering_until_a_person_replies(
    client: TestClient, runtime: Runtime
) -> None:
    salon = open_salon(client, runtime)
    add_endpoint(runtime, salon, ["conversation.escalated"])
    visitor = visit(client, runtime, salon)
    assert visitor.say(UNKNOWN) == [HANDED_OVER]
    assert rows(runtime, salon.tenant, "select status from conversations") == [("escalated",)]

    # Still answered: what it can ground, and a further miss without a second hand-over.
    assert visitor.say("Are you open on Saturday?") == ["On Saturday 4 May we're open 09:00-17:00."]
    assert visitor.say("What about nail art?") == [STILL_WITH_TEAM]
    assert visitor.say("Can I talk to a person?") == [
        "A member of the team already has your message and will reply here within about 2 hours."]
    assert [e["reason"] for e in events(runtime, salon, "assistant.escalated")] == ["low_confidence"]
    assert len(events(runtime, salon, "conversation.escalated")) == 1
    assert len(deliveries(runtime, salon, "conversation.escalated")) == 1

    # A person replies: they lead now, and the assistant stays quiet until they hand back.
    staff_reply(client, salon, visitor.conversation_id)
    assert visitor.say("What are your prices?") == []
    assert events(runtime, salon, "assistant.skipped")[-1]["reason"] == "escalated"
    handed = client.post(f"/api/v1/conversations/{visitor.conversation_id}/handback", headers=salon.tenant.headers)
    assert handed.status_code == 200, handed.text
    assert visitor.say("Are you open on Sunday?") == ["We're closed on Sunday 5 May."]


def test_keep_answering_after_staff_goes_on_after_a_person_has_replied(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    set_rules(client, salon, policy="keep_answering_after_staff")
    visitor = visit(client, runtime, salon)
    assert visitor.say(UNKNOWN) == [HANDED_OVER]
    staff_reply(client, salon, visitor.conversation_id)
    assert visitor.say("Are you open on Saturday?") == ["On Saturday 4 May we're open 09:00-17:00."]


def test_the_silent_policy_answers_nothing_after_the_hand_over_message(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    set_rules(client, salon, policy="silent_until_handback", response_minutes=30)
    customer = texting(client, runtime, salon)
    assert customer.say(UNKNOWN) == [
        "I'm not sure about that and would rather not guess, so I've asked a member of the team to reply here within "
        "about 30 minutes."]
    assert customer.say("Are you open on Saturday?") == []


def test_a_conversation_staff_escalated_by_hand_stays_with_staff(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    visitor = visit(client, runtime, salon)
    assert visitor.say("Hello")
    escalated = client.post(f"/api/v1/conversations/{visitor.conversation_id}/escalate",
                            headers=salon.tenant.headers, json={"reason": "VIP customer"})
    assert escalated.status_code == 200, escalated.text
    assert visitor.say("Are you open on Saturday?") == []  # no hand-over by the assistant: nothing to keep answering


def test_after_a_resolution_an_escalation_by_staff_is_not_mistaken_for_the_assistants(
    client: TestClient, runtime: Runtime
) -> None:
    salon = open_salon(client, runtime)
    visitor = visit(client, runtime, salon)
    visitor.say(UNKNOWN)
    [job] = follow_up_jobs(runtime, visitor.conversation_id)
    url = f"/api/v1/conversations/{visitor.conversation_id}"
    assert client.post(f"{url}/resolve", headers=salon.tenant.headers).status_code == 200
    assert visitor.say("Are you open on Saturday?") == ["On Saturday 4 May we're open 09:00-17:00."]  # reopened
    escalated = client.post(f"{url}/escalate", headers=salon.tenant.headers, json={"reason": "Regular, call her"})
    assert escalated.status_code == 200, escalated.text
    assert visitor.say("And on Sunday?") == []
    make_due(runtime, job["id"])
    drain(visitor.worker)
    assert FOLLOW_UP not in [m["body"] for m in visitor.messages()]


def test_out_of_hours_the_customer_is_told_when_the_business_opens(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    saturday_evening = datetime(2030, 5, 4, 19, 0, tzinfo=UTC)  # 20:00 in London, closed until Monday
    visitor = visit(client, runtime, salon, worker=assistant(runtime, saturday_evening))
    before = datetime.now(UTC)
    assert visitor.say("I want to talk to a person") == [
        "Of course. I've asked a member of the team to take over; they'll reply here when we open on Monday at "
        "09:00. In the meantime I can still help with opening hours, prices and bookings."]
    # The follow-up waits for two hours of opening hours too: Monday 11:00, 39 hours after Saturday 20:00.
    [job] = follow_up_jobs(runtime, visitor.conversation_id)
    after = datetime.now(UTC)
    assert before + timedelta(hours=39, minutes=-1) <= job["scheduled_at"] <= after + timedelta(hours=39, minutes=1)
    late_wednesday = assistant(runtime, datetime(2030, 5, 1, 16, 45, tzinfo=UTC))  # 17:45, closing at 18:00
    set_rules(client, salon, response_minutes=30)
    other = visit(client, runtime, salon, worker=late_wednesday)
    assert other.say("Can I speak to a human?")[0].startswith(
        "Of course. I've asked a member of the team to take over; they'll reply here by 09:15 tomorrow.")


def test_a_closure_moves_the_promise_and_the_follow_up_past_the_closed_days(
        client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    closed = client.post("/api/v1/closures", headers=salon.tenant.headers,
                         json={"label": "Staff training", "start_date": "2030-05-02", "end_date": "2030-05-03"})
    assert closed.status_code == 201, closed.text
    wednesday_evening = datetime(2030, 5, 1, 16, 30, tzinfo=UTC)  # 17:30 in London, closing at 18:00
    visitor = visit(client, runtime, salon, worker=assistant(runtime, wednesday_evening))
    before = datetime.now(UTC)
    # 30 minutes on Wednesday, Thursday and Friday closed, the other 90 minutes on Saturday.
    assert visitor.say("I want to talk to a person")[0].startswith(
        "Of course. I've asked a member of the team to take over; they'll reply here by Saturday at 10:30.")
    [job] = follow_up_jobs(runtime, visitor.conversation_id)
    after = datetime.now(UTC)
    saturday_half_past_ten = datetime(2030, 5, 4, 9, 30, tzinfo=UTC)
    delay = saturday_half_past_ten - wednesday_evening
    assert before + delay - timedelta(minutes=1) <= job["scheduled_at"] <= after + delay + timedelta(minutes=1)


# --- the follow-up ---------------------------------------------------------------------------------------------


def test_nobody_replying_sends_one_follow_up_and_tells_staff_through_a_webhook(
    client: TestClient, runtime: Runtime
) -> None:
    salon = open_salon(client, runtime)
    add_endpoint(runtime, salon, ["conversation.awaiting_staff"])
    customer = texting(client, runtime, salon)
    before = datetime.now(UTC)
    customer.say(UNKNOWN)
    conversation_id = str(rows(runtime, salon.tenant, "select id from conversations")[0][0])
    [job] = follow_up_jobs(runtime, conversation_id)
    # Two hours of opening hours from Wednesday 09:00 are two hours of clock time.
    assert before + timedelta(minutes=119) <= job["scheduled_at"] <= datetime.now(UTC) + timedelta(minutes=121)
    drain(customer.worker)
    assert follow_up_jobs(runtime, conversation_id)[0]["status"] == "todo"  # not due yet

    make_due(runtime, job["id"])
    drain(customer.worker)
    assert [body for author, body in customer.transcript() if author == "assistant"][-1] == FOLLOW_UP
    [followed] = events(runtime, salon, "assistant.followed_up")
    assert followed["reason"] == "low_confidence"
    [delivery] = deliveries(runtime, salon, "conversation.awaiting_staff")
    assert delivery["data"]["conversation_id"] == conversation_id
    assert delivery["data"]["status"] == "escalated"
    assert "body" not in delivery["data"]  # ids and states only leave the system
    # On SMS the follow-up leaves like any reply: its send job was queued with it.
    assert rows(runtime, salon.tenant, "select count(*) from messages where delivery_status is not null "
                                       "and author_kind = 'assistant'")[0][0] == 2


def test_a_retried_or_duplicated_follow_up_job_sends_nothing_twice(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    visitor = visit(client, runtime, salon)
    visitor.say(UNKNOWN)
    [job] = follow_up_jobs(runtime, visitor.conversation_id)
    make_due(runtime, job["id"])
    drain(visitor.worker)
    handover_id = uuid.UUID(job["args"]["handover_id"])
    conversation = uuid.UUID(visitor.conversation_id)
    # The job run again (its "done" mark lost), and a second job for the same hand-over.
    assert follow_up(runtime.database, salon.tenant.id, conversation, handover_id, NOW) == "already_sent"
    with tenant_transaction(runtime.database, salon.tenant.id) as session:
        jobs.defer(session, FOLLOW_UP_JOB, tenant_id=str(salon.tenant.id), conversation_id=visitor.conversation_id,
                   handover_id=str(handover_id))
    drain(visitor.worker)
    assert [m["body"] for m in visitor.messages()].count(FOLLOW_UP) == 1
    assert len(events(runtime, salon, "assistant.followed_up")) == 1


def test_a_reply_from_staff_cancels_the_follow_up(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    add_endpoint(runtime, salon, ["conversation.awaiting_staff"])
    visitor = visit(client, runtime, salon)
    visitor.say(UNKNOWN)
    staff_reply(client, salon, visitor.conversation_id)
    [job] = follow_up_jobs(runtime, visitor.conversation_id)
    make_due(runtime, job["id"])
    drain(visitor.worker)
    assert FOLLOW_UP not in [m["body"] for m in visitor.messages()]
    assert follow_up_jobs(runtime, visitor.conversation_id)[0]["status"] == "succeeded"
    assert deliveries(runtime, salon, "conversation.awaiting_staff") == []
    assert events(runtime, salon, "assistant.followed_up") == []


def test_a_job_left_from_an_earlier_hand_over_does_nothing(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    visitor = visit(client, runtime, salon)
    visitor.say(UNKNOWN)
    handback = client.post(f"/api/v1/conversations/{visitor.conversation_id}/handback", headers=salon.tenant.headers)
    assert handback.status_code == 200
    visitor.say("I want to talk to a person")
    first, second = follow_up_jobs(runtime, visitor.conversation_id)
    make_due(runtime, first["id"])
    drain(visitor.worker)
    assert FOLLOW_UP not in [m["body"] for m in visitor.messages()]
    make_due(runtime, second["id"])
    drain(visitor.worker)
    assert [m["body"] for m in visitor.messages()].count(FOLLOW_UP) == 1
    assert [e["reason"] for e in events(runtime, salon, "assistant.followed_up")] == ["customer_request"]


def test_a_follow_up_time_of_zero_schedules_nothing(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    set_rules(client, salon, follow_up_minutes=0)
    visitor = visit(client, runtime, salon)
    visitor.say(UNKNOWN)
    assert follow_up_jobs(runtime, visitor.conversation_id) == []


# --- attackers -----------------------------------------------------------------------------------------------


def test_a_follow_up_job_naming_another_tenants_conversation_sends_nothing(
    client: TestClient, runtime: Runtime
) -> None:
    victim = open_salon(client, runtime, suffix="v")
    attacker = open_salon(client, runtime, suffix="a")
    visitor = visit(client, runtime, victim)
    visitor.say(UNKNOWN)
    [job] = follow_up_jobs(runtime, visitor.conversation_id)
    handover_id = uuid.UUID(job["args"]["handover_id"])
    conversation = uuid.UUID(visitor.conversation_id)
    # Bound to the attacker's tenant, the victim's conversation does not exist.
    assert follow_up(runtime.database, attacker.tenant.id, conversation, handover_id, NOW) == "not_found"
    with tenant_transaction(runtime.database, attacker.tenant.id) as session:
        jobs.defer(session, FOLLOW_UP_JOB, tenant_id=str(attacker.tenant.id), conversation_id=visitor.conversation_id,
                   handover_id=str(handover_id))
    drain(visitor.worker)
    assert FOLLOW_UP not in [m["body"] for m in visitor.messages()]
    assert rows(runtime, attacker.tenant, "select count(*) from messages")[0][0] == 0
    # A made-up hand-over id for the victim's own conversation does nothing either.
    assert follow_up(runtime.database, victim.tenant.id, conversation, uuid.uuid4(), NOW) == "superseded"


def test_bad_escalation_rules_are_refused_with_a_clear_message(client: TestClient, runtime: Runtime) -> None:
    salon = open_salon(client, runtime)
    bad: list[tuple[dict[str, Any], str]] = [
        ({"policy": "shout_at_customer"}, "policy"),
        ({"response_minutes": 0}, "response_minutes"),
        ({"response_minutes": 10081}, "response_minutes"),
        ({"response_minutes": "120"}, "response_minutes"),
        ({"response_minutes": True}, "response_minutes"),
        ({"follow_up_minutes": -1}, "follow_up_minutes"),
        ({"follow_up_minutes": 1e300}, "follow_up_minutes"),
        ({"after_failed_answers": 0}, "after_failed_answers"),
        ({"keywords": "refund"}, "keywords"),
        ({"keywords": [""]}, "keywords"),
        ({"keywords": ["x"] * 51}, "keywords"),
        ({"notify": "everyone"}, "notify"),
    ]
    for rules, field in bad:
        response = client.patch("/api/v1/settings", headers=salon.tenant.headers, json={"escalation_rules": rules})
        assert response.status_code == 422, (rules, response.text)
        assert field in response.text, (rules, response.text)
    stored = client.get("/api/v1/settings", headers=salon.tenant.headers).json()["escalation_rules"]
    assert stored == {}
    set_rules(client, salon, policy="silent_until_handback", response_minutes=45, follow_up_minutes=0)
    stored = client.get("/api/v1/settings", headers=salon.tenant.headers).json()["escalation_rules"]
    assert stored == {"policy": "silent_until_handback", "response_minutes": 45, "follow_up_minutes": 0}
    updated = events(runtime, salon, "setting.updated")
    assert updated[-1]["fields"] == ["escalation_rules"]
