"""Contacts and conversations write their own audit events, in the request's transaction, without personal data."""

from __future__ import annotations

import json
import uuid
from typing import Any

from fastapi.testclient import TestClient

from engium.runtime import Runtime
from tests.conftest import CLIENT_IP, TenantHandle, audit_events
from tests.conftest import acting_key_id as key_id

API = "/api/v1"

NAME = "Grace Hopperfield"
EMAIL_LOCAL = "grace.private"
PHONE = "+14155550199"
BODY = "My card number ends in 4242 and I live at 12 Elm Street"
REASON = "Customer threatens legal action over the refund"
SUBJECT = "Refund for order 99812"




def events_for(events: list[dict[str, Any]], resource_id: str) -> list[str]:
    return [e["action"] for e in events if e["resource_id"] == resource_id]


def test_a_conversation_lifecycle_leaves_specific_events_without_personal_data(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    email = f"{EMAIL_LOCAL}.{uuid.uuid4().hex[:6]}@example.com"
    contact = client.post(
        f"{API}/contacts", json={"name": NAME, "email": email, "phone": PHONE}, headers=tenant.headers
    )
    assert contact.status_code == 201, contact.text
    contact_id = contact.json()["id"]
    assert client.patch(
        f"{API}/contacts/{contact_id}", json={"name": NAME + " Jr"}, headers=tenant.headers
    ).status_code == 200
    assert client.get(f"{API}/contacts/{contact_id}", headers=tenant.headers).status_code == 200

    created = client.post(
        f"{API}/conversations",
        json={"contact_id": contact_id, "channel": "sms", "subject": SUBJECT, "message": BODY},
        headers=tenant.headers,
    )
    assert created.status_code == 201, created.text
    conversation_id = created.json()["id"]
    url = f"{API}/conversations/{conversation_id}"
    reply = client.post(f"{url}/messages", json={"body": BODY + " (reply)"}, headers=tenant.headers)
    assert reply.status_code == 201, reply.text
    edited = client.patch(url, json={"subject": SUBJECT + "!", "status": "pending"}, headers=tenant.headers)
    assert edited.status_code == 200
    assert client.post(f"{url}/escalate", json={"reason": REASON}, headers=tenant.headers).status_code == 200
    assigned = client.post(f"{url}/assign", json={"user_id": str(tenant.owner_user_id)}, headers=tenant.headers)
    assert assigned.status_code == 200
    assert client.post(f"{url}/resolve", headers=tenant.headers).status_code == 200
    assert client.get(url, headers=tenant.headers).status_code == 200
    assert client.get(f"{url}/messages", headers=tenant.headers).status_code == 200
    assert client.delete(f"{API}/contacts/{contact_id}", headers=tenant.headers).status_code == 204

    events = audit_events(runtime, tenant)
    assert events_for(events, contact_id) == [
        "contact.created",
        "contact.updated",
        "contact.viewed",
        "contact.deleted",
    ]
    assert events_for(events, conversation_id) == [
        "conversation.created",
        "conversation.updated",
        "conversation.escalated",
        "conversation.assigned",
        "conversation.resolved",
        "conversation.viewed",
        "conversation.viewed",
    ]
    messages = [e for e in events if e["action"] == "message.created"]
    assert [m["resource_id"] for m in messages][1] == reply.json()["id"]
    assert [m["details"]["direction"] for m in messages] == ["inbound", "outbound"]
    assert all(m["details"]["conversation_id"] == conversation_id for m in messages)

    by_action = {e["action"]: e for e in events if e["resource_id"] in {contact_id, conversation_id}}
    assert by_action["contact.updated"]["details"] == {"fields": ["name"]}
    assert by_action["contact.deleted"]["details"] == {"conversations": 1, "keys_destroyed": 0}
    assert by_action["conversation.updated"]["details"] == {
        "fields": ["status", "subject"], "from": "open", "to": "pending"
    }
    assert by_action["conversation.escalated"]["details"] == {
        "from": "pending", "to": "escalated", "reason_length": len(REASON)
    }
    assert by_action["conversation.assigned"]["details"] == {"from": None, "to": str(tenant.owner_user_id)}
    assert by_action["conversation.resolved"]["details"] == {"from": "escalated", "to": "resolved"}
    viewed = [e["details"] for e in events if e["action"] == "conversation.viewed"]
    assert viewed[0] == {"what": "conversation"}
    assert viewed[1]["what"] == "transcript"

    actor = key_id(client, tenant)
    ours = [e for e in events if e["resource_type"] in {"contact", "conversation", "message"}]
    assert len(ours) == 13
    for event in ours:
        assert event["actor_kind"] == "api_key"
        assert event["actor_id"] == actor
        assert event["ip"] == CLIENT_IP
        assert event["outcome"] == "success"

    # No personal data or free text anywhere in the log, in any column.
    everything = json.dumps(events, default=str)
    for secret in (NAME, EMAIL_LOCAL, email, PHONE, BODY, "4242", "Elm Street", REASON, "legal", SUBJECT, "99812"):
        assert secret not in everything


def test_viewing_a_transcript_is_logged_but_listing_is_not(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    contact = client.post(f"{API}/contacts", json={"widget_id": "w-1"}, headers=tenant.headers).json()
    conversation = client.post(
        f"{API}/conversations", json={"contact_id": contact["id"], "channel": "web", "message": BODY},
        headers=tenant.headers,
    ).json()
    assert client.get(f"{API}/conversations", headers=tenant.headers).status_code == 200
    assert client.get(f"{API}/contacts", headers=tenant.headers).status_code == 200
    before = audit_events(runtime, tenant)

    transcript = client.get(f"{API}/conversations/{conversation['id']}/messages", headers=tenant.headers)
    assert transcript.status_code == 200
    assert [m["body"] for m in transcript.json()["items"]] == [BODY]

    new = audit_events(runtime, tenant)[len(before):]
    assert [(e["action"], e["resource_type"], e["resource_id"]) for e in new] == [
        ("conversation.viewed", "conversation", conversation["id"])
    ]
    assert new[0]["details"] == {"what": "transcript", "messages": 1}
    assert new[0]["actor_id"] == key_id(client, tenant)
    assert new[0]["ip"] == CLIENT_IP
    assert not any(e["action"].endswith(".viewed") for e in before)


def test_a_repeated_resolve_records_no_second_resolution(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    contact = client.post(f"{API}/contacts", json={"widget_id": "w-2"}, headers=tenant.headers).json()
    conversation = client.post(
        f"{API}/conversations", json={"contact_id": contact["id"], "channel": "web"}, headers=tenant.headers
    ).json()
    url = f"{API}/conversations/{conversation['id']}"
    assert client.post(f"{url}/resolve", headers=tenant.headers).status_code == 200
    assert client.post(f"{url}/resolve", headers=tenant.headers).status_code == 200

    events = audit_events(runtime, tenant)
    assert [e["action"] for e in events].count("conversation.resolved") == 1
    # The second, no-op request is still covered by the middleware's generic event.
    generic = [e for e in events if e["action"] == "api.mutation"]
    assert generic[-1]["resource_id"].endswith("/conversations/{conversation_id}/resolve")


def test_a_refused_escalation_leaves_a_failure_and_no_success_event(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    contact = client.post(f"{API}/contacts", json={"widget_id": "w-3"}, headers=tenant.headers).json()
    conversation = client.post(
        f"{API}/conversations", json={"contact_id": contact["id"], "channel": "web"}, headers=tenant.headers
    ).json()
    url = f"{API}/conversations/{conversation['id']}"
    assert client.post(f"{url}/resolve", headers=tenant.headers).status_code == 200

    refused = client.post(f"{url}/escalate", json={"reason": REASON}, headers=tenant.headers)
    assert refused.status_code == 409

    events = audit_events(runtime, tenant)
    assert "conversation.escalated" not in [e["action"] for e in events]
    failed = events[-1]
    assert failed["action"] == "request.failed"
    assert failed["outcome"] == "failed"
    assert failed["resource_id"].endswith("/conversations/{conversation_id}/escalate")
    assert failed["details"] == {"method": "POST", "status": 409}
    assert failed["actor_kind"] == "api_key"
    assert failed["ip"] == CLIENT_IP
    assert REASON not in json.dumps(events, default=str)
