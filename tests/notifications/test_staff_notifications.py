"""Staff are told when they must act: an escalation, a customer writing in outside opening hours, a booking
the assistant or a customer changed. In the staff app for every member who acts on conversations, and by
e-mail (a real SMTP server) to the assignee, else the members on call, else the owners."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.bookings.conftest import open_shop
from tests.conftest import TenantHandle, audit_events, make_tenant
from tests.mail.conftest import SmtpServer
from tests.notifications.conftest import (
    ALWAYS_OPEN,
    escalated_conversation,
    hours_excluding_now,
    member_id,
    notification_rows,
    received,
    send_notification_mail,
    utc_now,
)
from tests.web.members import add_member, owner_of


def test_an_escalation_notifies_every_acting_member_in_the_app_and_emails_the_owner_when_nobody_is_on_call(
    client: TestClient, runtime: Runtime, mail_runtime: Runtime, smtp_server: SmtpServer, tenant: TenantHandle
) -> None:
    agent = add_member(client, tenant, "agent")
    auditor = add_member(client, tenant, "auditor")
    conversation_id = escalated_conversation(client, tenant)

    rows = notification_rows(runtime, tenant)
    told = {row["user_id"] for row in rows}
    assert told == {tenant.owner_user_id, member_id(runtime, tenant, agent.email)}
    assert member_id(runtime, tenant, auditor.email) not in told, "auditors read; they do not act"
    assert {row["kind"] for row in rows} == {"conversation_escalated"}
    assert {str(row["conversation_id"]) for row in rows} == {conversation_id}
    emailed = [row for row in rows if row["email_state"] is not None]
    assert [row["user_id"] for row in emailed] == [tenant.owner_user_id]

    send_notification_mail(mail_runtime)
    ((recipients, subject, body),) = received(smtp_server)
    assert recipients == [tenant.owner_email]
    assert "handed to a person" in subject
    assert f"/conversations/{conversation_id}" in body
    # The e-mail leaves through the operator's relay: no customer's name, number or words.
    assert "Grace" not in body + subject
    assert "+1500555" not in body
    assert "refund" not in body
    assert {row["email_state"] for row in notification_rows(runtime, tenant) if row["email_state"]} == {"queued"}
    created = [e for e in audit_events(runtime, tenant) if e["action"] == "notifications.created"]
    assert created[-1]["details"] == {"kind": "conversation_escalated", "conversation_id": conversation_id,
                                      "booking_id": None, "in_app": 2, "emailed": 1}


def test_the_assignee_is_emailed_rather_than_the_on_call_list_or_the_owner(
    client: TestClient, runtime: Runtime, mail_runtime: Runtime, smtp_server: SmtpServer, tenant: TenantHandle,
    signed_in: Any,
) -> None:
    agent, on_call = add_member(client, tenant, "agent"), add_member(client, tenant, "agent")
    assert signed_in(on_call).patch("/api/v1/notifications/preferences", json={"on_call": True}).status_code == 200
    escalated_conversation(client, tenant, assignee=member_id(runtime, tenant, agent.email))
    send_notification_mail(mail_runtime)
    assert [recipients for recipients, _, _ in received(smtp_server)] == [[agent.email]]


def test_with_nobody_assigned_the_members_on_call_are_emailed_not_the_owner(
    client: TestClient, runtime: Runtime, mail_runtime: Runtime, smtp_server: SmtpServer, tenant: TenantHandle,
    signed_in: Any,
) -> None:
    on_call = add_member(client, tenant, "agent")
    assert signed_in(on_call).patch("/api/v1/notifications/preferences", json={"on_call": True}).json() == {
        "email_enabled": True, "on_call": True, "daily_digest": False, "email_muted_kinds": []}
    escalated_conversation(client, tenant)
    send_notification_mail(mail_runtime)
    assert [recipients for recipients, _, _ in received(smtp_server)] == [[on_call.email]]


def test_a_member_who_turned_email_off_is_told_in_the_app_only(
    client: TestClient, runtime: Runtime, mail_runtime: Runtime, smtp_server: SmtpServer, tenant: TenantHandle,
    signed_in: Any,
) -> None:
    owner = signed_in(owner_of(tenant))
    assert owner.patch("/api/v1/notifications/preferences", json={"email_enabled": False}).status_code == 200
    escalated_conversation(client, tenant)
    send_notification_mail(mail_runtime)
    assert received(smtp_server) == []
    assert owner.get("/api/v1/notifications/unread-count").json() == {"unread": 1}


def test_a_member_who_muted_a_kind_is_not_emailed_about_it_but_still_told_in_the_app(
    client: TestClient, runtime: Runtime, mail_runtime: Runtime, smtp_server: SmtpServer, tenant: TenantHandle,
    signed_in: Any,
) -> None:
    owner = signed_in(owner_of(tenant))
    muted = owner.patch("/api/v1/notifications/preferences",
                        json={"email_muted_kinds": ["booking_created", "conversation_escalated", "booking_created"]})
    assert muted.status_code == 200, muted.text
    assert muted.json()["email_muted_kinds"] == ["conversation_escalated", "booking_created"]
    escalated_conversation(client, tenant)
    send_notification_mail(mail_runtime)
    assert received(smtp_server) == []
    assert owner.get("/api/v1/notifications/unread-count").json() == {"unread": 1}
    # Unmuted again, the next escalation is e-mailed.
    assert owner.patch("/api/v1/notifications/preferences", json={"email_muted_kinds": []}).status_code == 200
    escalated_conversation(client, tenant)
    send_notification_mail(mail_runtime)
    assert [recipients for recipients, _, _ in received(smtp_server)] == [[tenant.owner_email]]


def test_without_an_smtp_server_the_notification_records_that_no_email_could_go(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    escalated_conversation(client, tenant)
    send_notification_mail(runtime)  # the session's runtime has no ENGIUM_SMTP_HOST
    (row,) = notification_rows(runtime, tenant)
    assert row["email_state"] == "not_configured"
    assert row["email_id"] is None


def test_a_retried_email_job_never_sends_a_second_email(
    client: TestClient, runtime: Runtime, mail_runtime: Runtime, smtp_server: SmtpServer, tenant: TenantHandle
) -> None:
    escalated_conversation(client, tenant)
    send_notification_mail(mail_runtime)
    with runtime.database.transaction() as session:  # what the stalled-job check does to a job it thinks died
        session.execute(text("update procrastinate_jobs set status = 'todo' where task_name = 'notifications.email'"))
    send_notification_mail(mail_runtime)
    assert len(received(smtp_server)) == 1


def widget_conversation(client: TestClient, tenant: TenantHandle) -> str:
    widget = client.post("/api/v1/integrations", headers=tenant.headers, json={
        "kind": "widget", "name": "site", "secret": "a widget secret for tests"})
    assert widget.status_code == 201, widget.text
    started = client.post("/widget/v1/conversations", headers={
        "X-Widget-Key": widget.json()["metadata"]["public_widget_key"]}, json={"message": "Hello, anyone there?"})
    assert started.status_code in (200, 201), started.text
    return str(started.json()["conversation_id"])


def test_a_customer_writing_in_outside_opening_hours_is_a_notification_and_inside_them_is_not(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    closed = client.patch("/api/v1/settings", headers=tenant.headers,
                          json={"opening_hours": hours_excluding_now(utc_now()), "timezone": "UTC"})
    assert closed.status_code == 200, closed.text
    conversation_id = widget_conversation(client, tenant)
    assert [(r["kind"], str(r["conversation_id"])) for r in notification_rows(runtime, tenant)] == [
        ("conversation_after_hours", conversation_id)]

    opened = client.patch("/api/v1/settings", headers=other_tenant.headers,
                          json={"opening_hours": ALWAYS_OPEN, "timezone": "UTC"})
    assert opened.status_code == 200, opened.text
    widget_conversation(client, other_tenant)
    assert [r["kind"] for r in notification_rows(runtime, other_tenant)] == []


def test_a_booking_made_through_the_api_notifies_and_one_made_by_a_signed_in_member_skips_that_member(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, signed_in: Any
) -> None:
    agent = add_member(client, tenant, "agent")
    shop = open_shop(client, runtime, tenant)
    booked = client.post("/api/v1/bookings", json=shop.booking("10:00"), headers=tenant.headers)
    assert booked.status_code == 201, booked.text
    booking_id = str(booked.json()["id"])
    rows = notification_rows(runtime, tenant)
    assert {(r["kind"], str(r["booking_id"])) for r in rows} == {("booking_created", booking_id)}
    assert len(rows) == 2  # the owner and the agent

    member = signed_in(agent)
    cancelled = member.post(f"/api/v1/bookings/{booking_id}/cancel", json={})
    assert cancelled.status_code == 200, cancelled.text
    cancellations = [r for r in notification_rows(runtime, tenant) if r["kind"] == "booking_cancelled"]
    assert [r["user_id"] for r in cancellations] == [tenant.owner_user_id], "the agent did it and knows"
    assert cancellations[0]["email_state"] is None, "a person made the change: nobody is e-mailed"


def test_a_business_with_no_event_to_report_has_no_notifications(runtime: Runtime) -> None:
    quiet = make_tenant(runtime)
    with tenant_transaction(runtime.database, quiet.id) as session:
        assert session.execute(text("select count(*) from staff_notifications")).scalar_one() == 0


def test_a_closure_today_makes_a_new_conversation_an_after_hours_one(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    """Open every day by the weekly hours, but today is a holiday: staff hear about the customer who writes."""
    assert client.patch("/api/v1/settings", headers=tenant.headers,
                        json={"opening_hours": ALWAYS_OPEN, "timezone": "UTC"}).status_code == 200
    closed = client.post("/api/v1/closures", headers=tenant.headers,
                         json={"label": "Staff training day", "start_date": utc_now().date().isoformat()})
    assert closed.status_code == 201, closed.text
    conversation_id = widget_conversation(client, tenant)
    assert [(r["kind"], str(r["conversation_id"])) for r in notification_rows(runtime, tenant)] == [
        ("conversation_after_hours", conversation_id)]


def test_a_reply_that_could_not_be_sent_notifies_staff(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    """The demo's failed SMS: no Twilio credential, so the send fails; staff are told, not just the jobs table."""
    contact = client.post("/api/v1/contacts", headers=tenant.headers, json={"name": "Ada", "phone": "+15005550142"})
    conversation = client.post("/api/v1/conversations", headers=tenant.headers,
                               json={"contact_id": contact.json()["id"], "channel": "sms"})
    conversation_id = conversation.json()["id"]
    sent = client.post(f"/api/v1/conversations/{conversation_id}/messages", headers=tenant.headers,
                       json={"body": "We have a slot at 10:00.", "author_kind": "agent"})
    assert sent.status_code == 201, sent.text
    assert notification_rows(runtime, tenant) == []
    send_notification_mail(runtime)  # runs the channels.send job, which fails for lack of a credential
    rows = notification_rows(runtime, tenant)
    assert [(r["kind"], str(r["conversation_id"])) for r in rows] == [("message_delivery_failed", conversation_id)]
