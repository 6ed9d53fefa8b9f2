"""End to end: an API change → a queued delivery → the worker → a real HTTP receiver on loopback."""

from __future__ import annotations

import base64
import json
import logging
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi.testclient import TestClient
from standardwebhooks import Webhook

from engium.runtime import Runtime
from engium.webhooks.settings import WebhookSettings
from tests.conftest import TenantHandle, audit_events
from tests.integrations.leaks import assert_absent
from tests.job_queue import BackgroundWorker, make_due, runtime_with
from tests.webhooks.conftest import (
    URL,
    FakeClock,
    Receiver,
    book,
    create_endpoint,
    deliver_due,
    deliveries,
    delivery_jobs,
)


def verify_v1a(public_key: str, headers: dict[str, str], body: bytes) -> None:
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key.removeprefix("whpk_")))
    content = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    [signature] = [s.split(",", 1)[1] for s in headers["webhook-signature"].split(" ") if s.startswith("v1a,")]
    key.verify(base64.b64decode(signature), content)  # raises InvalidSignature


def test_a_booking_is_delivered_signed_with_v1_and_v1a(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, receiver: Receiver, allow_local: WebhookSettings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    endpoint = create_endpoint(client, tenant, receiver.url)
    secret = endpoint["secret"]
    assert secret.startswith("whsec_")
    assert endpoint["signing_public_key"].startswith("whpk_")
    booking = book(client, runtime, tenant)

    deliver_due(runtime, allow_local)

    [received] = receiver.requests
    assert received.path == "/hooks/engium"
    payload = Webhook(secret).verify(received.body, received.headers)
    verify_v1a(endpoint["signing_public_key"], received.headers, received.body)
    assert payload["type"] == "booking.created"
    assert set(payload) == {"type", "timestamp", "data"}
    assert payload["data"]["booking_id"] == booking["id"]
    assert payload["data"]["status"] == "confirmed"
    assert "LEAK-NOTES" not in received.body.decode()  # free text never leaves
    assert received.headers["host"] == f"127.0.0.1:{receiver.server.server_address[1]}"

    [delivery] = deliveries(client, tenant, endpoint["id"])
    assert received.headers["webhook-id"] == delivery["id"]
    assert (delivery["status"], delivery["attempts"], delivery["last_status_code"]) == ("delivered", 1, 204)
    assert delivery["next_attempt_at"] is None
    # Delivered once: a second run finds nothing due.
    deliver_due(runtime, allow_local)
    assert len(receiver.requests) == 1

    events = audit_events(runtime, tenant)
    assert "webhook.delivered" in [e["action"] for e in events]
    used = [e for e in events if e["action"] == "credential.used"]
    assert {e["details"]["purpose"] for e in used} == {"webhook_signing"}
    # The secret was in the creation response only: not in reads, the log, the audit log or logs.
    for text in (
        client.get(URL, headers=tenant.headers).text,
        client.get(f"{URL}/{endpoint['id']}", headers=tenant.headers).text,
        client.get(f"{URL}/{endpoint['id']}/deliveries", headers=tenant.headers).text,
        client.get("/api/v1/integrations", headers=tenant.headers).text,
        str(events),
        caplog.text,
    ):
        assert_absent(secret, text, "a response, the audit log or the logs")
        assert_absent(secret.removeprefix("whsec_"), text, "a response, the audit log or the logs")


def test_failures_back_off_then_dead_letter(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, receiver: Receiver, allow_local: WebhookSettings
) -> None:
    receiver.status = 500
    settings = allow_local.model_copy(update={"retry_delays_seconds": [10.0, 60.0], "retry_jitter": 0.2})
    endpoint = create_endpoint(client, tenant, receiver.url)
    book(client, runtime, tenant)
    clock = FakeClock()

    deliver_due(runtime, settings, clock)
    [first] = deliveries(client, tenant, endpoint["id"])
    assert (first["status"], first["attempts"], first["last_status_code"]) == ("pending", 1, 500)
    assert first["last_error"] == "HTTP 500"
    wait = _seconds_until(first["next_attempt_at"], clock)
    assert 8 <= wait <= 12
    [job] = delivery_jobs(runtime, first["id"])
    assert job["status"] == "todo"  # the retry waits in the job runtime

    deliver_due(runtime, settings, clock)  # not due yet
    assert len(receiver.requests) == 1
    clock.advance(timedelta(seconds=wait + 1))
    make_due(runtime, job["id"])
    deliver_due(runtime, settings, clock)
    [second] = deliveries(client, tenant, endpoint["id"])
    assert second["attempts"] == 2
    assert 48 <= _seconds_until(second["next_attempt_at"], clock) <= 72

    clock.advance(timedelta(seconds=73))
    make_due(runtime, job["id"])
    deliver_due(runtime, settings, clock)
    [dead] = deliveries(client, tenant, endpoint["id"])
    assert (dead["status"], dead["attempts"], dead["next_attempt_at"]) == ("dead", 3, None)
    assert len(receiver.requests) == 3
    # Same message id on every attempt: receivers deduplicate on it.
    assert {r.headers["webhook-id"] for r in receiver.requests} == {dead["id"]}
    clock.advance(timedelta(days=1))
    deliver_due(runtime, settings, clock)
    assert len(receiver.requests) == 3

    dead_events = [e for e in audit_events(runtime, tenant) if e["action"] == "webhook.dead_lettered"]
    assert len(dead_events) == 1
    assert dead_events[0]["actor_kind"] == "system"
    assert dead_events[0]["details"]["attempts"] == 3

    # Redelivery puts it back in the queue under the same id.
    receiver.status = 200
    again = client.post(f"/api/v1/webhook-deliveries/{dead['id']}/redeliver", headers=tenant.headers)
    assert again.status_code == 202, again.text
    assert again.json()["status"] == "pending"
    clock.advance(timedelta(seconds=1))
    deliver_due(runtime, settings, clock)
    [done] = deliveries(client, tenant, endpoint["id"])
    assert (done["status"], done["id"]) == ("delivered", dead["id"])


def _seconds_until(iso: str, clock: FakeClock) -> float:
    from datetime import datetime

    return (datetime.fromisoformat(iso) - clock()).total_seconds()


def test_redirects_are_not_followed(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, receiver: Receiver, allow_local: WebhookSettings
) -> None:
    receiver.status = 307
    receiver.location = "http://169.254.169.254/latest/meta-data/"
    endpoint = create_endpoint(client, tenant, receiver.url)
    book(client, runtime, tenant)
    deliver_due(runtime, allow_local)
    assert len(receiver.requests) == 1
    [delivery] = deliveries(client, tenant, endpoint["id"])
    assert delivery["status"] == "pending"
    assert delivery["last_status_code"] == 307
    assert "redirects are not followed" in delivery["last_error"]


def test_410_gone_disables_the_endpoint(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, receiver: Receiver, allow_local: WebhookSettings
) -> None:
    receiver.status = 410
    endpoint = create_endpoint(client, tenant, receiver.url)
    book(client, runtime, tenant)
    deliver_due(runtime, allow_local)
    [delivery] = deliveries(client, tenant, endpoint["id"])
    assert (delivery["status"], delivery["last_status_code"]) == ("dead", 410)
    after = client.get(f"{URL}/{endpoint['id']}", headers=tenant.headers).json()
    assert after["active"] is False
    assert "410" in after["disabled_reason"]
    # A disabled endpoint gets no new deliveries.
    book(client, runtime, tenant)
    assert len(deliveries(client, tenant, endpoint["id"])) == 1


def test_events_reach_only_their_own_tenants_subscribed_endpoints(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, other_tenant: TenantHandle, receiver: Receiver,
    allow_local: WebhookSettings,
) -> None:
    mine = create_endpoint(client, tenant, receiver.url + "/mine", ["booking.created"])
    create_endpoint(client, tenant, receiver.url + "/escalations", ["conversation.escalated"])
    theirs = create_endpoint(client, other_tenant, receiver.url + "/theirs", ["booking.created"])
    book(client, runtime, tenant)
    deliver_due(runtime, allow_local)
    assert [r.path for r in receiver.requests] == ["/hooks/engium/mine"]
    assert deliveries(client, other_tenant, theirs["id"]) == []
    Webhook(mine["secret"]).verify(receiver.requests[0].body, receiver.requests[0].headers)
    # The other tenant's secret does not verify it.
    from standardwebhooks.webhooks import WebhookVerificationError

    with pytest.raises(WebhookVerificationError):
        Webhook(theirs["secret"]).verify(receiver.requests[0].body, receiver.requests[0].headers)
    json.loads(receiver.requests[0].body)


def test_a_rotated_secret_signs_alongside_the_previous_one_during_the_grace_period(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, receiver: Receiver, allow_local: WebhookSettings
) -> None:
    endpoint = create_endpoint(client, tenant, receiver.url)
    rotated = client.post(f"{URL}/{endpoint['id']}/rotate-secret", json={"grace_period_hours": 1},
                          headers=tenant.headers)
    assert rotated.status_code == 200, rotated.text
    new_secret = rotated.json()["secret"]
    assert new_secret.startswith("whsec_")
    assert new_secret != endpoint["secret"]
    book(client, runtime, tenant)
    deliver_due(runtime, allow_local)
    [received] = receiver.requests
    Webhook(new_secret).verify(received.body, received.headers)
    Webhook(endpoint["secret"]).verify(received.body, received.headers)


def test_a_running_worker_delivers_on_its_own(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, receiver: Receiver, allow_local: WebhookSettings
) -> None:
    """The worker `engium serve` / `engium worker` run, woken by the new job's notification."""
    import time

    create_endpoint(client, tenant, receiver.url)
    with BackgroundWorker(runtime_with(runtime, webhooks=allow_local)):
        book(client, runtime, tenant)
        deadline = time.monotonic() + 10
        while not receiver.requests and time.monotonic() < deadline:
            time.sleep(0.05)
    assert len(receiver.requests) == 1
