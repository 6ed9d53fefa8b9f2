"""Conversations, messages and bookings for analytics specifications, made through the API and the services,
then moved to known instants (the services stamp "now"), so medians and buckets are exact."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from engium.access.principal import Principal
from engium.conversations import service as conversations
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import TenantHandle

API = "/api/v1"


def start(client: TestClient, tenant: TenantHandle, channel: str = "web", body: str = "Hi, are you open?") -> str:
    contact = client.post(f"{API}/contacts", json={"email": f"c-{uuid.uuid4().hex[:10]}@example.com"},
                          headers=tenant.headers)
    assert contact.status_code == 201, contact.text
    made = client.post(f"{API}/conversations", json={"contact_id": contact.json()["id"], "channel": channel,
                                                      "message": body}, headers=tenant.headers)
    assert made.status_code == 201, made.text
    conversation_id: str = made.json()["id"]
    return conversation_id


def assistant_reply(runtime: Runtime, tenant: TenantHandle, conversation_id: str, body: str = "Yes, 9 to 5.") -> None:
    with tenant_transaction(runtime.database, tenant.id) as session:
        conversation = conversations.conversation_by_id(session, uuid.UUID(conversation_id), for_update=True)
        assert conversation is not None
        conversations.post_assistant_message(session, Principal.system(tenant.id, "assistant"), conversation, body)


def staff_reply(client: TestClient, tenant: TenantHandle, conversation_id: str, body: str = "A person here.") -> None:
    sent = client.post(f"{API}/conversations/{conversation_id}/messages", json={"body": body}, headers=tenant.headers)
    assert sent.status_code == 201, sent.text


def act(client: TestClient, tenant: TenantHandle, conversation_id: str, action: str, **body: Any) -> None:
    done = client.post(f"{API}/conversations/{conversation_id}/{action}", json=body or None, headers=tenant.headers)
    assert done.status_code == 200, done.text


def place(runtime: Runtime, tenant: TenantHandle, conversation_id: str, started: datetime,
          waits: dict[str, float]) -> None:
    """Moves the conversation to ``started``: the customer's messages to that instant, the first message of
    each other author ``waits[author_kind]`` seconds later, and an escalation (if any) 1 second after it."""
    with tenant_transaction(runtime.database, tenant.id) as session:
        params = {"id": conversation_id, "at": started}
        session.execute(text("update conversations set created_at = :at, escalated_at = escalated_at - "
                             "(escalated_at - :at) + interval '1 second' where id = :id"), params)
        session.execute(text("update messages set created_at = :at where conversation_id = :id "
                             "and author_kind = 'contact'"), params)
        for author, seconds in waits.items():
            session.execute(text("update messages set created_at = :at where conversation_id = :id "
                                 "and author_kind = :author"),
                            {**params, "author": author, "at": started + timedelta(seconds=seconds)})
