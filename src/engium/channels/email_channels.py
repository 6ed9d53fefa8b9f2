"""A business's inbound e-mail channels (ADR 0046): the address customers write to, forwarded by a Mailgun
route to ``POST /webhooks/email/{channel id}``, signed with the domain's webhook signing key.

The signing key is a vault credential (kind ``mailgun``), encrypted, never returned: responses say only that
it is set. The channel id is public (it is in the URL); it finds the tenant through ``email_channel_tenant``
and nothing else, and a request is stored only once the key of *that* channel verified it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field, SecretStr
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from engium.access.authentication import Requires
from engium.access.permissions import Permission
from engium.access.principal import Principal
from engium.audit import recorder as audit
from engium.audit.actions import AuditAction
from engium.channels.email_models import EmailChannel
from engium.errors import NotFound
from engium.integrations import service as credentials
from engium.integrations.schemas import CredentialCreate, CredentialKind
from engium.kit.app_state import runtime_of
from engium.kit.transaction import DbSession
from engium.mail.service import clean_recipient

WEBHOOK_PATH = "/webhooks/email/{channel_id}"

router = APIRouter(prefix="/email-channels", tags=["channels"])
Manage = Annotated[Principal, Requires(Permission.INTEGRATIONS_MANAGE)]


class EmailChannelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # The address customers write to (the Mailgun route's recipient): Reply-To of our replies.
    address: str = Field(min_length=3, max_length=320)
    # Mailgun's "HTTP webhook signing key" of the receiving domain.
    signing_key: Annotated[SecretStr, Field(min_length=8, max_length=4096)]


class EmailChannelOut(BaseModel):
    id: UUID
    address: str
    # Where the Mailgun route forwards to, under this server's public URL.
    webhook_path: str
    # The signing key is write-only: a response only says that one is stored.
    signing_key_set: bool
    created_at: datetime


def shown(channel: EmailChannel) -> EmailChannelOut:
    return EmailChannelOut(id=channel.id, address=channel.address,
                           webhook_path=WEBHOOK_PATH.format(channel_id=channel.id), signing_key_set=True,
                           created_at=channel.created_at)


def tenant_for_channel(session: Session, channel_id: UUID) -> UUID | None:
    """Before any tenant is bound: whose channel this is (SECURITY DEFINER, migration 0039)."""
    found: UUID | None = session.execute(text("select email_channel_tenant(:c)"), {"c": channel_id}).scalar()
    return found


def channel_by_id(session: Session, channel_id: UUID) -> EmailChannel | None:
    """The bound tenant's channel (RLS: another tenant's id finds nothing)."""
    return session.execute(select(EmailChannel).where(EmailChannel.id == channel_id)).scalar_one_or_none()


def reply_address(session: Session) -> str | None:
    """The address replies ask the customer to answer to: the business's first e-mail channel's."""
    return session.execute(select(EmailChannel.address).order_by(EmailChannel.created_at, EmailChannel.id)
                           .limit(1)).scalar_one_or_none()


def create_channel(session: Session, request: Request, principal: Principal, body: EmailChannelIn) -> EmailChannel:
    address = clean_recipient(body.address)
    channel_id = uuid.uuid4()
    credential = credentials.create_credential(session, runtime_of(request).vault, principal, CredentialCreate(
        kind=CredentialKind.MAILGUN, name=f"email-{channel_id.hex[:12]}", secret=body.signing_key))
    channel = EmailChannel(tenant_id=principal.tenant_id, id=channel_id, address=address,
                           credential_id=credential.id)
    session.add(channel)
    session.flush()
    session.refresh(channel)
    audit.record(session, principal, AuditAction.EMAIL_CHANNEL_CREATED, resource_type="email_channel",
                 resource_id=channel.id, details={"channel_id": channel.id, "address": address})
    return channel


def channels(session: Session) -> list[EmailChannel]:
    return list(session.execute(select(EmailChannel).order_by(EmailChannel.created_at, EmailChannel.id)).scalars())


def remove_channel(session: Session, principal: Principal, channel_id: UUID) -> None:
    channel = channel_by_id(session, channel_id)
    if channel is None:
        raise NotFound("E-mail channel not found")
    audit.record(session, principal, AuditAction.EMAIL_CHANNEL_DELETED, resource_type="email_channel",
                 resource_id=channel.id, details={"channel_id": channel.id})
    # The channel goes with its signing key (on delete cascade).
    credentials.delete_credential(session, principal, channel.credential_id)


@router.get("", response_model=list[EmailChannelOut])
def list_channels(principal: Manage, session: DbSession) -> list[EmailChannelOut]:
    return [shown(row) for row in channels(session)]


@router.post("", response_model=EmailChannelOut, status_code=201)
def add_channel(body: EmailChannelIn, principal: Manage, session: DbSession, request: Request) -> EmailChannelOut:
    """Connects an inbound e-mail channel; the signing key is stored encrypted and never returned."""
    return shown(create_channel(session, request, principal, body))


@router.delete("/{channel_id:uuid}", status_code=204)
def delete_channel(channel_id: UUID, principal: Manage, session: DbSession) -> Response:
    remove_channel(session, principal, channel_id)
    return Response(status_code=204)
