"""The plain conversation list read answered ahead of FastAPI's routing (ADR 0049): it takes only the requests it
understands fully, and for every request, taken or not, the answer is the one the FastAPI route gives."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Match

from engium.access.permissions import Role
from engium.app import create_app
from engium.conversations.list_read_route import ConversationListRoute, plain_page_request
from engium.kit.database import Database
from engium.kit.pagination import DEFAULT_LIMIT, MAX_LIMIT
from engium.runtime import Runtime
from tests.audit.request_events import events
from tests.conftest import CLIENT_IP, TenantHandle, bearer, make_api_key
from tests.conversations.conversation_seeding import start_conversations

API = "/api/v1"
URL = f"{API}/conversations"
CURSOR = "1767225600000000.0f8fad5bd9cb469fa16570867728950e"
# A request id of the client's own, echoed by both applications, so whole header sets can be compared.
REQUEST_ID = {"X-Request-Id": "list-read-route-test"}


@pytest.mark.parametrize(
    ("query", "limit", "has_cursor"),
    [
        (b"", DEFAULT_LIMIT, False),
        (b"limit=1", 1, False),
        (b"limit=50", 50, False),
        (f"limit={MAX_LIMIT}".encode(), MAX_LIMIT, False),
        (f"cursor={CURSOR}".encode(), DEFAULT_LIMIT, True),
        (f"cursor={CURSOR}&limit=7".encode(), 7, True),
    ],
)
def test_a_plain_query_string_is_taken(query: bytes, limit: int, has_cursor: bool) -> None:
    page = plain_page_request(query)
    assert page is not None
    assert page.limit == limit
    assert (page.cursor is not None) == has_cursor


@pytest.mark.parametrize(
    "query",
    [
        b"limit=0", f"limit={MAX_LIMIT + 1}".encode(), b"limit=050", b"limit=+5", b"limit=-1", b"limit=5.0",
        b"limit=%35", b"limit=", b"limit", b"limit=5&limit=6", b"limit=5&", b"&", b"limit=1000000000000",
        b"cursor=nonsense", b"cursor=", f"cursor={CURSOR.upper()}".encode(),
        f"cursor={CURSOR}&cursor={CURSOR}".encode(),
        b"status=open", b"channel=web", b"contact_id=0f8fad5b-d9cb-469f-a165-70867728950e", b"foo=bar",
        b"limit=5&foo=bar", "limit=\uff15".encode(), b"limit=5\x00",
    ],
)
def test_anything_else_goes_on_to_the_fastapi_route(query: bytes) -> None:
    assert plain_page_request(query) is None
    route = ConversationListRoute(URL)
    assert route.matches({"type": "http", "method": "GET", "path": URL, "query_string": query})[0] == Match.NONE


def test_only_a_get_of_exactly_the_path_is_taken() -> None:
    route = ConversationListRoute(URL)
    scope = {"type": "http", "method": "GET", "path": URL, "query_string": b"limit=5"}
    assert route.matches(scope)[0] == Match.FULL
    for other in ({"method": "HEAD"}, {"method": "POST"}, {"path": URL + "/"}, {"path": API + "/contacts"}):
        assert route.matches({**scope, **other})[0] == Match.NONE
    assert route.matches({"type": "websocket", "path": URL, "query_string": b""})[0] == Match.NONE


def test_the_app_matches_it_first_and_documents_the_fastapi_route(client: TestClient) -> None:
    app = client.app
    assert isinstance(app, FastAPI)
    assert isinstance(app.router.routes[0], ConversationListRoute)
    document = client.get(f"{API}/openapi.json").json()
    listed = document["paths"]["/api/v1/conversations"]["get"]
    assert {p["name"] for p in listed["parameters"]} == {
        "cursor", "limit", "status", "channel", "assignee_user_id", "contact_id"
    }


@pytest.fixture
def framework_only(runtime: Runtime) -> Iterator[TestClient]:
    """The same application without the plain route: every request goes through FastAPI's route."""
    app = create_app(runtime)
    app.router.routes[:] = [r for r in app.router.routes if not isinstance(r, ConversationListRoute)]
    with TestClient(app, client=(CLIENT_IP, 50123)) as test_client:
        yield test_client


