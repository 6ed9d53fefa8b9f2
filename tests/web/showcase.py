"""A business worth looking at: the demo salon (``engium serve --demo``) with a busier inbox and a week
of bookings, made through the public APIs, for the screenshots."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from engium.access.permissions import Role
from engium.identity import api_keys
from engium.runtime import Runtime
from engium.tenancy.binding import bind_tenant
from tests.web.members import Credentials


@dataclass(frozen=True)
class Showcase:
    owner: Credentials
    tenant_id: UUID
    owner_key: str
    escalated_conversation: str
    featured_conversation: str
    first_booking_day: date

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.owner_key}"}


CUSTOMERS = (
    ("web", "Do you have anything free on Saturday morning for a cut and blow-dry?"),
    ("web", "What is your cancellation policy?"),
    ("whatsapp", "Hi, is there parking near the salon?"),
)


def _post(api: Any, path: str, headers: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    response = api.post(path, headers=headers, json=body)
    assert response.status_code in (200, 201, 202), f"{path}: {response.status_code} {response.text}"
    result: dict[str, Any] = response.json()
    return result


def build(api: Any, runtime: Runtime, data_dir: Path) -> Showcase:
    demo = json.loads((data_dir / "demo-credentials.json").read_text())
    tenant_id = UUID(demo["tenant_id"])
    with runtime.database.transaction() as session:
        bind_tenant(session, tenant_id)
        _, key = api_keys.create_api_key(session, None, tenant_id=tenant_id, name="showcase", role=Role.OWNER)
    headers = {"Authorization": f"Bearer {key}"}

    widget = {"X-Widget-Key": demo["widget_key"]}
    featured = _post(api, "/widget/v1/conversations", widget, {"message": CUSTOMERS[0][1]})["conversation_id"]
    _post(api, "/widget/v1/conversations", widget, {"message": CUSTOMERS[1][1]})
    whatsapp_contact = _post(api, "/api/v1/contacts", headers, {"name": "Priya Shah", "phone": "+447700900777"})
    _post(api, "/api/v1/conversations", headers, {
        "contact_id": whatsapp_contact["id"], "channel": "whatsapp", "message": CUSTOMERS[2][1]})
    sms_contact = _post(api, "/api/v1/contacts", headers, {"name": "Tom Becker", "phone": "+447700900888"})
    escalated = _post(api, "/api/v1/conversations", headers, {
        "contact_id": sms_contact["id"], "channel": "sms", "subject": "Colour correction",
        "message": "My colour from last week has gone brassy, I'd like to speak to the manager please."})
    _post(api, f"/api/v1/conversations/{escalated['id']}/escalate", headers,
          {"reason": "Unhappy with a colour result; asked for the manager."})

    services = api.get("/api/v1/services", headers=headers).json()
    contacts = [whatsapp_contact["id"], sms_contact["id"]]
    # Next week, Monday to Saturday: a full week whatever day the tests run.
    monday = date.today() + timedelta(days=7 - date.today().weekday())
    for offset in range(6):
        day = monday + timedelta(days=offset)
        for turn, service in enumerate(services[: 2 + offset % 2]):
            slots = api.get("/api/v1/availability", headers=headers,
                            params={"service_id": service["id"], "date": day.isoformat()}).json().get("slots", [])
            if slots:
                slot = slots[(turn * 5 + offset * 2) % len(slots)]
                api.post("/api/v1/bookings", headers=headers, json={
                    "service_id": service["id"], "staff_id": slot["staff_id"], "contact_id": contacts[turn % 2],
                    "starts_at": slot["starts_at"]})
    # The assistant answers the widget messages in the background; then a member of staff joins in.
    _wait_for_assistant(api, headers, featured)
    owner_id = next(m["user_id"] for m in api.get("/api/v1/members", headers=headers).json())
    _post(api, f"/api/v1/conversations/{featured}/assign", headers, {"user_id": owner_id})
    _post(api, f"/api/v1/conversations/{featured}/messages", headers, {
        "body": "Hi, this is Bella from the salon: Sam can do 10:00 on Saturday for a cut and blow-dry. "
                "Shall I book it for you?"})
    return Showcase(Credentials(demo["email"], demo["password"]), tenant_id, key, escalated["id"], featured,
                    monday)


def _wait_for_assistant(api: Any, headers: dict[str, str], conversation_id: str) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        messages = api.get(f"/api/v1/conversations/{conversation_id}/messages", headers=headers).json()["items"]
        if any(m["author_kind"] == "assistant" for m in messages):
            return
        time.sleep(0.2)
