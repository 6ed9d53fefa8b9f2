"""Which websites may call the widget API from a browser: each business's allowed origins, nobody else.

A browser names the page's origin in ``Origin``; these tests send it as a browser would. Requests
without one (servers, curl, the rest of the suite) are not browsers' cross-origin requests and keep
working as before.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx2 as httpx
from fastapi.testclient import TestClient
from sqlalchemy import text

from engium.audit.recorder import PLATFORM_TENANT
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.channels.inbound_helpers import ChannelTenant, configured_tenant
from tests.conftest import audit_events

SHOP = "https://shop.example.com"
OTHER_SHOP = "https://other-shop.example.net"
NOBODY = "https://attacker.example.org"
WIDGET_HEADERS = "content-type, x-widget-key, x-widget-token"


def allow(client: TestClient, business: ChannelTenant, *origins: str) -> None:
    response = client.patch("/api/v1/settings", headers=business.tenant.headers,
                            json={"widget_allowed_origins": list(origins)})
    assert response.status_code == 200, response.text


def preflight(client: TestClient, origin: str, path: str = "/widget/v1/conversations") -> httpx.Response:
    return client.options(path, headers={
        "Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": WIDGET_HEADERS,
    })


def start(client: TestClient, business: ChannelTenant, origin: str | None, **body: Any) -> httpx.Response:
    headers = {"X-Widget-Key": business.widget_key} | ({"Origin": origin} if origin else {})
    return client.post("/widget/v1/conversations", json=body, headers=headers)


def contacts(runtime: Runtime, business: ChannelTenant) -> int:
    with tenant_transaction(runtime.database, business.tenant.id) as session:
        return int(session.execute(text("select count(*) from contacts")).scalar_one())


def refusals(runtime: Runtime, request_id: str) -> list[tuple[Any, ...]]:
    engine = runtime.database.owner_engine()
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(
                "select tenant_id, actor_kind, action, resource_id, details from audit_events where request_id = :r"
            ), {"r": request_id})]
    finally:
        engine.dispose()


def test_requests_without_an_origin_work_as_before(client: TestClient, runtime: Runtime) -> None:
    business = configured_tenant(client, runtime)  # no origin allowed at all
    started = start(client, business, None, message="Hello")
    assert started.status_code == 201, started.text
    assert "access-control-allow-origin" not in started.headers


def test_a_preflight_from_an_allowed_origin_gets_the_widgets_methods_and_headers(
    client: TestClient, runtime: Runtime
) -> None:
    allow(client, configured_tenant(client, runtime), SHOP)
    answer = preflight(client, SHOP)
    assert answer.status_code == 204
    assert answer.headers["access-control-allow-origin"] == SHOP
    assert answer.headers["access-control-allow-methods"] == "GET, POST, PUT"
    allowed_headers = answer.headers["access-control-allow-headers"].lower()
    assert {"x-widget-key", "x-widget-token", "content-type", "x-widget-user-signature"} <= {
        h.strip() for h in allowed_headers.split(",")}
    assert answer.headers["access-control-max-age"] == "600"
    assert "Origin" in answer.headers["vary"]
    assert "access-control-allow-credentials" not in answer.headers  # the widget sends no cookies
    assert answer.headers["x-content-type-options"] == "nosniff"  # the app's security headers still apply


def test_a_preflight_from_an_origin_nobody_allowed_is_refused_without_cors_headers(
    client: TestClient, runtime: Runtime
) -> None:
    allow(client, configured_tenant(client, runtime), SHOP)
    for origin in (NOBODY, "null", "https://shop.example.com.attacker.example.org", "http://shop.example.com"):
        answer = preflight(client, origin)
        assert answer.status_code == 403, origin
        assert "access-control-allow-origin" not in answer.headers


def test_a_request_from_an_origin_not_on_the_list_is_refused_before_it_reaches_the_api(
    client: TestClient, runtime: Runtime
) -> None:
    business = configured_tenant(client, runtime)
    allow(client, business, SHOP)
    refused = client.post("/widget/v1/conversations", json={"message": "Hello from a copied key"}, headers={
        "X-Widget-Key": business.widget_key, "Origin": NOBODY, "X-Request-Id": (request_id := uuid.uuid4().hex)})
    assert refused.status_code == 403
    assert refused.json() == {"error": {"code": "origin_not_allowed",
                                        "message": "This website is not allowed to use this chat widget"}}
    assert "access-control-allow-origin" not in refused.headers
    assert contacts(runtime, business) == 0  # nothing stored, nothing in the business's audit log
    assert not any(e["action"].startswith(("widget.", "contact.")) for e in audit_events(runtime, business.tenant))
    # The refusal itself is on record, in the platform's chain: no tenant was authenticated.
    (denied,) = refusals(runtime, request_id)
    assert denied == (PLATFORM_TENANT, "anonymous", "request.denied", "/widget/v1/conversations",
                      {"method": "POST", "status": 403})
    # Reading with a valid token from a foreign page is refused the same way.
    token = start(client, business, None).json()["token"]
    read = client.get("/widget/v1/messages", headers={
        "X-Widget-Key": business.widget_key, "X-Widget-Token": token, "Origin": NOBODY})
    assert read.status_code == 403


def test_the_public_key_alone_is_not_enough_from_an_origin_another_business_allows(
    client: TestClient, runtime: Runtime
) -> None:
    victim, other = configured_tenant(client, runtime), configured_tenant(client, runtime, suffix="-b")
    allow(client, victim, SHOP)
    allow(client, other, OTHER_SHOP)
    # The preflight carries no key, so it only learns that some business lists the origin...
    assert preflight(client, OTHER_SHOP).status_code == 204
    # ...but the request itself names the victim's key, which that origin may not use.
    refused = start(client, victim, OTHER_SHOP, message="Hi")
    assert refused.status_code == 403
    assert "access-control-allow-origin" not in refused.headers
    assert contacts(runtime, victim) == 0
    assert start(client, other, OTHER_SHOP).status_code == 201


def test_an_allowed_origin_gets_cors_headers_on_every_answer_errors_included(
    client: TestClient, runtime: Runtime
) -> None:
    business = configured_tenant(client, runtime)
    allow(client, business, SHOP)
    started = start(client, business, SHOP, message="Hello")
    assert started.status_code == 201, started.text
    assert started.headers["access-control-allow-origin"] == SHOP
    assert "Origin" in started.headers["vary"]
    assert "x-request-id" in started.headers["access-control-expose-headers"].lower()
    # An expired or forged token: the widget must be able to read the 401 to start afresh.
    forged = client.get("/widget/v1/messages", headers={
        "X-Widget-Key": business.widget_key, "X-Widget-Token": "A" * 43, "Origin": SHOP})
    assert forged.status_code == 401
    assert forged.headers["access-control-allow-origin"] == SHOP


def test_origins_are_compared_exactly(client: TestClient, runtime: Runtime) -> None:
    business = configured_tenant(client, runtime)
    allow(client, business, "http://localhost:8080", SHOP)
    assert start(client, business, "http://localhost:8080").status_code == 201
    for near_miss in ("http://localhost:8081", "https://localhost:8080", "https://example.com",
                      "https://www.shop.example.com", "https://shop.example.com:8443", "HTTPS://SHOP.EXAMPLE.COM"):
        assert start(client, business, near_miss).status_code == 403, near_miss


def test_removing_an_origin_takes_effect_at_once(client: TestClient, runtime: Runtime) -> None:
    business = configured_tenant(client, runtime)
    allow(client, business, SHOP)
    assert start(client, business, SHOP).status_code == 201
    allow(client, business)
    assert start(client, business, SHOP).status_code == 403


def test_engiums_own_origin_is_not_a_foreign_website(client: TestClient, runtime: Runtime) -> None:
    business = configured_tenant(client, runtime)
    own = runtime.settings.resolved_public_url
    assert start(client, business, own).status_code == 201


def test_the_script_itself_may_be_loaded_by_any_page(client: TestClient) -> None:
    loaded = client.get("/widget/v1/widget.js", headers={"Origin": NOBODY})
    assert loaded.status_code == 200
    assert loaded.headers["access-control-allow-origin"] == "*"
