"""A salon configured through the API, a widget visitor and an SMS customer who talk to it, and the job
runtime's worker run after each message (its clock is fixed, so "Saturday" is always the same day)."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from engium.channels.settings import ChannelSettings
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.channels.inbound_helpers import (
    ChannelTenant,
    configured_tenant,
    meta_headers,
    sms_params,
    twilio_request,
    whatsapp_body,
    widget_user_headers,
)
from tests.conftest import TenantHandle
from tests.job_queue import drain, runtime_with

# Wednesday 1 May 2030, 09:00 in London (BST): "Saturday" is 4 May.
NOW = datetime(2030, 5, 1, 8, 0, tzinfo=UTC)
SATURDAY = date(2030, 5, 4)
TIMEZONE = "Europe/London"
OPENING_HOURS = {"mon": "09:00-18:00", "tue": "09:00-18:00", "wed": "09:00-18:00", "thu": "09:00-20:00",
                 "fri": "09:00-18:00", "sat": "09:00-17:00", "sun": "closed"}
FAQS = [
    {"question": "Is there parking?", "answer": "Yes, there is free parking behind the salon."},
    {"question": "What is your cancellation policy?", "answer": "Cancel free of charge up to 24 hours before."},
]
_sids = itertools.count(1)


@dataclass
class Salon:
    channels: ChannelTenant
    services: dict[str, str] = field(default_factory=dict)  # name -> id
    staff: dict[str, str] = field(default_factory=dict)

    @property
    def tenant(self) -> TenantHandle:
        return self.channels.tenant


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def open_salon(client: TestClient, runtime: Runtime, *, suffix: str = "") -> Salon:
    """Two haircuts, a colour; Alex works Monday to Saturday 09:00-17:00."""
    salon = Salon(configured_tenant(client, runtime, suffix=suffix))
    headers = salon.tenant.headers
    _ok(client.patch("/api/v1/settings", headers=headers, json={
        "timezone": TIMEZONE, "opening_hours": OPENING_HOURS, "address": "12 Market Street, London",
        "phone": "+44 20 7946 0000", "faqs": FAQS,
    }))
    for name, minutes, price in (("Women's haircut", 60, 5500), ("Men's haircut", 30, 3000), ("Colour", 120, 9500)):
        created = _ok(client.post("/api/v1/services", headers=headers, json={
            "name": name, "duration_minutes": minutes, "price_cents": price, "currency": "GBP"}), 201)
        salon.services[name] = created["id"]
    alex = _ok(client.post("/api/v1/staff", headers=headers, json={
        "name": "Alex Morgan", "service_ids": list(salon.services.values())}), 201)
    salon.staff["Alex Morgan"] = alex["id"]
    rules = [{"weekday": day, "start_time": "09:00", "end_time": "17:00"} for day in range(6)]
    _ok(client.put(f"/api/v1/staff/{alex['id']}/availability", headers=headers, json={"rules": rules}))
    return salon


# Replies on SMS and WhatsApp are sent by the same worker: here to a closed loopback port, so a send is
# refused at once and waits for its retry (tests/channels/test_sender.py covers sending itself).
NOWHERE = ChannelSettings(twilio_api_base="http://127.0.0.1:9", whatsapp_api_base="http://127.0.0.1:9")


def assistant(runtime: Runtime, now: datetime = NOW) -> Runtime:
    """The runtime the job runtime's worker answers with in these tests: grounded mode, a fixed clock."""
    return runtime_with(runtime, clock=lambda: now, channels=NOWHERE)


