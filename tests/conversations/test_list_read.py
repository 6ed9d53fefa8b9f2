"""GET /api/v1/conversations on the event loop (ADR 0034): the same bytes, refusals and tenant binding as
the thread-pool routes, with the credential lookup, the binding and the page in two pipelined round trips."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from sqlalchemy import text

from engium.access.permissions import Role
from engium.conversations import repository as repo
from engium.conversations.schemas import ContactOut, ConversationOut
from engium.kit.async_pool import AsyncAppPool
from engium.kit.pagination import Page, decode_cursor, encode_cursor
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import OWNER_PASSWORD, TenantHandle, bearer, make_api_key
from tests.conversations.conversation_seeding import start_conversations
from tests.security.sign_in import sign_in

API = "/api/v1"


def model_bytes(runtime: Runtime, tenant: TenantHandle, limit: int, **query: Any) -> bytes:
    """What the model-based route sent for the same page: rows through Page[ConversationOut] and JSONResponse."""
    cursor = decode_cursor(query.pop("cursor", None))
    with tenant_transaction(runtime.database, tenant.id) as session:
        rows = repo.list_conversations(session, cursor=cursor, limit=limit, **query)
    items = rows[:limit]
    next_cursor = encode_cursor(items[-1].last_message_at, items[-1].id) if len(rows) > limit else None
    page = Page[ConversationOut](items=[ConversationOut.model_validate(row) for row in items], next_cursor=next_cursor)
    return bytes(JSONResponse(page.model_dump(mode="json")).body)


def test_every_page_is_byte_for_byte_what_the_models_wrote(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    start_conversations(client, tenant, 5, subject='Öffnungszeiten "heute" \u2028 </script> ')
    first = client.get(f"{API}/conversations", params={"limit": 2}, headers=tenant.headers)
    assert first.status_code == 200
    assert first.headers["content-type"] == "application/json"
    assert first.content == model_bytes(runtime, tenant, 2)
    cursor = first.json()["next_cursor"]
    assert cursor is not None

    second = client.get(f"{API}/conversations", params={"limit": 2, "cursor": cursor}, headers=tenant.headers)
    assert second.content == model_bytes(runtime, tenant, 2, cursor=cursor)
    filtered = client.get(f"{API}/conversations", params={"status": "open", "channel": "web"}, headers=tenant.headers)
    assert filtered.content == model_bytes(runtime, tenant, 50, status="open", channel="web")
    assert len(filtered.json()["items"]) == 5
    assert filtered.json()["next_cursor"] is None
    none = client.get(f"{API}/conversations", params={"status": "escalated"}, headers=tenant.headers)
    assert none.json() == {"items": [], "next_cursor": None}


def test_each_key_reads_its_own_business_only(
    client: TestClient, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    ours = set(start_conversations(client, tenant, 3))
    theirs = set(start_conversations(client, other_tenant, 2))
    # Interleaved on the same pooled connections: no binding outlives its request.
    for _ in range(5):
        seen_by_us = {c["id"] for c in client.get(f"{API}/conversations", headers=tenant.headers).json()["items"]}
        seen_by_them = {
            c["id"] for c in client.get(f"{API}/conversations", headers=other_tenant.headers).json()["items"]
        }
        assert seen_by_us == ours
        assert seen_by_them == theirs


def test_refusals_keep_their_status_message_and_precedence(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    url = f"{API}/conversations"
    missing = client.get(url)
    assert missing.status_code == 401
    assert missing.json()["error"]["message"] == "Authentication required"
    malformed = client.get(url, headers={"Authorization": "Token abc"})
    assert malformed.status_code == 401
    assert malformed.headers["www-authenticate"] == "Bearer"
    assert malformed.json()["error"]["message"] == "Malformed Authorization header; expected 'Bearer <api key>'"
    # A bad credential is refused before the query string is looked at, as on every other route.
    unknown = client.get(url, params={"limit": 0, "cursor": "nonsense"}, headers=bearer("egk_not_a_key"))
    assert unknown.status_code == 401
    assert unknown.json()["error"]["message"] == "Invalid or revoked API key"

    assert client.get(url, params={"limit": 0}, headers=tenant.headers).status_code == 422
    assert client.get(url, params={"status": "lost"}, headers=tenant.headers).status_code == 422
    bad_cursor = client.get(url, params={"cursor": "nonsense"}, headers=tenant.headers)
    assert bad_cursor.status_code == 400
    assert bad_cursor.json()["error"]["message"] == "Invalid cursor"


def test_a_revoked_key_is_refused_on_its_next_read(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    key = make_api_key(runtime, tenant, Role.AGENT)
    assert client.get(f"{API}/conversations", headers=bearer(key)).status_code == 200
    listed = client.get(f"{API}/api-keys", headers=tenant.headers).json()
    key_id = next(k["id"] for k in listed if k["role"] == "agent")
    assert client.delete(f"{API}/api-keys/{key_id}", headers=tenant.headers).status_code == 200
    refused = client.get(f"{API}/conversations", headers=bearer(key))
    assert refused.status_code == 401
    assert refused.json()["error"]["message"] == "Invalid or revoked API key"


def test_the_key_is_marked_used_at_most_once_a_minute(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    def last_used() -> datetime | None:
        with tenant_transaction(runtime.database, tenant.id) as session:
            found = session.execute(text("select last_used_at from api_keys where name = 'test owner key'"))
            value: datetime | None = found.scalar_one()
            return value

    long_ago = datetime.now(UTC) - timedelta(minutes=5)
    with tenant_transaction(runtime.database, tenant.id) as session:
        session.execute(text("update api_keys set last_used_at = :t"), {"t": long_ago})
    assert client.get(f"{API}/conversations", headers=tenant.headers).status_code == 200
    touched = last_used()
    assert touched is not None
    assert touched > long_ago + timedelta(minutes=4)
    assert client.get(f"{API}/conversations", headers=tenant.headers).status_code == 200
    assert last_used() == touched


def test_a_staff_session_reads_the_same_list(client: TestClient, tenant: TenantHandle) -> None:
    made = set(start_conversations(client, tenant, 2))
    assert sign_in(client, tenant.owner_email, OWNER_PASSWORD).status_code == 200
    answer = client.get(f"{API}/conversations")
    assert answer.status_code == 200
    assert {c["id"] for c in answer.json()["items"]} == made


def test_a_pooled_connection_goes_back_idle_and_unbound(client: TestClient, tenant: TenantHandle) -> None:
    assert client.get(f"{API}/conversations", headers=tenant.headers).status_code == 200
    pool: AsyncAppPool = client.app.state.async_pool  # type: ignore[attr-defined]

    async def setting_on_a_lent_connection() -> set[tuple[str, str | None]]:
        seen = set()
        async with pool.connection() as conn:
            status = conn.info.transaction_status.name
            row = await (await conn.execute("select current_setting('engium.tenant_id', true)")).fetchone()
            seen.add((status, row[0] if row else None))
        return seen

    assert client.portal is not None
    for status, setting in client.portal.call(setting_on_a_lent_connection):
        assert status == "IDLE"
        assert setting in (None, "")


def test_a_pool_serves_only_the_loop_that_opened_it(runtime: Runtime, tenant: TenantHandle) -> None:
    pool = AsyncAppPool(runtime.database, max_size=2)

    async def read_setting() -> str | None:
        async with pool.connection() as conn:
            row = await (await conn.execute("select current_setting('engium.tenant_id', true)")).fetchone()
            return row[0] if row else None

    async def twice() -> list[str | None]:
        try:
            return [await read_setting(), await read_setting()]
        finally:
            await pool.close()

    # Two separate loops, each with its own connections: neither reuses the other's.
    assert asyncio.run(twice()) in ([None, None], ["", ""], [None, ""], ["", None])
    assert asyncio.run(twice()) in ([None, None], ["", ""], [None, ""], ["", None])


def test_the_contact_list_is_byte_for_byte_what_the_models_wrote(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    for n, name in enumerate(("Ana 100% sure", "Ana_2", "Bob", "Zoë")):
        made = client.post(f"{API}/contacts", json={"name": name, "widget_id": f"v{n}"}, headers=tenant.headers)
        assert made.status_code == 201, made.text
    theirs = {"name": "Ana of another business", "widget_id": "v0"}
    assert client.post(f"{API}/contacts", json=theirs, headers=other_tenant.headers).status_code == 201

    def model_bytes_of_contacts(limit: int, cursor: str | None = None, q: str | None = None) -> bytes:
        with tenant_transaction(runtime.database, tenant.id) as session:
            rows = repo.list_contacts(session, cursor=decode_cursor(cursor), limit=limit, q=q)
        items = rows[:limit]
        next_cursor = encode_cursor(items[-1].created_at, items[-1].id) if len(rows) > limit else None
        page = Page[ContactOut](items=[ContactOut.model_validate(row) for row in items], next_cursor=next_cursor)
        return bytes(JSONResponse(page.model_dump(mode="json")).body)

    first = client.get(f"{API}/contacts", params={"limit": 3}, headers=tenant.headers)
    assert first.content == model_bytes_of_contacts(3)
    cursor = first.json()["next_cursor"]
    second = client.get(f"{API}/contacts", params={"limit": 3, "cursor": cursor}, headers=tenant.headers)
    assert second.content == model_bytes_of_contacts(3, cursor)
    # % and _ are matched as themselves, and another business's Ana is never found.
    percent = client.get(f"{API}/contacts", params={"q": " 100% "}, headers=tenant.headers)
    assert [c["name"] for c in percent.json()["items"]] == ["Ana 100% sure"]
    underscore = client.get(f"{API}/contacts", params={"q": "a_"}, headers=tenant.headers)
    assert [c["name"] for c in underscore.json()["items"]] == ["Ana_2"]
    anas = client.get(f"{API}/contacts", params={"q": "ana"}, headers=tenant.headers)
    assert anas.content == model_bytes_of_contacts(50, q="ana")
    assert sorted(c["name"] for c in anas.json()["items"]) == ["Ana 100% sure", "Ana_2"]
    assert client.get(f"{API}/contacts", params={"q": "x" * 201}, headers=tenant.headers).status_code == 422


def test_an_unreachable_database_is_a_quick_503(client: TestClient, runtime: Runtime, tenant: TenantHandle) -> None:
    # Port 9 (discard): nothing listens there, so every connection attempt is refused.
    unreachable = replace(runtime.database.urls, app="postgresql+psycopg://engium_app@127.0.0.1:9/engium")
    nowhere = replace(runtime.database, urls=unreachable)
    app_state = client.app.state  # type: ignore[attr-defined]
    broken = AsyncAppPool(nowhere)
    working, app_state.async_pool = app_state.async_pool, broken
    try:
        started = time.monotonic()
        answer = client.get(f"{API}/conversations", headers=tenant.headers)
        assert answer.status_code == 503
        assert answer.headers["retry-after"]
        assert time.monotonic() - started < 10
    finally:
        app_state.async_pool = working
        assert client.portal is not None
        client.portal.call(broken.close)
