"""The widget visitor's details: the form the assistant asks for before a booking, and the mark that shows it.

``PUT /widget/v1/contact`` stores the visitor's name and a phone number or e-mail on the one contact
their conversation token grants (the grant names the contact; RLS confines the write to the widget key's
tenant). The values are the visitor's own claim, kept as unverified details (ADR 0017), and the change
is audited as ``contact.updated`` by actor ``contact`` with the field names only.

The assistant's reply that asked for them is marked on read (:func:`asks_for_marks`) rather than
stored: the mark lasts exactly as long as the proposal waits and the details are missing, so a widget
reloaded after the form was sent shows no stale form.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal, Self
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.assistant import contact_details
from engium.channels import widget_proof
from engium.channels.verify.verification import RejectReason, WebhookRejected
from engium.channels.widget import WidgetVisitor, granted_conversation
from engium.conversations import contacts
from engium.conversations.models import Contact, Message
from engium.conversations.schemas import ContactEmail, NotBlank, PhoneNumber, Stripped, check_not_blank
from engium.kit.request_fields import at_least_one_given
from engium.mail.settings import MailSettings

# Checked as sent (not blank, at most 200 characters), then stripped.
VisitorName = Annotated[str, Field(min_length=1, max_length=200), NotBlank, AfterValidator(check_not_blank), Stripped]


class VisitorDetails(BaseModel):
    """A name and at least one way to reach the visitor. Phone numbers in international form
    (+44 20 7946 0000); the e-mail address is checked for shape only."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=at_least_one_given("phone", "email"),  # _reachable's rule, for the document
    )

    name: VisitorName
    phone: PhoneNumber | None = None
    email: ContactEmail | None = None

    @model_validator(mode="after")
    def _reachable(self) -> Self:
        if self.phone is None and self.email is None:
            raise ValueError("give a phone number or an e-mail address")
        return self


class StatedDetails(BaseModel):
    """What the contact now holds, as the visitor stated it, and where the one-time code that proves it went
    (ADR 0043): "email" or "sms", None when nothing needs proving (the contact already holds a proven one)."""

    name: str
    phone: str | None
    email: str | None
    code_sent_to: Literal["email", "sms"] | None = None
    code_expires_at: datetime | None = None


def save_details(session: Session, visitor: WidgetVisitor, token: str | None, details: VisitorDetails,
                 mail: MailSettings) -> StatedDetails:
    """Stores the details and sends the one-time code that proves them (widget_proof.py): in one transaction,
    so details the business cannot send a code to (422) are not kept either."""
    _, contact_id = granted_conversation(session, visitor, token)
    contact = contacts.state_visitor_details(
        session, Principal.contact(visitor.tenant_id, contact_id), contact_id,
        name=details.name, phone=details.phone, email=details.email
    )
    if contact is None:
        raise WebhookRejected(RejectReason.SIGNATURE_MISMATCH)  # the grant outlived its contact
    stated = StatedDetails(name=contact.name, phone=contact.unverified_phone, email=contact.unverified_email)
    if not contact_details.awaiting_proof(contact_details.WEB_CHANNEL, contact):
        return stated
    sent = widget_proof.send_code(session, visitor, token, mail)
    return stated.model_copy(update={"code_sent_to": sent.channel, "code_expires_at": sent.expires_at})


def asks_for_marks(
    session: Session, visitor: WidgetVisitor, token: str | None, messages: Sequence[Message], *, reached_end: bool,
    pending_ttl: timedelta,
) -> dict[UUID, tuple[str, ...]]:
    """``{message id: what it asks for}``: at most the newest assistant message, and only when ``messages``
    reach the end of the conversation (an older page's last reply is not the one that is waiting)."""
    replies = [m for m in messages if m.author_kind == "assistant"]
    if not replies or not reached_end:
        return {}
    conversation_id, contact_id = granted_conversation(session, visitor, token)
    contact: Contact | None = contacts.contact_by_id(session, contact_id)
    asked = contact_details.asks_for(
        session, conversation_id, contact_details.WEB_CHANNEL, contact, datetime.now(UTC), pending_ttl
    )
    return {replies[-1].id: asked} if asked else {}
