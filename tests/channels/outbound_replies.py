"""Outbound replies for the channel tests: a conversation on a channel, an agent's reply, its send jobs and
delivery state, and the runtime a worker sends them with (providers at the fake's address)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from engium.channels.settings import ChannelSettings
from engium.conversations.outbound import SEND_JOB
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.channels.fake_provider import FakeProvider
from tests.conftest import TenantHandle
from tests.job_queue import job_rows, runtime_with

CUSTOMER = "+14155550123"
REPLY = "Yes, 3pm works. See you then!"


def sending(runtime: Runtime, provider: FakeProvider, **overrides: Any) -> Runtime:
    """The runtime the worker runs with: providers at the fake's address, short retries, no jitter."""
    settings = ChannelSettings(
        twilio_api_base=provider.base_url, whatsapp_api_base=provider.base_url, retry_jitter=0,
        retry_delays_seconds=[10.0, 60.0], **overrides,
    )
    return runtime_with(runtime, channels=settings)


def conversation(client: TestClient, tenant: TenantHandle, channel: str, phone: str = CUSTOMER) -> str:
    contact = client.post("/api/v1/contacts", headers=tenant.headers, json={"name": "Ada", "phone": phone})
    assert contact.status_code == 201, contact.text
    created = client.post("/api/v1/conversations", headers=tenant.headers,
                          json={"contact_id": contact.json()["id"], "channel": channel})
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def reply(client: TestClient, tenant: TenantHandle, conversation_id: str, body: str = REPLY,
          author_kind: str = "agent") -> str:
    response = client.post(f"/api/v1/conversations/{conversation_id}/messages", headers=tenant.headers,
                           json={"body": body, "author_kind": author_kind})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def send_jobs(runtime: Runtime, tenant: TenantHandle) -> list[dict[str, Any]]:
    return job_rows(runtime, SEND_JOB, tenant_id=str(tenant.id))


def delivery(runtime: Runtime, tenant: TenantHandle, message_id: str) -> tuple[str | None, str | None]:
    """The message's delivery state and error, as the API and the staff app show them."""
    with tenant_transaction(runtime.database, tenant.id) as session:
        row = session.execute(text("select delivery_status, delivery_error from messages where id = :m"),
                              {"m": message_id}).one()
    return row[0], row[1]