@dataclass
class WidgetVisitor:
    client: TestClient
    runtime: Runtime
    salon: Salon
    token: str
    conversation_id: str
    worker: Runtime

    @property
    def _headers(self) -> dict[str, str]:
        return {"X-Widget-Key": self.salon.channels.widget_key, "X-Widget-Token": self.token}

    def say(self, body: str) -> list[str]:
        """Sends a message, lets the assistant work, and returns what it replied (maybe nothing)."""
        before = len(self.messages())
        _ok(self.client.post("/widget/v1/messages", json={"body": body}, headers=self._headers), 201)
        drain(self.worker)
        return [m["body"] for m in self.messages()[before + 1:] if m["author_kind"] == "assistant"]

    def messages(self) -> list[dict[str, Any]]:
        response = self.client.get("/widget/v1/messages", headers=self._headers)
        assert response.status_code == 200, response.text
        found: list[dict[str, Any]] = response.json()
        return found

    def give_details(self, name: str = "Sam Taylor", phone: str | None = "+44 7700 900123",
                     email: str | None = None, *, prove: bool = True) -> dict[str, Any]:
        """What the widget's details form sends: a web booking needs a name and a phone or e-mail. With
        ``prove``, the visitor then enters the code texted to the number (ADR 0043), as the form asks."""
        body = {"name": name, "phone": phone, "email": email}
        stated = _ok(self.client.put("/widget/v1/contact", json=body, headers=self._headers))
        if prove and stated.get("code_sent_to") == "sms":
            proved = self.client.post("/widget/v1/contact/verify", json={"code": self.texted_code(stated["phone"])},
                                      headers=self._headers)
            _ok(proved)
        return stated

    def texted_code(self, phone: str) -> str:
        """The one-time code in the newest text queued for ``phone``."""
        found = rows(self.runtime, self.salon.tenant,
                     "select m.body from messages m join conversations c on c.id = m.conversation_id join contacts k "
                     "on k.id = c.contact_id where c.channel = 'sms' and m.direction = 'outbound' and k.phone = :p "
                     "order by m.created_at desc limit 1", p=phone)
        (code,) = re.findall(r"\b\d{6}\b", str(found[0][0]))
        return str(code)


def visit(client: TestClient, runtime: Runtime, salon: Salon, *, signed_in_as: str | None = None,
          worker: Runtime | None = None) -> WidgetVisitor:
    headers = {"X-Widget-Key": salon.channels.widget_key}
    if signed_in_as is not None:
        headers |= widget_user_headers(signed_in_as)
    started = _ok(client.post("/widget/v1/conversations", json={}, headers=headers), 201)
    return WidgetVisitor(client, runtime, salon, started["token"], started["conversation_id"],
                         worker or assistant(runtime))


@dataclass
class SmsCustomer:
    """A customer texting from ``phone``: by SMS, or by WhatsApp with ``whatsapp``."""

    client: TestClient
    runtime: Runtime
    salon: Salon
    phone: str
    worker: Runtime
    whatsapp: bool = False

    def say(self, body: str) -> list[str]:
        """A signed Twilio (or Meta) webhook with the message; returns the assistant's replies."""
        before = len(self.transcript())
        if self.whatsapp:
            path = f"/webhooks/whatsapp/{self.salon.channels.public_id}"
            payload = whatsapp_body(f"wamid.{next(_sids):032d}", body, self.phone.removeprefix("+"))
            headers = meta_headers(payload)
        else:
            path = self.salon.channels.twilio_path()
            payload, headers = twilio_request(path, sms_params(f"SM{next(_sids):032d}", body, self.phone))
        response = self.client.post(path, content=payload, headers=headers)
        assert response.status_code == 200, response.text
        drain(self.worker)
        return [body for author, body in self.transcript()[before + 1:] if author == "assistant"]

    def transcript(self) -> list[tuple[str, str]]:
        with tenant_transaction(self.runtime.database, self.salon.tenant.id) as session:
            rows = session.execute(text(
                "select m.author_kind, m.body from messages m join conversations c on c.id = m.conversation_id "
                "join contacts k on k.id = c.contact_id where k.phone = :phone order by m.created_at, m.id"
            ), {"phone": self.phone}).all()
        return [(str(a), str(b)) for a, b in rows]


def texting(client: TestClient, runtime: Runtime, salon: Salon, phone: str = "+14155550123", *,
            whatsapp: bool = False) -> SmsCustomer:
    return SmsCustomer(client, runtime, salon, phone, assistant(runtime), whatsapp)


def rows(runtime: Runtime, tenant: TenantHandle, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with tenant_transaction(runtime.database, tenant.id) as session:
        return [tuple(row) for row in session.execute(text(sql), params).all()]
