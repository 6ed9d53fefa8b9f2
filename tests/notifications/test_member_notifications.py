"""A member's own notifications through the API and the staff app: listed newest first, counted, marked
read; nobody reads or clears another member's, another business's, or any with an API key."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from engium.runtime import Runtime
from tests.conftest import TenantHandle, audit_events
from tests.notifications.conftest import escalated_conversation, notification_rows
from tests.web.forms import page_token
from tests.web.members import add_member, owner_of


def test_a_member_lists_counts_and_marks_their_notifications_read(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, signed_in: Any
) -> None:
    first, second = escalated_conversation(client, tenant), escalated_conversation(client, tenant)
    owner = signed_in(owner_of(tenant))
    assert owner.get("/api/v1/notifications/unread-count").json() == {"unread": 2}
    listed = owner.get("/api/v1/notifications", params={"limit": 1})
    assert listed.status_code == 200, listed.text
    (newest,) = listed.json()["items"]
    assert newest["conversation_id"] == second
    assert newest["kind"] == "conversation_escalated"
    assert newest["title"] == "A conversation was handed to a person"
    assert newest["read_at"] is None
    older = owner.get("/api/v1/notifications", params={"cursor": listed.json()["next_cursor"], "limit": 1})
    assert [item["conversation_id"] for item in older.json()["items"]] == [first]

    marked = owner.post("/api/v1/notifications/read", json={"ids": [newest["id"]]})
    assert marked.json() == {"marked": 1}
    assert owner.post("/api/v1/notifications/read", json={"ids": [newest["id"]]}).json() == {"marked": 0}
    assert [i["conversation_id"] for i in owner.get("/api/v1/notifications?unread=true").json()["items"]] == [first]
    assert owner.post("/api/v1/notifications/read", json={"all": True}).json() == {"marked": 1}
    assert owner.get("/api/v1/notifications/unread-count").json() == {"unread": 0}
    reads = [e["details"] for e in audit_events(runtime, tenant) if e["action"] == "notifications.read"]
    assert reads == [{"count": 1, "all": False}, {"count": 1, "all": True}]


def test_an_api_key_has_no_notifications_and_is_told_why(client: TestClient, tenant: TenantHandle) -> None:
    for method, path, body in (("GET", "/api/v1/notifications", None), ("POST", "/api/v1/notifications/read",
                                                                       {"all": True}),
                               ("PATCH", "/api/v1/notifications/preferences", {"on_call": True})):
        response = client.request(method, path, json=body, headers=tenant.headers)
        assert response.status_code == 403, response.text
        assert "member of staff" in response.json()["error"]["message"]


def test_a_member_cannot_clear_another_members_notifications(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, signed_in: Any
) -> None:
    agent = signed_in(add_member(client, tenant, "agent"))
    escalated_conversation(client, tenant)
    owners = [r["id"] for r in notification_rows(runtime, tenant) if r["user_id"] == tenant.owner_user_id]
    assert agent.post("/api/v1/notifications/read", json={"ids": [str(i) for i in owners]}).json() == {"marked": 0}
    token = page_token(agent, "/notifications")
    opened = agent.post(f"/notifications/{owners[0]}/open", data={"csrf_token": token}, follow_redirects=False)
    assert opened.status_code == 404
    assert all(r["read_at"] is None for r in notification_rows(runtime, tenant) if r["user_id"] == tenant.owner_user_id)


def test_another_business_cannot_see_or_open_this_ones_notifications(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, other_tenant: TenantHandle, signed_in: Any
) -> None:
    escalated_conversation(client, tenant)
    (ours,) = notification_rows(runtime, tenant)
    stranger = signed_in(owner_of(other_tenant))
    assert stranger.get("/api/v1/notifications").json()["items"] == []
    assert stranger.post("/api/v1/notifications/read", json={"ids": [str(ours["id"])]}).json() == {"marked": 0}
    token = page_token(stranger, "/notifications")
    opened = stranger.post(f"/notifications/{ours['id']}/open", data={"csrf_token": token}, follow_redirects=False)
    assert opened.status_code == 404
    assert notification_rows(runtime, tenant)[0]["read_at"] is None


def test_bad_requests_are_refused_with_a_reason(client: TestClient, tenant: TenantHandle, signed_in: Any) -> None:
    owner = signed_in(owner_of(tenant))
    for body in ({}, {"ids": [], "all": False}, {"ids": ["not-a-uuid"]}, {"all": "yes"},
                 {"ids": ["00000000-0000-0000-0000-000000000001"], "all": True},
                 {"ids": ["00000000-0000-0000-0000-000000000001"] * 201}):
        response = owner.post("/api/v1/notifications/read", json=body)
        assert response.status_code == 422, (body, response.text)
    for change in ({"on_call": "yes"}, {"surprise": True}, {"daily_digest": 1}, {"email_muted_kinds": ["everything"]},
                   {"email_muted_kinds": "booking_created"}):
        response = owner.patch("/api/v1/notifications/preferences", json=change)
        assert response.status_code == 422, (change, response.text)


def test_the_staff_app_lists_notifications_opens_them_and_keeps_the_bell_count(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, signed_in: Any
) -> None:
    conversation_id = escalated_conversation(client, tenant)
    owner = signed_in(owner_of(tenant))
    page = owner.get("/notifications")
    assert page.status_code == 200
    assert "A conversation was handed to a person" in page.text
    assert 'data-unread-count data-live-notifications="/notifications/events">1</span>' in page.text
    (row,) = notification_rows(runtime, tenant)
    opened = owner.post(f"/notifications/{row['id']}/open", data={"csrf_token": page_token(owner, "/notifications")},
                        follow_redirects=False)
    assert opened.status_code == 303
    assert opened.headers["location"] == f"/conversations/{conversation_id}"
    assert notification_rows(runtime, tenant)[0]["read_at"] is not None
    assert "data-unread-count data-live-notifications=\"/notifications/events\" hidden>0" in owner.get("/inbox").text

    page = owner.get("/notifications").text
    assert page.count('name="email_kinds"') == 7
    assert 'value="booking_created" checked' in page
    kept = ["conversation_escalated", "conversation_after_hours", "conversation_awaiting_staff",
            "message_delivery_failed"]
    saved = owner.post("/notifications/settings", data={"csrf_token": page_token(owner, "/notifications"),
                                                        "on_call": "on", "daily_digest": "on", "email_kinds": kept},
                       follow_redirects=False)
    assert saved.status_code == 303
    muted = ["booking_created", "booking_cancelled", "booking_rescheduled"]
    assert owner.get("/api/v1/notifications/preferences").json() == {
        "email_enabled": False, "on_call": True, "daily_digest": True, "email_muted_kinds": muted}
    assert 'value="booking_created"> New booking' in owner.get("/notifications").text
    changed = [e["details"] for e in audit_events(runtime, tenant) if e["action"] == "notification.preferences_changed"]
    assert changed == [{"email_enabled": False, "on_call": True, "daily_digest": True, "email_muted_kinds": muted}]


def test_a_form_without_its_csrf_token_changes_nothing(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, signed_in: Any
) -> None:
    escalated_conversation(client, tenant)
    owner = signed_in(owner_of(tenant))
    response = owner.post("/notifications/read", data={}, follow_redirects=False)
    assert response.status_code == 403
    assert notification_rows(runtime, tenant)[0]["read_at"] is None
