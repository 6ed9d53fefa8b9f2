"""Finding 10: a widget identity signature never expired.

``X-Widget-User-Signature`` was hex HMAC-SHA256(widget secret, user id): the same value for a user
forever, so one leaked from a browser (a log, a shared HAR file, a proxy) signed that visitor in as the
user for good. Now the signature covers ``f"{user_id}.{expires}"`` with ``X-Widget-User-Expires`` in Unix
seconds, at most 24 hours ahead. Every request runs against a real ``engium serve``.
"""

from __future__ import annotations

import hashlib
import hmac
import time

import httpx2 as httpx

from engium.runtime import Runtime
from tests.channels.inbound_helpers import GENERIC_401, WIDGET_SECRET, ChannelTenant, configured_tenant
from tests.live_server import LiveServer

USER = "customer-42"
HOUR = 3600


def signed(user_id: str, expires: int | str) -> dict[str, str]:
    """What the tenant's site sends: hex HMAC-SHA256 over ``"<user id>.<expires>"`` with the widget secret."""
    mac = hmac.new(WIDGET_SECRET.encode(), f"{user_id}.{expires}".encode(), hashlib.sha256).hexdigest()
    return {"X-Widget-User-Id": user_id, "X-Widget-User-Expires": str(expires), "X-Widget-User-Signature": mac}


def start_chat(client: httpx.Client, channels: ChannelTenant, identity: dict[str, str]) -> httpx.Response:
    return client.post("/widget/v1/conversations", json={}, headers={"X-Widget-Key": channels.widget_key, **identity})


def test_a_leaked_signature_stops_working_when_it_expires(live: LiveServer, live_runtime: Runtime) -> None:
    with live.client() as client:
        channels = configured_tenant(client, live_runtime)
        now = int(time.time())

        # The old form, without an expiry: what a leak used to be good for, forever.
        forever = hmac.new(WIDGET_SECRET.encode(), USER.encode(), hashlib.sha256).hexdigest()
        old_form = start_chat(client, channels, {"X-Widget-User-Id": USER, "X-Widget-User-Signature": forever})
        assert (old_form.status_code, old_form.json()) == (401, GENERIC_401)

        # A signature that expired a minute ago.
        expired = start_chat(client, channels, signed(USER, now - 60))
        assert (expired.status_code, expired.json()) == (401, GENERIC_401)

        # A fresh one works: the visitor is the signed-in user.
        fresh = start_chat(client, channels, signed(USER, now + HOUR))
        assert fresh.status_code == 201, fresh.text
        assert fresh.json()["verified"] is True


def test_an_expiry_is_bound_to_the_signature_and_bounded(live: LiveServer, live_runtime: Runtime) -> None:
    with live.client() as client:
        channels = configured_tenant(client, live_runtime)
        now = int(time.time())

        # Moving a leaked signature's expiry forward breaks it: the expiry is signed.
        stretched = {**signed(USER, now + 60), "X-Widget-User-Expires": str(now + 2 * HOUR)}
        assert start_chat(client, channels, stretched).status_code == 401
        # A "never expires" signature cannot be minted either: at most 24 hours ahead.
        assert start_chat(client, channels, signed(USER, now + 25 * HOUR)).status_code == 401
        assert start_chat(client, channels, signed(USER, "tomorrow")).status_code == 401
        assert start_chat(client, channels, signed(USER, now + 23 * HOUR)).status_code == 201
