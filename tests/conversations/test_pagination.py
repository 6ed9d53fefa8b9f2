"""Listings page with opaque keyset cursors: every row exactly once, in a stable order."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import TenantHandle

API = "/api/v1"


def walk(client: TestClient, tenant: TenantHandle, url: str, limit: int) -> tuple[list[dict[str, Any]], int]:
    """Follows next_cursor to the end; returns the items and how many pages it took."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, str | int] = {"limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        response = client.get(url, params=params, headers=tenant.headers)
        assert response.status_code == 200, response.text
        page = response.json()
        pages += 1
        assert len(page["items"]) <= limit
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return items, pages


def new_contact(client: TestClient, tenant: TenantHandle) -> str:
    response = client.post(
        f"{API}/contacts", json={"email": f"p-{uuid.uuid4().hex[:10]}@example.com"}, headers=tenant.headers
    )
    assert response.status_code == 201, response.text
    contact_id: str = response.json()["id"]
    return contact_id


def test_contacts_page_newest_first_without_duplicates(client: TestClient, tenant: TenantHandle) -> None:
    created = [new_contact(client, tenant) for _ in range(7)]
    items, pages = walk(client, tenant, f"{API}/contacts", limit=3)
    assert pages == 3
    assert [item["id"] for item in items] == list(reversed(created))


def test_an_exactly_full_last_page_has_no_next_cursor(client: TestClient, tenant: TenantHandle) -> None:
    for _ in range(4):
        new_contact(client, tenant)
    items, pages = walk(client, tenant, f"{API}/contacts", limit=2)
    assert (len(items), pages) == (4, 2)


def test_conversations_page_by_recent_activity(client: TestClient, tenant: TenantHandle) -> None:
    contact_id = new_contact(client, tenant)
    created = []
    for _ in range(5):
        response = client.post(
            f"{API}/conversations", json={"contact_id": contact_id, "channel": "web"}, headers=tenant.headers
        )
        created.append(response.json()["id"])
    items, pages = walk(client, tenant, f"{API}/conversations", limit=2)
    assert pages == 3
    assert [item["id"] for item in items] == list(reversed(created))

    filtered, _ = walk(client, tenant, f"{API}/conversations?channel=web&contact_id={contact_id}", limit=4)
    assert len(filtered) == 5


def test_messages_page_oldest_first(client: TestClient, tenant: TenantHandle) -> None:
    contact_id = new_contact(client, tenant)
    conversation = client.post(
        f"{API}/conversations",
        json={"contact_id": contact_id, "channel": "sms", "message": "message 0"},
        headers=tenant.headers,
    ).json()
    url = f"{API}/conversations/{conversation['id']}/messages"
    for n in range(1, 6):
        author = "contact" if n % 2 else "agent"
        response = client.post(url, json={"body": f"message {n}", "author_kind": author}, headers=tenant.headers)
        assert response.status_code == 201
    items, pages = walk(client, tenant, url, limit=4)
    assert pages == 2
    assert [item["body"] for item in items] == [f"message {n}" for n in range(6)]
    assert len({item["id"] for item in items}) == 6


def test_bad_paging_parameters_are_4xx(client: TestClient, tenant: TenantHandle) -> None:
    for params, expected in (
        ({"cursor": "not a cursor"}, 400),
        ({"cursor": "W10"}, 400),
        ({"limit": 0}, 422),
        ({"limit": 201}, 422),
        ({"limit": "many"}, 422),
    ):
        for url in (f"{API}/contacts", f"{API}/conversations"):
            response = client.get(url, params=params, headers=tenant.headers)
            assert response.status_code == expected, (url, params, response.text)
            assert "error" in response.json()
