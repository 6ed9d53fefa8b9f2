"""Queuing: a server without SMTP settings refuses with a typed error, header injection is refused, and a
tenant's e-mails are out of every other tenant's reach (RLS, through the app role)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from engium.conversations.contacts import delete_contact
from engium.mail import service
from engium.mail.sender import MailSender
from engium.mail.settings import MailSettings
from engium.privacy.erasure import erase_subject
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import TenantHandle
from tests.mail.conftest import SmtpServer, mail_jobs, mail_row, new_contact, queue
from tests.tenancy.fixtures import owner_principal


def _count(runtime: Runtime, tenant: TenantHandle) -> int:
    with tenant_transaction(runtime.database, tenant.id) as session:
        return int(session.execute(text("select count(*) from outbound_mail")).scalar_one())


def test_without_an_smtp_host_queueing_raises_the_typed_error(runtime: Runtime, tenant: TenantHandle) -> None:
    with pytest.raises(service.MailNotConfigured) as raised:
        queue(runtime, tenant, MailSettings(host=None))
    assert raised.value.status_code == 422
    assert raised.value.code == "email_not_configured"
    assert raised.value.message == "this server has no e-mail sender configured"
    assert _count(runtime, tenant) == 0


@pytest.mark.parametrize(("field", "value", "message"), [
    ("subject", "Your code\r\nBcc: everyone@example.com", "the subject may not contain line breaks"),
    ("subject", "Your code\nX-Evil: 1", "the subject may not contain line breaks"),
    ("to", "ada@example.com\r\nBcc: everyone@example.com", "the recipient may not contain line breaks"),
    ("to", "ada@example.com, eve@example.com", "the recipient is not a valid e-mail address"),
    ("to", "Ada <ada@example.com>", "the recipient is not a valid e-mail address"),
    ("to", "not-an-address", "the recipient is not a valid e-mail address"),
    ("subject", " ", "the subject must be 1 to 200 characters"),
])
def test_header_injection_and_bad_values_are_refused_with_a_clear_error(
    runtime: Runtime, tenant: TenantHandle, smtp_server: SmtpServer, field: str, value: str, message: str,
) -> None:
    values = {"to": "ada@example.com", "subject": "Your code", field: value}
    with pytest.raises(service.InvalidMail) as raised:
        queue(runtime, tenant, smtp_server.settings(), to=values["to"], subject=values["subject"])
    assert raised.value.status_code == 422
    assert raised.value.message.startswith(message)
    assert _count(runtime, tenant) == 0


def test_another_tenant_cannot_read_change_or_send_a_tenants_mail(
    runtime: Runtime, tenant: TenantHandle, other_tenant: TenantHandle, smtp_server: SmtpServer,
) -> None:
    settings = smtp_server.settings()
    mail_id = queue(runtime, tenant, settings)
    with tenant_transaction(runtime.database, other_tenant.id) as session:
        assert session.execute(text("select count(*) from outbound_mail")).scalar_one() == 0
        assert service.mail_by_id(session, mail_id) is None
        changed = session.execute(text("update outbound_mail set recipient = 'eve@example.com' where id = :i"),
                                  {"i": mail_id})
        assert changed.rowcount == 0  # type: ignore[attr-defined]
        deleted = session.execute(text("delete from outbound_mail where id = :i"), {"i": mail_id})
        assert deleted.rowcount == 0  # type: ignore[attr-defined]
    # Writing a row into the tenant from the other tenant's transaction is refused by the policy.
    with pytest.raises(ProgrammingError, match="row-level security"), \
            tenant_transaction(runtime.database, other_tenant.id) as session:
        session.execute(text("insert into outbound_mail (tenant_id, id, recipient, subject, body) "
                             "values (:t, :i, 'eve@example.com', 'x', 'y')"), {"t": tenant.id, "i": uuid.uuid4()})
    # A job naming the tenant's e-mail under the other tenant finds nothing and sends nothing.
    MailSender(runtime.database, settings).attempt(other_tenant.id, mail_id, 1)
    assert smtp_server.collector.messages == []
    assert mail_row(runtime, tenant, mail_id).status == "queued"
    # Unbound (no tenant), the app role sees no row at all.
    with runtime.database.transaction() as session:
        assert session.execute(text("select count(*) from outbound_mail")).scalar_one() == 0
    assert len(mail_jobs(runtime, mail_id)) == 1


def test_a_mail_about_a_contact_goes_with_the_contact(
    runtime: Runtime, tenant: TenantHandle, smtp_server: SmtpServer,
) -> None:
    contact = uuid.uuid4()
    with tenant_transaction(runtime.database, tenant.id) as session:
        session.execute(text("insert into contacts (tenant_id, id, name) values (:t, :c, 'Ada')"),
                        {"t": tenant.id, "c": contact})
    queue(runtime, tenant, smtp_server.settings(), contact_id=contact)
    assert _count(runtime, tenant) == 1
    with tenant_transaction(runtime.database, tenant.id) as session:
        delete_contact(session, owner_principal(tenant), contact)
    assert _count(runtime, tenant) == 0


def test_erasure_takes_the_contacts_mails_and_their_jobs(
    runtime: Runtime, tenant: TenantHandle, other_tenant: TenantHandle, smtp_server: SmtpServer,
) -> None:
    settings = smtp_server.settings()
    contact = new_contact(runtime, tenant, "zoe@example.com")
    about = queue(runtime, tenant, settings, to="zoe@example.com", contact_id=contact)
    # Sent to their address before any contact was linked (a code for a request they made by e-mail).
    unlinked = queue(runtime, tenant, settings, to="Zoe@Example.com")
    stranger = queue(runtime, tenant, settings, to="someone-else@example.com")
    bystander = queue(runtime, other_tenant, settings, to="zoe@example.com")
    with tenant_transaction(runtime.database, tenant.id) as session:
        counts = erase_subject(session, owner_principal(tenant), contact, runtime.embedder)
    assert counts["outbound_mail"] == 2
    assert counts["procrastinate_jobs"] == 2
    assert [len(mail_jobs(runtime, m)) for m in (about, unlinked, stranger, bystander)] == [0, 0, 1, 1]
    with tenant_transaction(runtime.database, tenant.id) as session:
        assert {service.mail_by_id(session, m) is None for m in (about, unlinked)} == {True}
        assert service.mail_by_id(session, stranger) is not None
    assert mail_row(runtime, other_tenant, bystander).status == "queued"
