"""Conversations started through the API, for the list-read tests."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from tests.conftest import TenantHandle

API = "/api/v1"


def start_conversations(client: TestClient, tenant: TenantHandle, count: int, subject: str = "") -> list[str]:
    contact = client.post(
        f"{API}/contacts", json={"email": f"l-{uuid.uuid4().hex[:10]}@example.com"}, headers=tenant.headers
    ).json()
    made = []
    for n in range(count):
        body = {"contact_id": contact["id"], "channel": "web", "message": "hi", "subject": f"{subject}{n}"}
        answer = client.post(f"{API}/conversations", json=body, headers=tenant.headers)
        assert answer.status_code == 201, answer.text
        made.append(answer.json()["id"])
    return made
