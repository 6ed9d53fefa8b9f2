"""A tenant configured for every inbound channel, and helpers that sign requests like the providers."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx2 as httpx
from sqlalchemy import text
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]  # ships no types

from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import TenantHandle, make_tenant

BASE_URL = "https://engium.example.com"
TWILIO_TOKEN = "twilio-auth-token-0123456789abcdef"
WHATSAPP_APP_SECRET = "meta-app-secret-0123456789abcdef"
WHATSAPP_VERIFY_TOKEN = "verify-token-0123456789"
EVENTS_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
WIDGET_SECRET = "widget-identity-secret-0123456789"
ALL_SECRETS = (TWILIO_TOKEN, WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN, EVENTS_SECRET, WIDGET_SECRET)
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class ChannelTenant:
    tenant: TenantHandle
    public_id: str
    widget_key: str

    def twilio_path(self) -> str:
        return f"/webhooks/twilio/{self.public_id}/sms"


def add_credential(
    client: httpx.Client, tenant: TenantHandle, kind: str, name: str, secret: str,
    metadata: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Stores a credential through the API (``client``: in process or a live server); returns it as shown."""
    response = client.post(
        "/api/v1/integrations", headers=tenant.headers,
        json={"kind": kind, "name": name, "secret": secret, "metadata": metadata or {}},
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def configured_tenant(client: httpx.Client, runtime: Runtime, *, suffix: str = "") -> ChannelTenant:
    tenant = make_tenant(runtime)
    patched = client.patch("/api/v1/settings", headers=tenant.headers, json={"public_base_url": BASE_URL})
    assert patched.status_code == 200, patched.text
    public_id = client.get("/api/v1/tenant", headers=tenant.headers).json()["public_id"]
    add_credential(client, tenant, "twilio", "default", TWILIO_TOKEN + suffix,
                   {"account_sid": "AC" + "0" * 32, "phone_number": "+15005550006"})
    add_credential(client, tenant, "whatsapp", "default", WHATSAPP_APP_SECRET + suffix, {"phone_number_id": "1234567"})
    add_credential(client, tenant, "whatsapp", "verify_token", WHATSAPP_VERIFY_TOKEN + suffix)
    add_credential(client, tenant, "webhook_endpoint", "inbound", EVENTS_SECRET)
    widget = add_credential(client, tenant, "widget", "default", WIDGET_SECRET + suffix)
    return ChannelTenant(tenant, public_id, str(widget["metadata"]["public_widget_key"]))


def widget_user_headers(user_id: str, *, expires: int | None = None, secret: str = WIDGET_SECRET) -> dict[str, str]:
    """What a tenant's site sends for a signed-in visitor: the user id, an expiry (Unix seconds, by default
    an hour from now) and hex HMAC-SHA256 over ``"<user id>.<expires>"`` with the widget secret. Computed
    here from the documented rule, not by the code under test."""
    expires = int(time.time()) + 3600 if expires is None else expires
    signature = hmac.new(secret.encode(), f"{user_id}.{expires}".encode(), hashlib.sha256).hexdigest()
    return {"X-Widget-User-Id": user_id, "X-Widget-User-Expires": str(expires), "X-Widget-User-Signature": signature}


def twilio_request(
    path: str, params: dict[str, str], token: str = TWILIO_TOKEN, base: str = BASE_URL
) -> tuple[bytes, dict[str, str]]:
    """Signed by the official twilio package's validator, for the URL Twilio would have called."""
    signature = RequestValidator(token).compute_signature(base + path, params)
    return urlencode(params).encode("ascii"), {"X-Twilio-Signature": signature, "Content-Type": FORM}


def sms_params(sid: str, body: str = "Hi, can I book a haircut?", sender: str = "+14155550123") -> dict[str, str]:
    return {"MessageSid": sid, "AccountSid": "AC" + "0" * 32, "From": sender, "To": "+15005550006", "Body": body}


def whatsapp_body(message_id: str, text_body: str = "Hello from WhatsApp", sender: str = "14155550199") -> bytes:
    message = {"from": sender, "id": message_id, "type": "text", "text": {"body": text_body}}
    value = {"messaging_product": "whatsapp", "messages": [message]}
    change = {"field": "messages", "value": value}
    envelope = {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [change]}]}
    return json.dumps(envelope, separators=(",", ":")).encode()


def meta_headers(body: bytes, secret: str = WHATSAPP_APP_SECRET) -> dict[str, str]:
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Hub-Signature-256": f"sha256={signature}", "Content-Type": "application/json"}


def stored_messages(runtime: Runtime, tenant: TenantHandle) -> list[tuple[str, str, str]]:
    """(channel, direction, body) of every message of the tenant, oldest first."""
    with tenant_transaction(runtime.database, tenant.id) as session:
        rows = session.execute(
            text(
                "select c.channel, m.direction, m.body from messages m join conversations c "
                "on c.tenant_id = m.tenant_id and c.id = m.conversation_id order by m.created_at, m.id"
            )
        ).all()
    return [(str(a), str(b), str(c)) for a, b, c in rows]


GENERIC_401 = {"error": {"code": "unauthorized", "message": "invalid signature"}}
