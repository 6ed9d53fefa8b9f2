"""The staff web app's rules that need no browser: who may open what, forms that must prove they came
from our own page, what a refusal leaves in the audit log, and pages that keep to the strict CSP."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

from fastapi.testclient import TestClient

from engium.audit.middleware import AUDITED_PREFIXES
from engium.runtime import Runtime
from engium.web import staff_router
from engium.web.rendering import TEMPLATES_DIR
from tests.conftest import TenantHandle, audit_events, make_tenant
from tests.web.forms import page_token, sign_in
from tests.web.members import add_member, owner_of

PUBLIC_PATHS = ("/", "/static/", "/favicon.ico")


def test_the_home_page_sends_visitors_to_sign_in_and_members_to_the_inbox(
    client: TestClient, tenant: TenantHandle
) -> None:
    assert client.get("/", follow_redirects=False).headers["location"] == "/sign-in"
    signed_in = sign_in(client, owner_of(tenant))
    assert signed_in.status_code == 303
    assert client.get("/", follow_redirects=False).headers["location"] == "/inbox"


def test_signing_in_through_the_form_sets_the_same_cookies_as_the_api(client: TestClient, tenant: TenantHandle) -> None:
    response = sign_in(client, owner_of(tenant))
    cookies = response.headers.get_list("set-cookie")
    assert any(c.startswith("engium_session=") and "HttpOnly" in c for c in cookies)
    assert any(c.startswith("engium_csrf=") and "HttpOnly" not in c for c in cookies)
    # The API accepts the page's session: one session, two front ends.
    assert client.get("/api/v1/me").json()["role"] == "owner"


def test_a_wrong_password_shows_the_form_again_and_is_recorded(client: TestClient, tenant: TenantHandle) -> None:
    response = sign_in(client, owner_of(tenant).__class__(tenant.owner_email, "not the password"))
    assert response.status_code == 401
    assert "Invalid email or password" in response.text
    assert 'name="email"' in response.text


def test_the_sign_in_form_needs_the_token_of_the_page_it_came_from(client: TestClient, tenant: TenantHandle) -> None:
    # Another site posting its own credentials would sign this browser into the attacker's account.
    response = client.post("/sign-in", data={"email": tenant.owner_email, "password": "correct horse battery staple"},
                           follow_redirects=False)
    assert response.status_code == 400
    assert "engium_session" not in response.headers.get("set-cookie", "")


def test_a_form_post_without_the_pages_csrf_token_is_refused_and_recorded(
    client: TestClient, tenant: TenantHandle, runtime: Runtime
) -> None:
    sign_in(client, owner_of(tenant))
    for token in ("", "forged-token"):
        response = client.post("/settings", data={"business_name": "Taken over", "csrf_token": token})
        assert response.status_code == 403
        assert "did not come from Engium" in response.text
    assert client.get("/api/v1/settings").json()["business_name"] != "Taken over"
    refused = [e for e in audit_events(runtime, tenant) if e["action"] == "request.denied"]
    assert refused
    assert refused[-1]["resource_id"] == "/settings"

    token = page_token(client)
    assert '<option value="es">Español</option>' in client.get("/settings").text
    saved = client.post("/settings", data={"business_name": "Renamed", "timezone": "UTC", "language": "es",
                                           "csrf_token": token}, follow_redirects=False)
    assert saved.status_code == 303
    assert {k: v for k, v in client.get("/api/v1/settings").json().items() if k in ("business_name", "language")} == {
        "business_name": "Renamed", "language": "es"}
    assert '<option value="es" selected>Español</option>' in client.get("/settings").text


def test_a_role_without_the_permission_is_refused_on_the_server_too(
    client: TestClient, tenant: TenantHandle
) -> None:
    agent = add_member(client, tenant, "agent")
    sign_in(client, agent)
    token = page_token(client)
    assert client.get("/settings").status_code == 403
    refused = client.post("/settings", data={"business_name": "Agent's salon", "csrf_token": token})
    assert refused.status_code == 403
    assert "have access to this" in refused.text
    assert client.post("/team/invitations", data={"email": "x@example.com", "role": "owner",
                                                  "csrf_token": token}).status_code == 403


def test_an_auditor_cannot_reply_to_a_customer(client: TestClient, tenant: TenantHandle) -> None:
    contact = client.post("/api/v1/contacts", json={"phone": "+447700900321"}, headers=tenant.headers).json()
    conversation = client.post("/api/v1/conversations", headers=tenant.headers, json={
        "contact_id": contact["id"], "channel": "sms", "message": "Hello?"}).json()
    auditor = add_member(client, tenant, "auditor")
    sign_in(client, auditor)
    token = page_token(client)
    page = client.get(f"/conversations/{conversation['id']}")
    assert page.status_code == 200
    assert "Hello?" in page.text
    assert f'action="/conversations/{conversation["id"]}/reply"' not in page.text
    reply = client.post(f"/conversations/{conversation['id']}/reply", data={"body": "Hi", "csrf_token": token})
    assert reply.status_code == 403


def test_another_businesss_conversation_is_not_found(
    client: TestClient, tenant: TenantHandle, runtime: Runtime
) -> None:
    other = make_tenant(runtime)
    contact = client.post("/api/v1/contacts", json={"phone": "+447700900654"}, headers=other.headers).json()
    theirs = client.post("/api/v1/conversations", headers=other.headers,
                         json={"contact_id": contact["id"], "channel": "sms", "message": "Private"}).json()
    sign_in(client, owner_of(tenant))
    response = client.get(f"/conversations/{theirs['id']}")
    assert response.status_code == 404
    assert "Private" not in response.text
    assert client.get(f"/conversations/{uuid.uuid4()}").status_code == 404


def _paths(router: Any) -> Iterator[str]:
    for route in router.routes:
        included = getattr(route, "original_router", None)  # FastAPI keeps included routers nested
        yield from _paths(included) if included is not None else [str(route.path)]


def test_every_page_refusal_reaches_the_audit_log() -> None:
    """A page's path must start with one of the middleware's audited prefixes (or be a static asset)."""
    paths = list(_paths(staff_router))
    assert {"/inbox", "/settings/staff/{staff_id}"} <= set(paths)
    for path in paths:
        assert path.startswith(AUDITED_PREFIXES) or path == "/" or path.startswith(PUBLIC_PATHS[1:]), path


def test_templates_carry_no_inline_script_style_or_event_handlers() -> None:
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
    style_attribute = re.compile(r"\sstyle=", re.IGNORECASE)
    handler = re.compile(r"\son[a-z]+=", re.IGNORECASE)
    for template in TEMPLATES_DIR.rglob("*.html"):
        text = template.read_text()
        for pattern in (inline_script, style_attribute, handler):
            assert not pattern.search(text), f"{template.name}: {pattern.pattern}"
        assert "<style" not in text, template.name


def test_pages_are_sent_with_the_strict_content_security_policy(client: TestClient) -> None:
    policy = client.get("/sign-in").headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_the_api_reference_loads_nothing_from_elsewhere(client: TestClient) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "http://" not in page.text
    assert "https://" not in page.text
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200, asset
        assert "immutable" in served.headers["cache-control"]
    assert client.get("/static/0/../../etc/passwd").status_code == 404


def test_changing_the_password_needs_the_current_one_and_is_audited(
    client: TestClient, tenant: TenantHandle, runtime: Runtime
) -> None:
    owner = owner_of(tenant)
    sign_in(client, owner)
    token = page_token(client)
    new = "a brand new passphrase"
    wrong = client.post("/account/password", data={"csrf_token": token, "current_password": "guess",
                                                   "new_password": new, "new_password_confirmation": new})
    assert wrong.status_code == 401
    changed = client.post("/account/password", data={"csrf_token": token, "current_password": owner.password,
                                                      "new_password": new, "new_password_confirmation": new},
                          follow_redirects=False)
    assert changed.status_code == 303
    assert any(e["action"] == "auth.password_changed" for e in audit_events(runtime, tenant))
    client.cookies.clear()
    assert sign_in(client, owner).status_code == 401
    assert sign_in(client, owner.__class__(owner.email, new)).status_code == 303
