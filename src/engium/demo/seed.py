"""The demo business: a hair salon with services, staff, weekly hours, holidays, contacts and a conversation."""

from __future__ import annotations

import json
import os
import secrets
import uuid
from dataclasses import asdict, dataclass
from datetime import date, time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from engium.access.permissions import Role
from engium.access.principal import Principal, PrincipalKind
from engium.assistant.turn_queue import queue_turn
from engium.audit.actions import AuditAction
from engium.audit.recorder import record
from engium.bookings.models import AvailabilityRule, BusinessClosure, Service, StaffMember, StaffService
from engium.conversations.models import Contact, Conversation, Message
from engium.identity import repository as identity_repo
from engium.identity.invitations import normalize_email
from engium.identity.service import new_secret_password
from engium.integrations import service as integrations
from engium.integrations.schemas import CredentialCreate
from engium.integrations.widget_keys import METADATA_KEY
from engium.knowledge import service as knowledge
from engium.knowledge.parsing import SourceKind
from engium.knowledge.service import DocumentSource
from engium.provisioning import provision_tenant
from engium.runtime import Runtime
from engium.tenancy.binding import bind_tenant
from engium.tenancy.models import TenantSettings

DEMO_OWNER_EMAIL = "owner@demo-salon.example"
DEMO_NAME = "Bella Hair Studio"
DEMO_TIMEZONE = "Europe/London"
# The seeder acts as a system principal: audit events name "demo.seed", not a person.
DEMO_SEEDER_ID = uuid.UUID("00000000-0000-4000-8000-0000000d3e0d")

SERVICES = (
    ("Women's haircut", "Wash, cut and blow-dry", 60, 5500),
    ("Men's haircut", "Cut and style", 30, 3000),
    ("Colour", "Full colour including toner", 120, 9500),
    ("Blow-dry", "Wash and blow-dry", 30, 2500),
)
# Weekday -> (start hour, end hour). Together they cover every opening hour below (ADR 0036): Alex does
# Thursday's late evening, Sam Saturdays.
STAFF = (
    ("Alex Morgan", {0: (9, 18), 1: (9, 18), 2: (9, 18), 3: (11, 20), 4: (9, 18)}),
    ("Sam Patel", {1: (9, 18), 2: (9, 18), 3: (9, 17), 4: (9, 18), 5: (9, 17)}),
)
OPENING_HOURS = {
    "mon": "09:00-18:00", "tue": "09:00-18:00", "wed": "09:00-18:00",
    "thu": "09:00-20:00", "fri": "09:00-18:00", "sat": "09:00-17:00", "sun": "closed",
}
# Yearly closures from 2025 on: (label, month, day, special hours or None for closed all day).
CLOSURES = (
    ("Christmas Eve", 12, 24, (time(9), time(14))),
    ("Christmas Day", 12, 25, None),
    ("Boxing Day", 12, 26, None),
    ("New Year's Day", 1, 1, None),
)

KNOWLEDGE = (
    ("Colour aftercare", (
        "Looking after coloured hair. Wait at least 48 hours before washing freshly coloured hair, so the colour "
        "can settle. Use a sulphate-free shampoo and rinse with cool water. A gloss every six weeks keeps the tone "
        "fresh. Before your first colour we do a patch test at least 48 hours before the appointment."
    )),
    ("Salon policies", (
        "Children under 12 get 20% off a haircut. Gift vouchers are sold at reception in any amount from £20. "
        "Please arrive five minutes early. If you are more than 15 minutes late we may need to shorten or move "
        "your appointment. Guide dogs are welcome; other pets cannot come in, sorry."
    )),
)
FAQS = (
    ("Where are you?", "12 Market Street, London, two minutes from the station."),
    ("Do you take walk-ins?", "Yes when a stylist is free, but booking guarantees your slot."),
    ("What is your cancellation policy?", "Cancel or reschedule free of charge up to 24 hours before."),
    ("How do I pay?", "Card or contactless at the salon; we don't take cash deposits."),
    ("Is there parking?", "Pay-and-display parking on Market Street and a car park behind the station."),
)


@dataclass(frozen=True)
class DemoBusiness:
    tenant_id: str
    owner_email: str
    credentials_file: str
    created: bool

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _credentials_file(runtime: Runtime) -> Path:
    return runtime.settings.resolved_data_dir / "demo-credentials.json"


def _existing_tenant(session: Session) -> uuid.UUID | None:
    user_id = identity_repo.find_user_id(session, normalize_email(DEMO_OWNER_EMAIL))
    if user_id is None:
        return None
    tenants = identity_repo.user_tenants(session, user_id)
    return tenants[0].tenant_id if tenants else None