def test_every_answer_is_the_fastapi_routes_to_the_byte(
    client: TestClient,
    framework_only: TestClient,
    runtime: Runtime,
    tenant: TenantHandle,
    other_tenant: TenantHandle,
) -> None:
    start_conversations(client, tenant, 4, subject="Plain read ")
    start_conversations(client, other_tenant, 2, subject="Their read ")
    first = client.get(URL, params={"limit": 2}, headers=tenant.headers).json()
    cursor = first["next_cursor"]
    assert cursor is not None
    revoked = make_api_key(runtime, tenant, Role.AGENT)
    listed = client.get(f"{API}/api-keys", headers=tenant.headers).json()
    revoked_id = next(k["id"] for k in listed if k["role"] == "agent")
    assert client.delete(f"{API}/api-keys/{revoked_id}", headers=tenant.headers).status_code == 200

    credentials: dict[str, dict[str, str]] = {
        "none": {},
        "owner": tenant.headers,
        "other business": other_tenant.headers,
        "unknown key": bearer("egk_not_a_key"),
        "revoked key": bearer(revoked),
        "malformed": {"Authorization": "Token abc"},
        "empty bearer": {"Authorization": "Bearer "},
        "oversized": bearer("egk_" + "x" * 300),
        "unknown session": {"Cookie": "engium_session=not-a-session"},
        # The statement is bound client-side (ADR 0049): text that would break out of a quoted literal
        # reaches it only as a digest.
        "quoting key": bearer("egk_'; select pg_sleep(1); --"),
        "quoting session": {"Cookie": "engium_session=x\\'); commit; --"},
    }
    queries = [
        "", "limit=1", "limit=2", f"limit={MAX_LIMIT}", f"cursor={cursor}&limit=2", f"limit=2&cursor={cursor}",
        f"cursor={CURSOR}", "limit=0", "limit=201", "limit=050", "limit=abc", "limit=2&limit=3", "cursor=nonsense",
        "status=open", "status=lost", "channel=web&limit=1", "foo=bar", "limit=%32", "&&",
    ]
    compared = 0
    for name, credential in credentials.items():
        for query in queries:
            headers = {**credential, **REQUEST_ID}
            fast = client.get(f"{URL}?{query}", headers=headers, follow_redirects=False)
            framework = framework_only.get(f"{URL}?{query}", headers=headers, follow_redirects=False)
            where = f"{name}: ?{query}"
            assert fast.status_code == framework.status_code, where
            assert fast.content == framework.content, where
            assert dict(fast.headers) == dict(framework.headers), where
            if name not in ("owner", "other business"):
                assert fast.status_code == 401, where
            compared += 1
    for method in ("HEAD", "POST", "PUT"):
        fast = client.request(method, URL, headers={**tenant.headers, **REQUEST_ID})
        framework = framework_only.request(method, URL, headers={**tenant.headers, **REQUEST_ID})
        assert (fast.status_code, fast.content) == (framework.status_code, framework.content), method
        assert fast.status_code < 500, method
    assert compared == len(credentials) * len(queries)


def test_each_business_sees_only_its_own_rows_through_the_plain_route(
    client: TestClient, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    ours = set(start_conversations(client, tenant, 3))
    theirs = set(start_conversations(client, other_tenant, 2))
    for query in ("", "?limit=50", "?limit=1"):
        seen_by_us = {c["id"] for c in client.get(URL + query, headers=tenant.headers).json()["items"]}
        seen_by_them = {c["id"] for c in client.get(URL + query, headers=other_tenant.headers).json()["items"]}
        assert seen_by_us <= ours
        assert seen_by_them <= theirs
        assert len(seen_by_us) == min(3, 50 if query != "?limit=1" else 1)


def test_a_refused_plain_read_is_audited_like_any_refusal(client: TestClient, database: Database) -> None:
    request_id = uuid.uuid4().hex
    refused = client.get(URL, params={"limit": 5}, headers={**bearer("egk_not_a_key"), "X-Request-Id": request_id})
    assert refused.status_code == 401
    [event] = events(database, request_id)
    assert (event.actor_kind, event.action, event.outcome) == ("anonymous", "request.denied", "denied")
    assert event.resource_id == URL
    assert event.details == {"method": "GET", "status": 401}
    assert event.host == CLIENT_IP
