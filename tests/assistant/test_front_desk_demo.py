"""Issue 15's demo, end to end on `make run`'s demo salon, as a new user tried it: what failed then, and
what a business wants instead. One conversation per complaint; other tests share the demo business, so
every assertion is about this test's own conversation."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from fastapi.testclient import TestClient

from engium.access.permissions import Role
from engium.demo.seed import seed_demo
from engium.runtime import Runtime
from tests.assistant.helpers import assistant, rows
from tests.conftest import TenantHandle, bearer, make_api_key
from tests.job_queue import drain

ASKS_FOR = ["name", "phone_or_email"]


class DemoVisitor:
    """A web visitor on the demo salon's widget, answered by the real job runtime at the tests' fixed clock."""

    def __init__(self, client: TestClient, runtime: Runtime, first: str) -> None:
        demo = seed_demo(runtime)
        with open(demo.credentials_file) as handle:
            self.key = json.load(handle)["widget_key"]
        self.client, self.worker = client, assistant(runtime)
        self.tenant = TenantHandle(UUID(demo.tenant_id), "Bella Hair Studio", demo.owner_email, UUID(int=0), "")
        started = client.post("/widget/v1/conversations", json={"message": first}, headers={"X-Widget-Key": self.key})
        assert started.status_code == 201, started.text
        self.conversation_id = str(started.json()["conversation_id"])
        self.headers = {"X-Widget-Key": self.key, "X-Widget-Token": started.json()["token"]}
        drain(self.worker)

    def messages(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.client.get("/widget/v1/messages", headers=self.headers).json()
        return found

    def last(self) -> str:
        return str(self.messages()[-1]["body"])

    def say(self, text: str) -> str:
        assert self.client.post("/widget/v1/messages", json={"body": text}, headers=self.headers).status_code == 201
        drain(self.worker)
        return self.last()

    def status(self, runtime: Runtime) -> str:
        ((status,),) = rows(runtime, self.tenant, "select status from conversations where id = :id",
                            id=self.conversation_id)
        return str(status)


def test_one_miss_no_longer_silences_the_bot_and_staff_are_told(client: TestClient, runtime: Runtime) -> None:
    visitor = DemoVisitor(client, runtime, "Do you do eyebrow threading?")
    assert "asked a member of the team to reply here within about 2 hours" in visitor.last()
    assert visitor.status(runtime) == "escalated"
    assert visitor.say("Are you open on Saturday?") == "On Saturday 4 May we're open 09:00-17:00."
    told = rows(runtime, visitor.tenant, "select kind from staff_notifications where conversation_id = :id",
                id=visitor.conversation_id)
    assert ("conversation_escalated",) in told


def test_the_kids_discount_is_answered_from_the_policy(client: TestClient, runtime: Runtime) -> None:
    visitor = DemoVisitor(client, runtime, "Do you do kids haircuts cheaper?")
    assert visitor.last() == 'From "Salon policies": Children under 12 get 20% off a haircut.'
    assert visitor.status(runtime) == "open"


def test_christmas_day_gets_the_holiday_not_the_weekly_hours(client: TestClient, runtime: Runtime) -> None:
    visitor = DemoVisitor(client, runtime, "Are you open on Christmas Day?")
    assert visitor.last() == "We're closed on Wednesday 25 December (Christmas Day)."


def test_a_spanish_question_is_answered_in_spanish_not_escalated(client: TestClient, runtime: Runtime) -> None:
    visitor = DemoVisitor(client, runtime, "¿Hacen descuento para niños?")
    assert "20%" in visitor.last()
    assert visitor.status(runtime) == "open"
    assert visitor.say("¿A qué hora abren el sábado?").startswith("El sábado")


def test_a_failed_sms_reply_shows_as_failed_with_its_reason(client: TestClient, runtime: Runtime) -> None:
    visitor = DemoVisitor(client, runtime, "Hello")
    owner = bearer(make_api_key(runtime, visitor.tenant, Role.OWNER))
    ((conversation_id,),) = rows(runtime, visitor.tenant, "select id from conversations where channel = 'sms' "
                                 "order by created_at limit 1")
    reply = client.post(f"/api/v1/conversations/{conversation_id}/messages", headers=owner,
                        json={"body": "We can see you at 10:00.", "author_kind": "agent"})
    assert reply.status_code == 201, reply.text
    drain(visitor.worker)  # the demo has no Twilio credential: the send fails
    shown = client.get(f"/api/v1/conversations/{conversation_id}/messages", headers=owner).json()["items"]
    (ours,) = [m for m in shown if m["id"] == reply.json()["id"]]
    assert ours["delivery_status"] == "failed"
    assert ours["delivery_error"].startswith("no Twilio (SMS) credential is set up")
    told = rows(runtime, visitor.tenant, "select kind from staff_notifications where conversation_id = :id",
                id=conversation_id)
    assert ("message_delivery_failed",) in told


def test_a_web_booking_asks_who_it_is_for_before_anything_is_booked(client: TestClient, runtime: Runtime) -> None:
    visitor = DemoVisitor(client, runtime, "Can I book a women's haircut on Friday at 10?")
    assert visitor.messages()[-1]["asks_for"] == ASKS_FOR
    visitor.say("yes")
    contact = rows(runtime, visitor.tenant, "select contact_id from conversations where id = :id",
                   id=visitor.conversation_id)[0][0]
    assert rows(runtime, visitor.tenant, "select id from bookings where contact_id = :c", c=contact) == []
