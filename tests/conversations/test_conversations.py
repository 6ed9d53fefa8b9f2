"""Conversations: messages both ways, escalation to a human, handoff and resolution."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import OWNER_PASSWORD, TenantHandle

API = "/api/v1"


def create_contact(client: TestClient, tenant: TenantHandle) -> dict[str, Any]:
    response = client.post(
        f"{API}/contacts", json={"email": f"c-{uuid.uuid4().hex[:10]}@example.com"}, headers=tenant.headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def start_conversation(client: TestClient, tenant: TenantHandle, **fields: Any) -> dict[str, Any]:
    if "contact_id" not in fields:
        fields["contact_id"] = create_contact(client, tenant)["id"]
    fields.setdefault("channel", "web")
    response = client.post(f"{API}/conversations", json=fields, headers=tenant.headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def messages_of(client: TestClient, tenant: TenantHandle, conversation_id: str) -> list[dict[str, Any]]:
    response = client.get(f"{API}/conversations/{conversation_id}/messages", headers=tenant.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_a_conversation_from_first_message_to_resolution(client: TestClient, tenant: TenantHandle) -> None:
    contact = create_contact(client, tenant)
    conversation = start_conversation(
        client, tenant, contact_id=contact["id"], channel="sms", subject="Opening hours",
        message="Are you open on Sunday?",
    )
    assert conversation["status"] == "open"
    assert conversation["contact_id"] == contact["id"]
    assert conversation["assignee_user_id"] is None
    url = f"{API}/conversations/{conversation['id']}"

    [first] = messages_of(client, tenant, conversation["id"])
    assert first["direction"] == "inbound"
    assert first["author_kind"] == "contact"
    assert first["body"] == "Are you open on Sunday?"

    reply = client.post(f"{url}/messages", json={"body": "Yes, 10 to 4."}, headers=tenant.headers)
    assert reply.status_code == 201, reply.text
    assert reply.json()["direction"] == "outbound"
    assert reply.json()["author_kind"] == "agent"
    # An API key acts for the business, not for a person.
    assert reply.json()["author_user_id"] is None
    after_reply = client.get(url, headers=tenant.headers).json()
    assert after_reply["last_message_at"] > conversation["last_message_at"]

    escalated = client.post(f"{url}/escalate", json={"reason": "Asks for a refund"}, headers=tenant.headers)
    assert escalated.status_code == 200, escalated.text
    assert escalated.json()["status"] == "escalated"
    assert escalated.json()["escalation_reason"] == "Asks for a refund"

    assigned = client.post(f"{url}/assign", json={"user_id": str(tenant.owner_user_id)}, headers=tenant.headers)
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["assignee_user_id"] == str(tenant.owner_user_id)

    resolved = client.post(f"{url}/resolve", headers=tenant.headers)
    assert resolved.status_code == 200
    assert resolved.json()["status"] == "resolved"

    # The contact writing again reopens the conversation.
    inbound = client.post(
        f"{url}/messages", json={"body": "One more thing", "author_kind": "contact"}, headers=tenant.headers
    )
    assert inbound.status_code == 201
    assert inbound.json()["direction"] == "inbound"
    assert client.get(url, headers=tenant.headers).json()["status"] == "open"

    bodies = [m["body"] for m in messages_of(client, tenant, conversation["id"])]
    assert bodies == ["Are you open on Sunday?", "Yes, 10 to 4.", "One more thing"]


def test_an_agent_reply_on_a_resolved_conversation_keeps_it_resolved(
    client: TestClient, tenant: TenantHandle
) -> None:
    conversation = start_conversation(client, tenant)
    url = f"{API}/conversations/{conversation['id']}"
    client.post(f"{url}/resolve", headers=tenant.headers)
    client.post(f"{url}/messages", json={"body": "Follow-up from us"}, headers=tenant.headers)
    assert client.get(url, headers=tenant.headers).json()["status"] == "resolved"


def test_a_signed_in_agent_is_recorded_as_the_author(client: TestClient, tenant: TenantHandle) -> None:
    conversation = start_conversation(client, tenant)
    login = client.post(f"{API}/auth/login", json={"email": tenant.owner_email, "password": OWNER_PASSWORD})
    assert login.status_code == 200, login.text
    csrf = login.json()["csrf_token"]

    reply = client.post(
        f"{API}/conversations/{conversation['id']}/messages",
        json={"body": "Hello from a person"},
        headers={"X-CSRF-Token": csrf},
    )
    assert reply.status_code == 201, reply.text
    assert reply.json()["author_user_id"] == str(tenant.owner_user_id)


def test_a_conversation_without_a_first_message_has_none(client: TestClient, tenant: TenantHandle) -> None:
    conversation = start_conversation(client, tenant, channel="whatsapp")
    assert messages_of(client, tenant, conversation["id"]) == []


def test_subject_and_status_can_be_updated_but_not_to_escalated_or_resolved(
    client: TestClient, tenant: TenantHandle
) -> None:
    conversation = start_conversation(client, tenant)
    url = f"{API}/conversations/{conversation['id']}"

    updated = client.patch(url, json={"subject": "Booking change", "status": "pending"}, headers=tenant.headers)
    assert updated.status_code == 200, updated.text
    assert updated.json()["subject"] == "Booking change"
    assert updated.json()["status"] == "pending"

    for payload in ({"status": "escalated"}, {"status": "resolved"}, {"subject": None}, {"subject": "x" * 201},
                    {"channel": "sms"}):
        response = client.patch(url, json=payload, headers=tenant.headers)
        assert response.status_code == 422, (payload, response.text)
        assert response.json()["error"]["code"] == "invalid"
    assert client.get(url, headers=tenant.headers).json()["status"] == "pending"


def test_a_resolved_conversation_must_be_reopened_before_escalating(
    client: TestClient, tenant: TenantHandle
) -> None:
    conversation = start_conversation(client, tenant)
    url = f"{API}/conversations/{conversation['id']}"
    client.post(f"{url}/resolve", headers=tenant.headers)

    refused = client.post(f"{url}/escalate", json={"reason": "late"}, headers=tenant.headers)
    assert refused.status_code == 409
    assert client.patch(url, json={"status": "open"}, headers=tenant.headers).status_code == 200
    assert client.post(f"{url}/escalate", json={"reason": "late"}, headers=tenant.headers).status_code == 200


def test_handoff_only_to_members_of_this_business(
    client: TestClient, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    conversation = start_conversation(client, tenant)
    url = f"{API}/conversations/{conversation['id']}/assign"

    for stranger in (uuid.uuid4(), other_tenant.owner_user_id):
        response = client.post(url, json={"user_id": str(stranger)}, headers=tenant.headers)
        assert response.status_code == 404
        assert response.json()["error"]["message"] == "Member not found"

    client.post(url, json={"user_id": str(tenant.owner_user_id)}, headers=tenant.headers)
    unassigned = client.post(url, json={"user_id": None}, headers=tenant.headers)
    assert unassigned.status_code == 200
    assert unassigned.json()["assignee_user_id"] is None
    assert client.post(url, json={}, headers=tenant.headers).status_code == 422


def test_conversations_can_be_filtered(client: TestClient, tenant: TenantHandle) -> None:
    contact = create_contact(client, tenant)
    web = start_conversation(client, tenant, contact_id=contact["id"], channel="web")
    sms = start_conversation(client, tenant, channel="sms")
    email = start_conversation(client, tenant, channel="email")
    client.post(f"{API}/conversations/{sms['id']}/escalate", json={"reason": "angry"}, headers=tenant.headers)
    client.post(
        f"{API}/conversations/{email['id']}/assign",
        json={"user_id": str(tenant.owner_user_id)},
        headers=tenant.headers,
    )

    def ids(**params: str) -> list[str]:
        response = client.get(f"{API}/conversations", params=params, headers=tenant.headers)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert ids() == [email["id"], sms["id"], web["id"]]
    assert ids(status="escalated") == [sms["id"]]
    assert ids(channel="web") == [web["id"]]
    assert ids(assignee_user_id=str(tenant.owner_user_id)) == [email["id"]]
    assert ids(contact_id=contact["id"]) == [web["id"]]
    assert ids(status="open", channel="sms") == []

    bad = client.get(f"{API}/conversations", params={"status": "closed"}, headers=tenant.headers)
    assert bad.status_code == 422


def test_the_most_recently_active_conversation_comes_first(client: TestClient, tenant: TenantHandle) -> None:
    older = start_conversation(client, tenant)
    newer = start_conversation(client, tenant)
    client.post(f"{API}/conversations/{older['id']}/messages", json={"body": "bump"}, headers=tenant.headers)
    items = client.get(f"{API}/conversations", headers=tenant.headers).json()["items"]
    assert [item["id"] for item in items] == [older["id"], newer["id"]]


def test_invalid_conversation_input_is_a_clear_4xx(client: TestClient, tenant: TenantHandle) -> None:
    contact = create_contact(client, tenant)
    cases: list[tuple[dict[str, Any], int]] = [
        ({"contact_id": contact["id"], "channel": "fax"}, 422),
        ({"contact_id": "nope", "channel": "web"}, 422),
        ({"channel": "web"}, 422),
        ({"contact_id": contact["id"], "channel": "web", "message": ""}, 422),
        ({"contact_id": contact["id"], "channel": "web", "message": "   "}, 422),
        ({"contact_id": contact["id"], "channel": "web", "subject": "s" * 201}, 422),
        ({"contact_id": str(uuid.uuid4()), "channel": "web"}, 404),
    ]
    for payload, expected in cases:
        response = client.post(f"{API}/conversations", json=payload, headers=tenant.headers)
        assert response.status_code == expected, (payload, response.text)
        assert "error" in response.json()

    unknown = client.get(f"{API}/conversations/{uuid.uuid4()}", headers=tenant.headers)
    assert unknown.status_code == 404
    assert unknown.json()["error"]["message"] == "Conversation not found"


def test_invalid_messages_are_rejected(client: TestClient, tenant: TenantHandle) -> None:
    conversation = start_conversation(client, tenant)
    url = f"{API}/conversations/{conversation['id']}/messages"
    for payload in (
        {"body": ""},
        {"body": " \n\t "},
        {"body": "x" * 10001},
        {"body": "hi", "author_kind": "assistant"},
        {"body": "hi", "direction": "inbound"},
        {},
    ):
        response = client.post(url, json=payload, headers=tenant.headers)
        assert response.status_code == 422, (payload, response.text)
        assert response.json()["error"]["code"] == "invalid"
    longest = client.post(url, json={"body": "x" * 10000}, headers=tenant.headers)
    assert longest.status_code == 201

    actions: dict[str, dict[str, Any] | None] = {
        "messages": {"body": "hi"},
        "escalate": {"reason": "r"},
        "resolve": None,
        "assign": {"user_id": None},
    }
    for path, action_body in actions.items():
        missing = client.post(
            f"{API}/conversations/{uuid.uuid4()}/{path}", json=action_body, headers=tenant.headers
        )
        assert missing.status_code == 404, (path, missing.text)
    assert client.post(
        f"{API}/conversations/{conversation['id']}/escalate", json={"reason": ""}, headers=tenant.headers
    ).status_code == 422
