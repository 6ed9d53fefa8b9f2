"""Finding 9: over SMS the sender number was the customer's identity, and a caller id can be spoofed.

The assistant treated an SMS or WhatsApp sender as verified by the number the provider reported, so
anyone who spoofed a customer's number could blindly text "cancel my appointment" and then "yes": the
spoofer never sees the replies, but needs none. Now a change that needs a verified customer is proposed
with a one-time code that only the real number receives, and only a reply carrying that code confirms
it. Runs against a real ``engium serve``: its own assistant answers, and the test reads the replies the
way staff would, through the API.
"""

from __future__ import annotations

import itertools
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2 as httpx

from engium.runtime import Runtime
from tests.channels.inbound_helpers import ChannelTenant, configured_tenant, sms_params, twilio_request
from tests.live_server import LiveServer

CUSTOMER = "+14155550123"
REPLY_SECONDS = 30.0
_sids = itertools.count(1)


def _created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in {200, 201}, response.text
    body: dict[str, Any] = response.json()
    return body


def salon_with_a_booking(client: httpx.Client, runtime: Runtime) -> tuple[ChannelTenant, str]:
    """A tenant reachable by SMS whose customer (``CUSTOMER``) has a haircut booked for tomorrow."""
    channels = configured_tenant(client, runtime)
    headers = channels.tenant.headers
    service = _created(client.post("/api/v1/services", headers=headers, json={
        "name": "Men's haircut", "duration_minutes": 30, "price_cents": 3000, "currency": "GBP"}))
    staff = _created(client.post("/api/v1/staff", headers=headers, json={
        "name": "Alex Morgan", "service_ids": [service["id"]]}))
    rules = [{"weekday": day, "start_time": "08:00", "end_time": "20:00"} for day in range(7)]
    _created(client.put(f"/api/v1/staff/{staff['id']}/availability", headers=headers, json={"rules": rules}))
    contact = _created(client.post("/api/v1/contacts", headers=headers, json={"name": "Jamie", "phone": CUSTOMER}))
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    booking = _created(client.post("/api/v1/bookings", headers=headers, json={
        "service_id": service["id"], "staff_id": staff["id"], "contact_id": contact["id"],
        "starts_at": tomorrow.isoformat()}))
    # A booking staff make is confirmed to the customer by text (ADR 0042): wait for it, so that it is not
    # taken for the assistant's answer to what the test texts next.
    deadline = time.monotonic() + REPLY_SECONDS
    while not any("your booking is confirmed" in reply for reply in assistant_replies(client, channels)):
        assert time.monotonic() < deadline, "the booking's confirmation was not sent"
        time.sleep(0.2)
    return channels, str(booking["id"])


def assistant_replies(client: httpx.Client, channels: ChannelTenant) -> list[str]:
    headers = channels.tenant.headers
    conversations = _created(client.get("/api/v1/conversations", params={"channel": "sms"}, headers=headers))
    if not conversations["items"]:
        return []
    conversation_id = conversations["items"][0]["id"]
    page = _created(client.get(f"/api/v1/conversations/{conversation_id}/messages", params={"limit": 200},
                               headers=headers))
    return [m["body"] for m in page["items"] if m["author_kind"] == "assistant"]


def text_from(client: httpx.Client, channels: ChannelTenant, body: str, sender: str = CUSTOMER) -> str:
    """A Twilio-signed SMS webhook claiming ``sender``; waits for the server's assistant and returns its reply.

    The signature proves the message came through Twilio, not that ``sender`` wrote it: caller ids are
    spoofable, which is the whole attack."""
    before = len(assistant_replies(client, channels))
    path = channels.twilio_path()
    payload, headers = twilio_request(path, sms_params(f"SM{next(_sids):032d}", body, sender))
    received = client.post(path, content=payload, headers=headers)
    assert received.status_code == 200, received.text
    deadline = time.monotonic() + REPLY_SECONDS
    while time.monotonic() < deadline:
        replies = assistant_replies(client, channels)
        if len(replies) > before:
            return replies[-1]
        time.sleep(0.2)
    raise AssertionError(f"no reply to {body!r} within {REPLY_SECONDS} s")


def booking_status(client: httpx.Client, channels: ChannelTenant, booking_id: str) -> str:
    return str(_created(client.get(f"/api/v1/bookings/{booking_id}", headers=channels.tenant.headers))["status"])


def code_in(reply: str) -> str:
    found = re.search(r"\bcode (\d{6})\b", reply)
    assert found is not None, reply
    return found.group(1)


def test_a_spoofed_sender_cannot_cancel_by_replying_yes_blindly(live: LiveServer, live_runtime: Runtime) -> None:
    with live.client() as client:
        channels, booking_id = salon_with_a_booking(client, live_runtime)

        # The spoofer texts from the customer's number and confirms without reading the proposal.
        proposal = text_from(client, channels, "cancel my appointment")
        refused = text_from(client, channels, "yes")
        assert booking_status(client, channels, booking_id) == "confirmed"
        assert "code" in refused
        assert "cancelled" not in refused

        # The proposal went to the real number, with a code that the spoofer never saw.
        assert proposal.startswith("Shall I cancel your Men's haircut")
        code = code_in(proposal)
        assert code not in refused

        # The real customer, who did receive it, confirms with the code.
        done = text_from(client, channels, code)
        assert done.startswith("Done: your Men's haircut")
        assert booking_status(client, channels, booking_id) == "cancelled"


def test_guessing_the_code_ends_the_proposal(live: LiveServer, live_runtime: Runtime) -> None:
    with live.client() as client:
        channels, booking_id = salon_with_a_booking(client, live_runtime)
        code = code_in(text_from(client, channels, "please cancel my appointment"))
        wrong = [f"{(int(code) + n) % 1_000_000:06d}" for n in (1, 2, 3)]

        assert "doesn't match" in text_from(client, channels, f"yes {wrong[0]}")
        assert "doesn't match" in text_from(client, channels, wrong[1])
        assert "left your booking as it is" in text_from(client, channels, wrong[2])
        # Three wrong codes dropped the proposal: the right one, now, confirms nothing.
        assert "no longer valid" in text_from(client, channels, code)
        assert booking_status(client, channels, booking_id) == "confirmed"
