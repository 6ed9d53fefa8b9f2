"""The widget API: key required, one visitor's token reads only its own conversation, signed identity."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from sqlalchemy import text

from engium.channels.rate_limits import ChannelLimits
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.channels.inbound_helpers import GENERIC_401, configured_tenant, stored_messages, widget_user_headers
from tests.conftest import audit_events


def test_widget_key_is_required_and_tokens_isolate_visitors(client: TestClient, runtime: Runtime) -> None:
    ct = configured_tenant(client, runtime)
    assert client.post("/widget/v1/conversations", json={}).json() == GENERIC_401
    unknown = {"X-Widget-Key": "wk_unknown_000000000"}
    assert client.post("/widget/v1/conversations", json={}, headers=unknown).status_code == 401
    key = {"X-Widget-Key": ct.widget_key}
    alice = client.post("/widget/v1/conversations", json={"message": "Hi, I'm Alice"}, headers=key)
    bob = client.post("/widget/v1/conversations", json={"message": "Bob here"}, headers=key)
    assert alice.status_code == bob.status_code == 201, alice.text
    assert alice.json()["verified"] is False
    alice_token, bob_token = alice.json()["token"], bob.json()["token"]
    sent = client.post("/widget/v1/messages", json={"body": "Are you open Sunday?"},
                       headers={**key, "X-Widget-Token": alice_token})
    assert sent.status_code == 201, sent.text
    alice_reads = client.get("/widget/v1/messages", headers={**key, "X-Widget-Token": alice_token}).json()
    bob_reads = client.get("/widget/v1/messages", headers={**key, "X-Widget-Token": bob_token}).json()
    assert [m["body"] for m in alice_reads] == ["Hi, I'm Alice", "Are you open Sunday?"]
    assert [m["body"] for m in bob_reads] == ["Bob here"]
    # No token, a forged token, or a token used with another tenant's key: the generic 401.
    assert client.get("/widget/v1/messages", headers=key).status_code == 401
    forged = client.get("/widget/v1/messages", headers={**key, "X-Widget-Token": "A" * 43})
    assert (forged.status_code, forged.json()) == (401, GENERIC_401)
    other = configured_tenant(client, runtime, suffix="-b")
    cross = client.get("/widget/v1/messages", headers={"X-Widget-Key": other.widget_key, "X-Widget-Token": alice_token})
    assert cross.status_code == 401
    assert len(stored_messages(runtime, ct.tenant)) == 3
    with tenant_transaction(runtime.database, ct.tenant.id) as session:
        hashes = session.execute(text("select token_hash from widget_sessions")).scalars().all()
    assert alice_token.encode() not in hashes
    assert len(hashes) == 2
    actions = {(e["action"], e["actor_kind"]) for e in audit_events(runtime, ct.tenant)}
    assert ("widget.message_received", "contact") in actions


def test_identity_signature_marks_the_visitor_verified(client: TestClient, runtime: Runtime) -> None:
    ct = configured_tenant(client, runtime)
    key = {"X-Widget-Key": ct.widget_key}
    signed = {**key, **widget_user_headers("customer-42")}
    first = client.post("/widget/v1/conversations", json={}, headers=signed)
    assert first.status_code == 201
    assert first.json()["verified"] is True
    # The same signed-in user comes back to the same open conversation.
    again = client.post("/widget/v1/conversations", json={}, headers=signed)
    assert again.json()["conversation_id"] == first.json()["conversation_id"]
    wrong = client.post("/widget/v1/conversations", json={},
                        headers={**signed, "X-Widget-User-Id": "customer-43"})
    assert (wrong.status_code, wrong.json()) == (401, GENERIC_401)
    unsigned = client.post("/widget/v1/conversations", json={}, headers={**key, "X-Widget-User-Id": "customer-42"})
    assert unsigned.status_code == 401
    with tenant_transaction(runtime.database, ct.tenant.id) as session:
        ids = set(session.execute(text("select widget_id from contacts")).scalars())
    assert "user:customer-42" in ids


def test_an_identity_signature_carries_an_expiry_at_most_a_day_ahead(client: TestClient, runtime: Runtime) -> None:
    ct = configured_tenant(client, runtime)
    key = {"X-Widget-Key": ct.widget_key}
    now = int(time.time())

    def start(headers: dict[str, str]) -> int:
        return client.post("/widget/v1/conversations", json={}, headers={**key, **headers}).status_code

    signed = widget_user_headers("customer-42", expires=now + 600)
    assert start(signed) == 201
    assert start({k: v for k, v in signed.items() if k != "X-Widget-User-Expires"}) == 401
    assert start({"X-Widget-User-Expires": signed["X-Widget-User-Expires"]}) == 401  # an expiry alone
    assert start({**signed, "X-Widget-User-Expires": f"0{now + 600}"}) == 401  # one spelling per instant
    assert start(widget_user_headers("customer-42", expires=now - 1)) == 401
    assert start(widget_user_headers("customer-42", expires=now + 24 * 3600)) == 201
    assert start(widget_user_headers("customer-42", expires=now + 24 * 3600 + 120)) == 401
    assert start(widget_user_headers("customer-42", expires=10**12 - 1)) == 401  # beyond any calendar


def test_widget_requests_are_rate_limited_per_key_and_source(client: TestClient, runtime: Runtime) -> None:
    ct = configured_tenant(client, runtime)
    client.app.state.channel_limits = ChannelLimits(widget_per_minute=3)  # type: ignore[attr-defined]
    forged = {"X-Widget-Key": ct.widget_key, "X-Widget-Token": "A" * 43}
    statuses = [
        client.get("/widget/v1/messages", headers=forged).status_code for _ in range(5)
    ]
    assert statuses == [401, 401, 401, 429, 429]
