"""Signing in and redeeming invitations against a live server, as a browser or a script would."""

from __future__ import annotations

from typing import Any

import httpx2 as httpx

from tests.conftest import TenantHandle

PASSWORD_OF_M = "chosen by tenant M, not alice"


def invite(client: httpx.Client, tenant: TenantHandle, email: str, role: str = "agent") -> dict[str, Any]:
    response = client.post("/api/v1/invitations", json={"email": email, "role": role}, headers=tenant.headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def accept(client: httpx.Client, token: str, password: str, **extra: object) -> httpx.Response:
    return client.post("/api/v1/invitations/accept", json={"token": token, "password": password, **extra})


def sign_in(client: httpx.Client, email: str, password: str, **extra: object) -> httpx.Response:
    """Signs in; on success the client holds the session cookie and sends the CSRF token on writes."""
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password, **extra})
    if response.status_code == 200:
        client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return response
