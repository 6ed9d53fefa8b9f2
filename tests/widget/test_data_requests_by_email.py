"""A customer files a data-subject request from the widget and proves control of their e-mail address with a
one-time code sent to it by e-mail (ADR 0031, amended): a real aiosmtpd SMTP server receives what the
real ``mail.send`` job sends; the same answer whether or not the address is on file."""

from __future__ import annotations

import base64
import email
import logging
import re
from collections.abc import Iterator
from email.message import Message
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from engium.app import create_app
from engium.mail.service import SEND_JOB
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.channels.inbound_helpers import ChannelTenant, configured_tenant
from tests.conftest import CLIENT_IP, audit_events
from tests.job_queue import job_rows, runtime_with
from tests.mail import conftest as mail_fixtures
from tests.mail.conftest import SmtpServer, send_due
from tests.widget.data_requests import REQUESTS, Visitor, wrong

ADDRESS = "ada.lovelace@example.com"
# The real SMTP server of tests/mail, here for the widget's e-mailed codes.
smtp_server = mail_fixtures.smtp_server


@pytest.fixture
def mail_runtime(runtime: Runtime, smtp_server: SmtpServer) -> Runtime:
    """The session's runtime with this test's SMTP server as the operator's sender."""
    return runtime_with(runtime, mail=smtp_server.settings())


@pytest.fixture
def mail_client(mail_runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(mail_runtime), client=(CLIENT_IP, 50123)) as test_client:
        yield test_client


def customer(client: TestClient, business: ChannelTenant, address: str = ADDRESS) -> str:
    created = client.post("/api/v1/contacts", json={"name": "Ada Lovelace", "email": address},
                          headers=business.tenant.headers)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def ask_by_email(visitor: Visitor, address: str = ADDRESS, kind: str = "export") -> Any:
    return visitor.client.post(REQUESTS, json={"kind": kind, "email": address}, headers=visitor.headers)


def delivered(smtp: SmtpServer) -> list[tuple[list[str], Message, str]]:
    """(recipients, message, plain-text body) of every e-mail the SMTP server accepted."""
    found = []
    for received in smtp.collector.messages:
        message = email.message_from_bytes(received.content)
        payload = message.get_payload(decode=True)
        assert isinstance(payload, bytes)
        found.append((received.recipients, message, payload.decode()))
    return found


def code_in(body: str) -> str:
    (code,) = re.findall(r"\b\d{6}\b", body)
    return str(code)


def queued_mail(runtime: Runtime, business: ChannelTenant) -> list[dict[str, Any]]:
    with tenant_transaction(runtime.database, business.tenant.id) as session:
        rows = session.execute(text("select id, contact_id, recipient, subject, body, status from outbound_mail "
                                    "order by created_at")).mappings().all()
    return [dict(row) for row in rows]


def verification_sent(runtime: Runtime, business: ChannelTenant) -> list[dict[str, Any]]:
    """The details of each ``privacy.verification_sent``, less the request's sealed network metadata."""
    return [{k: v for k, v in e["details"].items() if k != "personal"} for e in audit_events(runtime, business.tenant)
            if e["action"] == "privacy.verification_sent"]


