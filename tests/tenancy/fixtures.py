"""A tenant with at least one row in every tenant-owned table."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, date, datetime, time, timedelta

from pydantic import SecretStr
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from engium.access.permissions import Role
from engium.access.principal import Principal, PrincipalKind
from engium.analytics.models import SatisfactionRating
from engium.assistant.models import AssistantState
from engium.audit.personal import SealingKey
from engium.bookings.models import (
    AvailabilityException,
    Booking,
    BookingMessage,
    BookingReminderSettings,
    Service,
    StaffMember,
)
from engium.channels.email_models import EmailChannel, EmailThreadMessage
from engium.channels.models import InboundDelivery, WidgetSession
from engium.conversations.models import CannedResponse, Contact, Conversation
from engium.demo.seed import seed_salon
from engium.identity import invitations
from engium.identity.models import DashboardSession
from engium.integrations import service as credential_service
from engium.integrations.schemas import CredentialCreate, CredentialKind
from engium.knowledge import repository as knowledge
from engium.mail.models import TenantMailSender
from engium.notifications.models import NotificationPreference, StaffNotification
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import TenantHandle, make_tenant
from tests.incidents.fixtures import add_incident_notification
from tests.mail.fixtures import add_mail_row
from tests.webhooks.fixtures import add_webhook_rows


def owner_principal(tenant: TenantHandle) -> Principal:
    return Principal(kind=PrincipalKind.USER, id=tenant.owner_user_id, tenant_id=tenant.id, role=Role.OWNER,
                     user_id=tenant.owner_user_id)


def populated_tenant(runtime: Runtime) -> TenantHandle:
    tenant = make_tenant(runtime)
    with tenant_transaction(runtime.database, tenant.id) as session:
        seed_salon(session, tenant.id)
        staff = session.execute(select(StaffMember)).scalars().first()
        service = session.execute(select(Service)).scalars().first()
        contact = session.execute(select(Contact)).scalars().first()
        assert staff
        assert service
        assert contact
        session.add(
            AvailabilityException(
                tenant_id=tenant.id, id=uuid.uuid4(), staff_id=staff.id,
                on_date=date(2030, 1, 1), kind="closed", note="New Year",
            )
        )
        starts = datetime(2030, 1, 2, 10, tzinfo=UTC)
        booking_id = uuid.uuid4()
        session.add(
            Booking(
                tenant_id=tenant.id, id=booking_id, service_id=service.id, staff_id=staff.id,
                contact_id=contact.id, starts_at=starts, ends_at=starts + timedelta(minutes=30),
            )
        )
        session.flush()
        # Confirmations and reminders (migration 0035): a reminder skipped, and the reminder timing.
        session.add(BookingMessage(tenant_id=tenant.id, id=uuid.uuid4(), booking_id=booking_id, kind="reminder",
                                   starts_at=starts, status="skipped", reason="opted_out"))
        session.add(BookingReminderSettings(tenant_id=tenant.id, hours_before=48, no_show_policy="Missed: 50%."))
        session.add(
            DashboardSession(
                tenant_id=tenant.id, id=uuid.uuid4(), user_id=tenant.owner_user_id,
                token_hash=os.urandom(32), csrf_hash=os.urandom(32), mfa_verified=True,
                expires_at=datetime.now(UTC) + timedelta(hours=1),
            )
        )
        # An encrypted integration credential (and with it the tenant's first data key).
        credential_service.create_credential(
            session, runtime.vault, owner_principal(tenant),
            CredentialCreate(kind=CredentialKind.TWILIO, name="main", secret=SecretStr(os.urandom(16).hex())),
        )
        # Inbound channels (migration 0004): a replay row and a widget visitor's grant.
        conversation = session.execute(select(Conversation)).scalars().first()
        assert conversation
        session.add(InboundDelivery(tenant_id=tenant.id, provider="twilio", provider_event_id="SM" + "0" * 32))
        session.add(
            WidgetSession(
                tenant_id=tenant.id, id=uuid.uuid4(), token_hash=os.urandom(32), contact_id=conversation.contact_id,
                conversation_id=conversation.id, expires_at=datetime.now(UTC) + timedelta(days=1),
            )
        )
        # The conversation engine's memory (migration 0009), with a hand-over already followed up (0032).
        session.add(AssistantState(tenant_id=tenant.id, conversation_id=conversation.id, pending=None,
                                   handover_id=uuid.uuid4(), handed_over_at=datetime.now(UTC),
                                   handover_reason="low_confidence", followed_up_at=datetime.now(UTC)))
        add_webhook_rows(session, runtime, owner_principal(tenant))
        # Outbound e-mail (migration 0023_outbound_mail): a sent one about the contact.
        add_mail_row(session, tenant.id, conversation.contact_id)
        # Staff notifications (migration 0031): one about the conversation, and the owner's preferences.
        session.add(StaffNotification(tenant_id=tenant.id, id=uuid.uuid4(), user_id=tenant.owner_user_id,
                                      kind="conversation_escalated", conversation_id=conversation.id))
        session.add(NotificationPreference(tenant_id=tenant.id, user_id=tenant.owner_user_id, on_call=True))
        # Joining by invitation (migration 0012).
        invitations.invite(
            session, invitations.Inviter(owner_principal(tenant)), tenant_id=tenant.id,
            email=f"invitee-{uuid.uuid4().hex[:8]}@example.com", role=Role.AGENT,
        )
        # Knowledge (migration 0008): a document with one chunk in the tenant's own partition.
        knowledge.add_document(
            session, tenant.id, title="Prices", source_kind=knowledge.SourceKind.TEXT, content="A haircut is 30.",
            chunks=[knowledge.ChunkInput("A haircut is 30.", 0, 16, [1.0] + [0.0] * 383)],
        )
        # Privacy (migrations 0015-0018): a subject key, settings, a handled request with its export and
        # certificate, a consent decision and a keyword reply.
        runtime.subject_keys.seal(session, tenant.id, SealingKey.of_contact(contact.id), b"{}")
        add_privacy_rows(session, tenant.id, contact.id)
        # A satisfaction question and its answer (migration 0037).
        asked = datetime.now(UTC)
        session.add(SatisfactionRating(tenant_id=tenant.id, id=uuid.uuid4(), conversation_id=conversation.id,
                                       question_message_id=None, channel=conversation.channel, asked_at=asked,
                                       expires_at=asked + timedelta(hours=24), rating=4, rated_at=asked))
        # Canned responses (migration 0034_inbox_tools).
        session.add(CannedResponse(tenant_id=tenant.id, id=uuid.uuid4(), title="Opening hours",
                                   body="We open at nine.", shortcut="hours"))
        # Calendars (migration 0038_calendar_feeds): a feed, an import and a busy span it found.
        add_calendar_rows(session, tenant.id, staff.id)
        # E-mail channel and the business's own SMTP sender (migration 0039), with a thread's Message-ID.
        add_email_rows(session, runtime, owner_principal(tenant), conversation.id)
        # An audit event and a checkpoint of it (its signature is not checked by the database).
        seq, head = session.execute(
            text(
                "select * from audit_append(:t, 'system', '', null, '', '', 'tenant.populated', 'tenant', "
                "cast(:t as text), 'success', '{}'::jsonb)"
            ),
            {"t": tenant.id},
        ).one()
        session.execute(
            text("select audit_record_checkpoint(:t, :s, :h, now(), 'test', :sig)"),
            {"t": tenant.id, "s": seq, "h": head, "sig": os.urandom(64)},
        )
    # Incident response (migration 0020_incidents): a notification of an incident affecting the tenant.
    add_incident_notification(runtime, tenant.id)
    add_pruned_range(runtime, tenant.id)
    return tenant


def add_calendar_rows(session: Session, tenant_id: uuid.UUID, staff_id: uuid.UUID) -> None:
    values = {"t": tenant_id, "s": staff_id, "f": uuid.uuid4(), "i": uuid.uuid4(), "h": os.urandom(32),
              "c": b"ENG1" + os.urandom(40)}
    for statement in (
        "insert into calendar_feeds (tenant_id, id, staff_id, label, token_sha256) values (:t, :f, :s, 'Phone', :h)",
        "insert into calendar_imports (tenant_id, id, staff_id, url_ciphertext, url_hint) "
        "values (:t, :i, :s, :c, 'https://calendar.example/…')",
        "insert into staff_busy_spans (tenant_id, id, import_id, staff_id, starts_at, ends_at) "
        "values (:t, gen_random_uuid(), :i, :s, '2030-01-03 10:00Z', '2030-01-03 11:00Z')",
    ):
        session.execute(text(statement), values)


def add_email_rows(session: Session, runtime: Runtime, principal: Principal, conversation_id: uuid.UUID) -> None:
    smtp = credential_service.create_credential(session, runtime.vault, principal, CredentialCreate(
        kind=CredentialKind.SMTP, name="sender", secret=SecretStr(os.urandom(16).hex())))
    session.add(TenantMailSender(tenant_id=principal.tenant_id, host="smtp.example.com", port=587,
                                 security="starttls", username="salon", from_address="Salon <hi@salon.example>",
                                 credential_id=smtp.id))
    signing = credential_service.create_credential(session, runtime.vault, principal, CredentialCreate(
        kind=CredentialKind.MAILGUN, name="email-main", secret=SecretStr(os.urandom(16).hex())))
    session.add(EmailChannel(tenant_id=principal.tenant_id, id=uuid.uuid4(), address="hello@salon.example",
                             credential_id=signing.id))
    session.add(EmailThreadMessage(tenant_id=principal.tenant_id, rfc_message_id=f"<{uuid.uuid4()}@mail.example>",
                                   conversation_id=conversation_id, direction="inbound", subject="Booking"))
    session.flush()


def add_pruned_range(runtime: Runtime, tenant_id: uuid.UUID) -> None:
    """A record of removed audit months (migration 0021_audit_pruning). Only ``audit_prune`` writes one, and
    only for months over a year old, so the fixture writes this one as the audit role, which the owner may
    become (README role statements): it works on the embedded server and on an operator's own one alike
    (tests/external_postgres run tests/tenancy there). tests/audit/test_retention_by_months.py covers the
    real thing."""
    engine = runtime.database.owner_engine()
    try:
        with engine.begin() as conn:
            conn.execute(text("set local role engium_audit"))
            conn.execute(
                text("insert into audit_pruned_ranges (tenant_id, first_seq, last_seq, first_month, last_month, "
                     "events, checkpoint_hash, export_sha256, export_name) values (:t, 1, 1, '2020-01-01', "
                     "'2020-01-01', 1, :h, :d, 'fixture.jsonl')"),
                {"t": tenant_id, "h": os.urandom(32), "d": os.urandom(32)},
            )
    finally:
        engine.dispose()


def add_privacy_rows(session: Session, tenant_id: uuid.UUID, contact_id: uuid.UUID) -> None:
    request = uuid.uuid4()
    values = {"t": tenant_id, "c": contact_id, "r": request, "sig": os.urandom(64)}
    for statement in (
        "insert into privacy_settings (tenant_id) values (:t)",
        "insert into privacy_requests (tenant_id, id, kind, status, regime, source, contact_id, received_at, "
        "clock_started_at, due_at, completed_at) values (:t, :r, 'export', 'completed', 'gdpr', 'staff', :c, now(), "
        "now(), now() + interval '30 days', now())",
        "insert into privacy_exports (tenant_id, request_id, contact_id, sealed, bytes, expires_at) "
        "values (:t, :r, :c, 'ENS1', 4, now() + interval '30 days')",
        "insert into privacy_certificates (tenant_id, request_id, statement, signature, key_id) "
        "values (:t, :r, '{}', :sig, '0123456789abcdef')",
        "insert into consents (tenant_id, id, contact_id, purpose, granted, channel, source, wording_version) "
        "values (:t, gen_random_uuid(), :c, 'marketing', true, 'staff', 'staff', 'v1')",
        "insert into keyword_replies (tenant_id, message_id, keyword) select :t, id, 'help' from messages limit 1",
        # A reply the provider accepted, with its id for it (migration 0028): what status callbacks look up.
        "update messages set delivery_status = 'delivered', provider = 'twilio', "
        "provider_message_id = 'SM' || md5(tenant_id::text) where id = (select id from messages limit 1)",
        # A widget visitor's one-time-code challenge (migration 0022).
        "insert into widget_privacy_challenges (tenant_id, id, kind, contact_id, requested_by, channel, code_sha256, "
        "expires_at) values (:t, gen_random_uuid(), 'export', :c, :c, 'sms', repeat('0', 64), "
        "now() + interval '10 minutes')",
        # A widget visitor's proof code (migration 0036).
        "insert into contact_proofs (tenant_id, id, contact_id, conversation_id, channel, address_sha256, "
        "code_sha256, expires_at) select :t, gen_random_uuid(), :c, id, 'email', repeat('0', 64), repeat('0', 64), "
        "now() + interval '10 minutes' from conversations where contact_id = :c limit 1",
    ):
        session.execute(text(statement), values)
    add_trust_rows(session, tenant_id)


def add_trust_rows(session: Session, tenant_id: uuid.UUID) -> None:
    """The register's history, an objection to an operator announcement, a DPA version and its acceptance."""
    values = {"t": tenant_id, "a": uuid.uuid4(), "sig": os.urandom(64), "u": uuid.uuid4()}
    for statement in (
        "insert into subprocessor_changes (tenant_id, id, change, subprocessor_key, name, purpose, location, "
        "data_categories, reason) values (:t, gen_random_uuid(), 'added', 'integration:twilio', 'Twilio Inc.', "
        "'SMS', 'United States', '{communications}', 'twilio integration enabled')",
        "insert into subprocessor_announcements (id, name, purpose, location, data_categories, effective_on, "
        "announced_by) values (:a, 'Backups Ltd', 'Backups', 'Ireland', '{identity}', current_date + 40, 'ops')",
        "insert into subprocessor_objections (tenant_id, announcement_id, objected_by, reason) "
        "values (:t, :a, :u, 'no')",
        "insert into dpa_versions (tenant_id, version, document, sha256, signature, key_id) "
        "values (:t, 1, '{\"sections\": [], \"generated_at\": \"2030-01-01\"}', repeat('0', 64), :sig, "
        "'0123456789abcdef')",
        "insert into dpa_acceptances (tenant_id, version, accepted_by) values (:t, 1, :u)",
    ):
        session.execute(text(statement), values)


__all__ = ["populated_tenant", "time"]
