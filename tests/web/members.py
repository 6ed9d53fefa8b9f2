"""Members of a test business in each role, made the way a business makes them: an invitation that the
invitee redeems with a password of their own."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Protocol

from tests.conftest import OWNER_PASSWORD, TenantHandle

MEMBER_PASSWORD = "a long passphrase for tests"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
SIGN_IN_TOKEN = re.compile(r'name="sign_in_token" value="([^"]+)"')


class HttpClient(Protocol):
    """What TestClient and httpx.Client have in common, as far as these helpers use it."""

    def get(self, url: str, **kwargs: object) -> object: ...
    def post(self, url: str, **kwargs: object) -> object: ...


@dataclass(frozen=True)
class Credentials:
    email: str
    password: str


def owner_of(tenant: TenantHandle) -> Credentials:
    return Credentials(tenant.owner_email, OWNER_PASSWORD)


def add_member(client: object, tenant: TenantHandle, role: str) -> Credentials:
    """Invites a new address to ``role`` with the owner's key and accepts as the invitee (JSON API)."""
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.com"
    invited = client.post("/api/v1/invitations", json={"email": email, "role": role},  # type: ignore[attr-defined]
                          headers=tenant.headers)
    assert invited.status_code == 201, invited.text
    accepted = client.post("/api/v1/invitations/accept", json={  # type: ignore[attr-defined]
        "token": invited.json()["token"], "password": MEMBER_PASSWORD, "display_name": f"Test {role}"})
    assert accepted.status_code == 200, accepted.text
    return Credentials(email, MEMBER_PASSWORD)


def csrf_token(html: str) -> str:
    found = CSRF_FIELD.search(html)
    assert found is not None, "no form with a CSRF field on this page"
    return found.group(1)