def test_an_address_on_file_gets_one_email_with_the_code_and_the_right_code_files_the_request(
    mail_client: TestClient, mail_runtime: Runtime, smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    business = configured_tenant(mail_client, mail_runtime)
    contact_id = customer(mail_client, business, "Ada.Lovelace@Example.com")  # stored lower-cased
    name = mail_client.get("/api/v1/settings", headers=business.tenant.headers).json()["business_name"]
    visitor = Visitor(mail_client, business)
    asked = ask_by_email(visitor, "ADA.LOVELACE@example.com", kind="erasure")  # people's typing varies
    assert asked.status_code == 202, asked.text
    challenge = asked.json()
    assert challenge["code_digits"] == 6
    assert challenge["message"] == ("If this e-mail address is on file with the business, we have sent a 6-digit "
                                    "code to it. Enter it here within 10 minutes.")

    (mail,) = queued_mail(mail_runtime, business)
    assert (str(mail["contact_id"]), mail["recipient"], mail["status"]) == (contact_id, ADDRESS, "queued")
    (job,) = job_rows(mail_runtime, SEND_JOB, tenant_id=str(business.tenant.id))
    assert job["args"] == {"tenant_id": str(business.tenant.id), "mail_id": str(mail["id"])}  # ids only
    send_due(mail_runtime, smtp_server.settings())

    ((recipients, message, body),) = delivered(smtp_server)
    assert recipients == [ADDRESS]
    code = code_in(body)
    assert message["Subject"] == f"{name}: your verification code"
    assert code not in message["Subject"]  # the subject stays in the delivery log; the body is emptied
    assert f"Someone asked {name} to delete your data" in body
    assert f"Your code: {code}" in body
    assert "within 10 minutes" in body
    assert "If you did not ask for this, ignore this e-mail" in body
    assert message.get_content_type() == "text/plain"
    (settled,) = queued_mail(mail_runtime, business)
    assert (settled["status"], settled["body"]) == ("sent", "")

    with tenant_transaction(mail_runtime.database, business.tenant.id) as session:
        stored = session.execute(text("select row_to_json(c)::text, c.code_sha256, c.channel "
                                      "from widget_privacy_challenges c")).one()
    assert ADDRESS not in stored[0].lower()  # bound by the digest's salt, not kept
    assert code not in stored[1]
    assert stored[2] == "email"

    filed = visitor.confirm(challenge["challenge_id"], code)
    assert filed.status_code == 201, filed.text
    answer = filed.json()
    assert (answer["kind"], answer["status"]) == ("erasure", "open")
    listed = mail_client.get("/api/v1/privacy/requests", headers=business.tenant.headers).json()["items"]
    (request,) = [r for r in listed if r["id"] == answer["request_id"]]
    assert (request["source"], request["kind"], request["contact_id"]) == ("widget", "erasure", contact_id)
    with tenant_transaction(mail_runtime.database, business.tenant.id) as session:
        payload = session.execute(text("select payload from privacy_requests")).scalar_one()
    assert base64.b64decode(payload).startswith(b"ENS1")  # the verified address, sealed under the person's key

    events = audit_events(mail_runtime, business.tenant)
    steps = [e["action"] for e in events if e["action"].startswith(("privacy.", "mail."))]
    assert steps == ["mail.queued", "privacy.verification_sent", "mail.sent", "privacy.request_received",
                     "privacy.request_verified"]
    (sent,) = verification_sent(mail_runtime, business)
    assert sent == {"kind": "erasure", "via": "email", "contact_id": contact_id, "sent": True, "channel": "email",
                    "not_sent": None}
    # Nowhere in clear: not in any audit row (the e-mail's own event seals it), nor in any log line.
    assert ADDRESS not in str(events).lower()
    assert code not in str([e["details"] for e in events])
    # Every log line but the test SMTP server's own (aiosmtpd's "mail.log" prints what it received).
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail.log"))
    assert logged, "expected the flow to log something"
    assert ADDRESS not in logged.lower()

    replayed = visitor.confirm(challenge["challenge_id"], code)
    assert replayed.status_code == 409


def test_an_unknown_address_gets_the_same_answer_and_no_email(
    mail_client: TestClient, mail_runtime: Runtime, smtp_server: SmtpServer
) -> None:
    business = configured_tenant(mail_client, mail_runtime)
    customer(mail_client, business)
    visitor = Visitor(mail_client, business)
    known, unknown = ask_by_email(visitor), ask_by_email(visitor, "grace.hopper@example.com")
    assert known.status_code == unknown.status_code == 202
    same = {"challenge_id", "expires_at"}
    assert {k: v for k, v in known.json().items() if k not in same} == \
        {k: v for k, v in unknown.json().items() if k not in same}
    assert set(known.headers) == set(unknown.headers)
    send_due(mail_runtime, smtp_server.settings())
    assert [r for r, _, _ in delivered(smtp_server)] == [[ADDRESS]]
    assert [e["not_sent"] for e in verification_sent(mail_runtime, business)] == [None, "not_on_file"]
    # Confirming behaves alike too: a wrong code counts the same way for both.
    for challenge in (known.json(), unknown.json()):
        answer = visitor.confirm(challenge["challenge_id"], "000000")
        assert answer.status_code == 422
        assert answer.json()["error"]["details"] == {"tries_left": 2}


def test_an_address_a_visitor_only_typed_into_the_details_form_gets_nothing(
    mail_client: TestClient, mail_runtime: Runtime, smtp_server: SmtpServer
) -> None:
    business = configured_tenant(mail_client, mail_runtime)
    visitor = Visitor(mail_client, business)
    stated = mail_client.put("/widget/v1/contact", json={"name": "Eve", "email": ADDRESS}, headers=visitor.headers)
    assert stated.status_code == 200, stated.text
    assert ask_by_email(visitor).status_code == 202
    # Only the booking's one-time code for the details themselves (ADR 0043), not the data request's code.
    assert [m["subject"].split(": ")[1] for m in queued_mail(mail_runtime, business)] == ["your confirmation code"]
    assert [e["not_sent"] for e in verification_sent(mail_runtime, business)] == ["not_on_file"]


def test_another_tenants_customer_address_gets_nothing(
    mail_client: TestClient, mail_runtime: Runtime, smtp_server: SmtpServer
) -> None:
    business = configured_tenant(mail_client, mail_runtime)
    other = configured_tenant(mail_client, mail_runtime, suffix="-b")
    customer(mail_client, other)
    asked = ask_by_email(Visitor(mail_client, business))
    assert asked.status_code == 202
    send_due(mail_runtime, smtp_server.settings())
    assert smtp_server.collector.messages == []
    assert queued_mail(mail_runtime, business) == queued_mail(mail_runtime, other) == []
    (sent,) = verification_sent(mail_runtime, business)
    assert (sent["contact_id"], sent["not_sent"]) == (None, "not_on_file")


def test_three_wrong_codes_void_the_emailed_code(
    mail_client: TestClient, mail_runtime: Runtime, smtp_server: SmtpServer
) -> None:
    business = configured_tenant(mail_client, mail_runtime)
    customer(mail_client, business)
    visitor = Visitor(mail_client, business)
    challenge = ask_by_email(visitor).json()["challenge_id"]
    send_due(mail_runtime, smtp_server.settings())
    ((_, _, body),) = delivered(smtp_server)
    code = code_in(body)
    answers = [visitor.confirm(challenge, wrong(code)) for _ in range(3)]
    assert [a.status_code for a in answers] == [422, 422, 422]
    assert [a.json()["error"]["details"]["tries_left"] for a in answers] == [2, 1, 0]
    late = visitor.confirm(challenge, code)
    assert late.status_code == 409
    assert "too many wrong tries" in late.json()["error"]["message"]
    assert mail_client.get("/api/v1/privacy/requests", headers=business.tenant.headers).json()["items"] == []


def test_a_code_sent_before_staff_changed_the_address_proves_nothing(
    mail_client: TestClient, mail_runtime: Runtime, smtp_server: SmtpServer
) -> None:
    business = configured_tenant(mail_client, mail_runtime)
    contact_id = customer(mail_client, business)
    visitor = Visitor(mail_client, business)
    challenge = ask_by_email(visitor).json()["challenge_id"]
    send_due(mail_runtime, smtp_server.settings())
    ((_, _, body),) = delivered(smtp_server)
    changed = mail_client.patch(f"/api/v1/contacts/{contact_id}", json={"email": "ada@example.org"},
                                headers=business.tenant.headers)
    assert changed.status_code == 200, changed.text
    refused = visitor.confirm(challenge, code_in(body))
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "wrong_code"


def test_a_server_without_smtp_sends_nothing_answers_the_same_and_the_audit_says_why(
    client: TestClient, runtime: Runtime
) -> None:
    assert not runtime.settings.mail.enabled
    business = configured_tenant(client, runtime)
    contact_id = customer(client, business)
    visitor = Visitor(client, business)
    asked = ask_by_email(visitor)
    assert asked.status_code == 202
    assert asked.json()["message"].startswith("If this e-mail address is on file with the business")
    assert queued_mail(runtime, business) == []
    assert job_rows(runtime, SEND_JOB, tenant_id=str(business.tenant.id)) == []
    (sent,) = verification_sent(runtime, business)
    assert sent == {"kind": "export", "via": "email", "contact_id": contact_id, "sent": False, "channel": None,
                    "not_sent": "no_email_sender"}
    answer = visitor.confirm(asked.json()["challenge_id"], "000000")
    assert answer.json()["error"]["details"] == {"tries_left": 2}


def test_codes_are_rate_limited_per_address_and_per_visitor(
    mail_client: TestClient, mail_runtime: Runtime, smtp_server: SmtpServer
) -> None:
    business = configured_tenant(mail_client, mail_runtime)
    customer(mail_client, business)
    spellings = [ADDRESS, ADDRESS.upper(), "Ada.Lovelace@example.com", ADDRESS, ADDRESS, ADDRESS]
    statuses = [ask_by_email(Visitor(mail_client, business), spelled).status_code for spelled in spellings]
    assert statuses == [202] * 5 + [429]  # five codes an hour to one address, however it is spelled
    assert len(queued_mail(mail_runtime, business)) == 5
    visitor = Visitor(mail_client, business)
    # Ten codes an hour from one source (widget key and address), numbers and addresses alike.
    asked = [ask_by_email(visitor, f"someone{n}@example.com").status_code for n in range(3)]
    asked += [visitor.ask(phone=f"+44770090{n:04d}").status_code for n in range(3)]
    assert asked == [202] * 4 + [429] * 2


@pytest.mark.parametrize(("body", "says"), [
    ({"kind": "export", "email": "ada@example"}, "give an e-mail address such as 'someone@example.com'"),
    ({"kind": "export", "email": "not an address"}, "give an e-mail address such as 'someone@example.com'"),
    ({"kind": "export", "email": "adà@example.com"}, "ASCII letters only"),
    ({"kind": "export", "email": "ada@example.com\r\nBcc: eve@example.com"}, "give an e-mail address such as"),
    ({"kind": "export", "email": 42}, "give an e-mail address such as"),
    ({"kind": "export", "phone": "+447700900123", "email": ADDRESS}, "not both"),
    ({"kind": "export"}, "give the phone number or the e-mail address the business has for you"),
    ({"kind": "export", "phone": None, "email": None}, "give the phone number or the e-mail address"),
])
def test_bad_requests_are_refused_with_a_useful_message(
    mail_client: TestClient, mail_runtime: Runtime, smtp_server: SmtpServer, body: dict[str, Any], says: str
) -> None:
    business = configured_tenant(mail_client, mail_runtime)
    customer(mail_client, business)
    refused = mail_client.post(REQUESTS, json=body, headers=Visitor(mail_client, business).headers)
    assert refused.status_code == 422, refused.text
    assert says in str(refused.json()["error"]["details"])
    assert queued_mail(mail_runtime, business) == []
