"""The inbox tools in the staff web app, without a browser: canned responses managed in settings and offered
in the reply box, message search with marked (and escaped) snippets, and a contact merge after a confirmation."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import TenantHandle
from tests.web.forms import page_token, sign_in
from tests.web.members import add_member, owner_of


def _conversation(client: TestClient, tenant: TenantHandle, first: str, name: str = "Ana Lima") -> dict[str, Any]:
    contact = client.post("/api/v1/contacts", json={"name": name, "email": f"{uuid.uuid4().hex[:8]}@example.com"},
                          headers=tenant.headers).json()
    made: dict[str, Any] = client.post("/api/v1/conversations", headers=tenant.headers, json={
        "contact_id": contact["id"], "channel": "web", "message": first}).json()
    return made


def test_an_owner_adds_a_canned_response_and_the_reply_box_offers_it(client: TestClient, tenant: TenantHandle) -> None:
    conversation = _conversation(client, tenant, "Where can I park?")
    sign_in(client, owner_of(tenant))
    token = page_token(client, "/settings/canned-responses")
    added = client.post("/settings/canned-responses", data={
        "csrf_token": token, "title": "Parking", "body": "Free parking behind the salon & on Elm St.",
        "shortcut": "/parking"}, follow_redirects=False)
    assert added.status_code == 303
    listed = client.get("/api/v1/canned-responses", headers=tenant.headers).json()
    assert [(c["title"], c["shortcut"]) for c in listed] == [("Parking", "parking")]

    page = client.get(f"/conversations/{conversation['id']}")
    assert 'data-canned-picker' in page.text
    assert 'data-body="Free parking behind the salon &amp; on Elm St."' in page.text
    # Without JavaScript: picking one reloads the page with its text in the reply box.
    picked = client.get(f"/conversations/{conversation['id']}", params={"canned": listed[0]["id"]})
    assert ">Free parking behind the salon &amp; on Elm St.</textarea>" in picked.text


def test_a_bad_canned_response_form_is_shown_again_with_the_reason(client: TestClient, tenant: TenantHandle) -> None:
    sign_in(client, owner_of(tenant))
    token = page_token(client, "/settings/canned-responses")
    refused = client.post("/settings/canned-responses", data={
        "csrf_token": token, "title": "Hours", "body": "Nine to five", "shortcut": "has spaces"})
    assert refused.status_code == 422
    assert "Shortcut" in refused.text
    assert client.get("/api/v1/canned-responses", headers=tenant.headers).json() == []


def test_an_agent_uses_canned_responses_but_cannot_manage_them(client: TestClient, tenant: TenantHandle) -> None:
    client.post("/api/v1/canned-responses", json={"title": "Hi", "body": "Hello there"}, headers=tenant.headers)
    conversation = _conversation(client, tenant, "Hello?")
    agent = add_member(client, tenant, "agent")
    sign_in(client, agent)
    assert "Hello there" in client.get(f"/conversations/{conversation['id']}").text
    assert client.get("/settings/canned-responses").status_code == 403


def test_another_business_s_canned_response_cannot_be_picked(
    client: TestClient, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    theirs = client.post("/api/v1/canned-responses", json={"title": "T", "body": "their words"},
                         headers=other_tenant.headers).json()
    conversation = _conversation(client, tenant, "Hello?")
    sign_in(client, owner_of(tenant))
    answer = client.get(f"/conversations/{conversation['id']}", params={"canned": theirs["id"]})
    assert answer.status_code == 404
    assert "their words" not in answer.text


def test_search_marks_the_words_and_escapes_the_customer_s_text(client: TestClient, tenant: TenantHandle) -> None:
    _conversation(client, tenant, "<script>alert(1)</script> velvet fringe please", name="Bea <b>Bold</b>")
    sign_in(client, owner_of(tenant))
    page = client.get("/search", params={"q": "velvet"})
    assert page.status_code == 200
    assert "<mark>velvet</mark>" in page.text
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;b&gt;Bold&lt;/b&gt;" in page.text
    assert "No messages match" in client.get("/search", params={"q": "' OR 1=1 --"}).text
    assert client.get("/search", params={"q": "a\u0000b"}).status_code == 200  # the reason shown, never a 500
    assert client.get("/search", params={"q": "x", "cursor": "nonsense"}).status_code == 200


def test_search_shows_nothing_of_another_business(
    client: TestClient, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    _conversation(client, other_tenant, "their ochre secret")
    sign_in(client, owner_of(tenant))
    page = client.get("/search", params={"q": "ochre"}).text
    assert "their ochre secret" not in page
    assert "No messages match" in page


def test_a_contact_is_merged_after_a_confirmation(client: TestClient, tenant: TenantHandle) -> None:
    keep = client.post("/api/v1/contacts", json={"name": "Carla Keep", "email": "carla@example.com"},
                       headers=tenant.headers).json()
    conversation = _conversation(client, tenant, "It's me again from my work address", name="Carla (work)")
    duplicate = conversation["contact_id"]
    sign_in(client, owner_of(tenant))
    assert "Merge into" in client.get(f"/contacts/{duplicate}").text
    found = client.get(f"/contacts/{duplicate}/merge", params={"q": "Carla"})
    assert "Carla Keep" in found.text
    confirm = client.get(f"/contacts/{duplicate}/merge", params={"q": "Carla", "into": keep["id"]})
    assert "data-confirm=" in confirm.text
    token = page_token(client, f"/contacts/{duplicate}/merge?into={keep['id']}")
    merged = client.post(f"/contacts/{duplicate}/merge", data={"csrf_token": token, "into_contact_id": keep["id"]},
                         follow_redirects=False)
    assert merged.status_code == 303
    assert merged.headers["location"] == f"/contacts/{keep['id']}?done=merged"
    after = client.get(merged.headers["location"])
    assert "Contacts merged" in after.text
    assert f"/conversations/{conversation['id']}" in after.text
    assert client.get(f"/contacts/{duplicate}").status_code == 404


def test_a_merge_into_another_business_s_contact_is_refused(
    client: TestClient, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    mine = client.post("/api/v1/contacts", json={"email": "mine@example.com"}, headers=tenant.headers).json()
    theirs = client.post("/api/v1/contacts", json={"email": "t@example.com"}, headers=other_tenant.headers).json()
    sign_in(client, owner_of(tenant))
    token = page_token(client, f"/contacts/{mine['id']}/merge")
    for into in (theirs["id"], mine["id"], "not-a-uuid"):
        refused = client.post(f"/contacts/{mine['id']}/merge", data={"csrf_token": token, "into_contact_id": into})
        assert refused.status_code in {404, 409, 422}, (into, refused.status_code)
    assert client.get(f"/api/v1/contacts/{theirs['id']}", headers=other_tenant.headers).status_code == 200
    assert client.get(f"/api/v1/contacts/{mine['id']}", headers=tenant.headers).status_code == 200


def test_an_auditor_cannot_open_the_merge_page(client: TestClient, tenant: TenantHandle) -> None:
    one = client.post("/api/v1/contacts", json={"email": "one@example.com"}, headers=tenant.headers).json()
    sign_in(client, add_member(client, tenant, "auditor"))
    assert client.get(f"/contacts/{one['id']}/merge").status_code == 403
    assert "Merge into" not in client.get(f"/contacts/{one['id']}").text