def seed_demo(runtime: Runtime) -> DemoBusiness:
    """Idempotent: a second call finds the demo business and changes nothing."""
    path = _credentials_file(runtime)
    with runtime.database.transaction() as session:
        existing = _existing_tenant(session)
        if existing is not None:
            return DemoBusiness(str(existing), DEMO_OWNER_EMAIL, str(path), created=False)
        password = new_secret_password()
        provisioned = provision_tenant(
            session, runtime.passwords, name=DEMO_NAME, owner_email=DEMO_OWNER_EMAIL,
            owner_password=password, timezone=DEMO_TIMEZONE,
        )
        seed_salon(session, provisioned.tenant_id)
        widget_key = seed_assistant(session, runtime, provisioned.tenant_id)
        # Seeded rows bypass the services; one event records that the operator seeded them.
        record(session, None, AuditAction.DEMO_SEEDED, resource_type="tenant", resource_id=provisioned.tenant_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump({"email": DEMO_OWNER_EMAIL, "password": password,
                   "tenant_id": str(provisioned.tenant_id), "widget_key": widget_key}, handle)
    return DemoBusiness(str(provisioned.tenant_id), DEMO_OWNER_EMAIL, str(path), created=True)


def seed_salon(session: Session, tenant_id: uuid.UUID) -> None:
    bind_tenant(session, tenant_id)
    settings = session.get(TenantSettings, tenant_id)
    assert settings is not None
    settings.phone = "+44 20 7946 0000"
    settings.email = "hello@demo-salon.example"
    settings.address = "12 Market Street, London"
    settings.opening_hours = OPENING_HOURS
    settings.faqs = [{"question": q, "answer": a} for q, a in FAQS]
    settings.assistant_persona = "Friendly, concise receptionist for Bella Hair Studio."
    settings.escalation_rules = {"keywords": ["complaint", "refund", "manager"], "after_failed_answers": 2}

    service_ids = []
    for name, description, minutes, price in SERVICES:
        service_id = uuid.uuid4()
        service_ids.append(service_id)
        session.add(Service(tenant_id=tenant_id, id=service_id, name=name, description=description,
                            duration_minutes=minutes, price_cents=price, currency="GBP", active=True))
    session.flush()
    for name, week in STAFF:
        staff_id = uuid.uuid4()
        session.add(StaffMember(tenant_id=tenant_id, id=staff_id, name=name, active=True))
        session.flush()
        for service_id in service_ids:
            session.add(StaffService(tenant_id=tenant_id, staff_id=staff_id, service_id=service_id))
        for weekday, (start, end) in week.items():
            session.add(AvailabilityRule(tenant_id=tenant_id, id=uuid.uuid4(), staff_id=staff_id,
                                         weekday=weekday, start_time=time(start), end_time=time(end)))
    for label, month, day, special in CLOSURES:
        on = date(2025, month, day)
        session.add(BusinessClosure(tenant_id=tenant_id, id=uuid.uuid4(), label=label, start_date=on, end_date=on,
                                    opens_at=special[0] if special else None,
                                    closes_at=special[1] if special else None, repeats_yearly=True))
    contact_id = uuid.uuid4()
    session.add(Contact(tenant_id=tenant_id, id=contact_id, name="Jamie Lee", phone="+447700900123"))
    session.flush()
    conversation_id = uuid.uuid4()
    session.add(Conversation(tenant_id=tenant_id, id=conversation_id, contact_id=contact_id,
                             channel="sms", status="open", subject="Haircut on Saturday"))
    session.flush()
    session.add(Message(tenant_id=tenant_id, id=uuid.uuid4(), conversation_id=conversation_id,
                        direction="inbound", author_kind="contact",
                        body="Hi! Can I get a haircut Saturday at 10?"))
    session.flush()


def seed_assistant(session: Session, runtime: Runtime, tenant_id: uuid.UUID) -> str:
    """What the assistant works with: knowledge documents, a widget credential, and a job to answer the
    seeded customer message. Returns the widget's public key."""
    seeder = Principal(PrincipalKind.SYSTEM, DEMO_SEEDER_ID, tenant_id, Role.OWNER, component="demo.seed")
    for title, text in KNOWLEDGE:
        knowledge.add_document(session, seeder, runtime.embedder, DocumentSource(title, SourceKind.TEXT, text))
    widget = integrations.create_credential(session, runtime.vault, seeder, CredentialCreate.model_validate({
        "kind": "widget", "name": "default", "secret": secrets.token_urlsafe(32),
    }))
    widget_key = str(widget.config[METADATA_KEY])  # generated by the server, as for any tenant
    first = session.execute(select(Message.conversation_id, Message.id).where(Message.author_kind == "contact")).first()
    if first is not None:
        queue_turn(session, tenant_id, first.conversation_id, first.id)
    return widget_key


def describe_demo(runtime: Runtime) -> str:
    path = _credentials_file(runtime)
    if not path.exists():
        return "No demo business in this data directory; run `engium demo`."
    data = json.loads(path.read_text())
    base = f"http://{runtime.settings.host}:{runtime.settings.port}"
    return (
        f"Demo business '{DEMO_NAME}' (tenant {data['tenant_id']}).\n"
        f"  Sign in: open {base}/ as {data['email']}; the password is in {path}\n"
        f"  API key: engium apikey create --tenant {data['tenant_id']} --role owner\n"
        f"  API docs: {base}/api/v1/docs\n"
        f"  Chat as a customer: POST {base}/widget/v1/conversations with header X-Widget-Key: "
        f"{data.get('widget_key', '(see integrations)')} and body {{\"message\": \"When are you open?\"}}, then\n"
        f"    GET {base}/widget/v1/messages with X-Widget-Key and X-Widget-Token (the token from the first call)\n"
        # The seeded SMS conversation's reply cannot leave without one: the transcript says so (ADR 0035).
        "  SMS and WhatsApp replies need a Twilio or WhatsApp credential (Integrations); until one is added they\n"
        "    are shown as failed, with the reason, and no message reaches the customer"
        + (f"\n  E-mails (a chat visitor's booking code, a password-reset link) are written to {outbox}/ as .eml files:"
           "\n    no SMTP server is set (ENGIUM_SMTP_HOST)" if (outbox := runtime.settings.mail.outbox_dir) else "")
    )
