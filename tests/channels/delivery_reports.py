"""Delivery reports signed like the providers sign them: Twilio's StatusCallback (the official validator's
signature over the URL and the form) and a WhatsApp webhook carrying ``statuses``; and what a tenant's
replies look like afterwards, through the API."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.channels.inbound_helpers import TWILIO_TOKEN, ChannelTenant, meta_headers, twilio_request
from tests.conftest import TenantHandle


def status_path(ct: ChannelTenant) -> str:
    return f"/webhooks/twilio/{ct.public_id}/status"


def twilio_status(client: TestClient, ct: ChannelTenant, sid: str, status: str, *, token: str = TWILIO_TOKEN,
                  **extra: str) -> int:
    """Posts Twilio's StatusCallback for ``sid``, signed with ``token``; returns the HTTP status."""
    params = {"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC" + "0" * 32, "To": "+14155550123",
              "From": "+15005550006", "ApiVersion": "2010-04-01", **extra}
    body, headers = twilio_request(status_path(ct), params, token)
    return client.post(status_path(ct), content=body, headers=headers).status_code


def whatsapp_statuses_body(*statuses: dict[str, Any]) -> bytes:
    value = {"messaging_product": "whatsapp", "metadata": {"phone_number_id": "1234567"}, "statuses": list(statuses)}
    envelope = {"object": "whatsapp_business_account",
                "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}]}
    return json.dumps(envelope, separators=(",", ":")).encode()


def whatsapp_status(client: TestClient, ct: ChannelTenant, message_id: str, status: str,
                    errors: list[dict[str, Any]] | None = None) -> int:
    report: dict[str, Any] = {"id": message_id, "status": status, "timestamp": "1733430000",
                              "recipient_id": "14155550123"}
    if errors is not None:
        report["errors"] = errors
    body = whatsapp_statuses_body(report)
    return client.post(f"/webhooks/whatsapp/{ct.public_id}", content=body, headers=meta_headers(body)).status_code


def api_message(client: TestClient, tenant: TenantHandle, conversation_id: str, message_id: str) -> dict[str, Any]:
    """The message as the API shows it to staff."""
    response = client.get(f"/api/v1/conversations/{conversation_id}/messages", headers=tenant.headers)
    assert response.status_code == 200, response.text
    [found] = [m for m in response.json()["items"] if m["id"] == message_id]
    return dict(found)


def provider_id(runtime: Runtime, tenant: TenantHandle, message_id: str) -> tuple[str | None, str | None]:
    with tenant_transaction(runtime.database, tenant.id) as session:
        row = session.execute(text("select provider, provider_message_id from messages where id = :m"),
                              {"m": message_id}).one()
    return row[0], row[1]


def failure_events(runtime: Runtime, tenant: TenantHandle) -> list[dict[str, Any]]:
    """The payloads of the tenant's queued ``message.delivery_failed`` webhook deliveries."""
    with tenant_transaction(runtime.database, tenant.id) as session:
        rows = session.execute(text(
            "select payload from webhook_deliveries where event_type = 'message.delivery_failed' order by created_at"
        )).scalars().all()
    return [dict(row) for row in rows]
