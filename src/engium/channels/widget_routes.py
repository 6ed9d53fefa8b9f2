"""``/widget/v1``: the public API the chat widget calls from the tenant's website.

Every request names the tenant by its public widget key and is rate-limited per (key, source address);
reading and writing need the conversation token returned by ``POST /widget/v1/conversations``. Any
authentication failure is the generic 401 and counts against the source's failure budget. A browser
request from a website the tenant has not allowed never gets here (``widget_cors.py``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Header, Query, Request
from pydantic import BaseModel, ConfigDict

from engium.access.principal import Principal
from engium.channels import widget, widget_contact
from engium.channels.rate_limits import Throttled, limits_of, refuse, source_of
from engium.channels.verify.verification import WebhookRejected
from engium.conversations.schemas import MessageBody
from engium.kit.app_state import runtime_of
from engium.kit.transaction import DbSession
from engium.privacy.consent import record_consent, record_gpc
from engium.tenancy.service import get_settings

router = APIRouter(prefix="/widget/v1", tags=["widget"])
_UNAUTHORIZED: dict[int | str, dict[str, Any]] = {401: {"description": "Unknown widget key or token"}}

WidgetKey = Annotated[str | None, Header(alias="X-Widget-Key", max_length=128)]
WidgetToken = Annotated[str | None, Header(alias="X-Widget-Token", max_length=128)]


class StartConversation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: MessageBody | None = None


class SendMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: MessageBody


class ConversationGrant(BaseModel):
    conversation_id: UUID
    # Shown once; keep it in the visitor's browser. Only its hash is stored.
    token: str
    expires_at: datetime
    verified: bool


class WidgetMessage(BaseModel):
    id: UUID
    direction: Literal["inbound", "outbound"]
    author_kind: str
    body: str
    created_at: datetime
    # On the assistant's latest reply while it waits for the visitor's details before a booking
    # (["name", "phone_or_email"]): the widget shows its details form. Empty otherwise.
    asks_for: list[str] = []


class WidgetConfig(BaseModel):
    """What the widget shows before any conversation: whose chat this is, and the notice that an AI
    answers (its wording version is what the visitor's consent record names)."""

    business_name: str
    ai_notice: str
    ai_notice_version: str


# Shown above every widget conversation; a new wording needs a new version, since consent records name it.
AI_NOTICE_VERSION = "ai-notice-v1"
AI_NOTICE = ("You are chatting with {business}'s AI assistant. {business}'s staff can read this chat and "
             "reply. Your messages are not used to train AI models.")


def _visitor(request: Request, session: DbSession, key: str | None) -> widget.WidgetVisitor:
    source = source_of(request)
    limits = limits_of(request)
    if limits.failures.blocked(source) or not limits.widget.hit(f"{key or ''}|{source}"):
        raise Throttled()
    try:
        return widget.resolve(session, key or "")
    except WebhookRejected as rejected:
        raise refuse(request, "widget", rejected.reason.value) from None


def _gpc(request: Request) -> bool:
    """Global Privacy Control: a browser sending ``Sec-GPC: 1`` says "do not sell or share". It is recorded
    as the visitor's opt-out on every widget write, not only the first (the signal may be turned on
    mid-conversation); record_gpc records it once."""
    return request.headers.get("sec-gpc", "").strip() == "1"


@router.post("/conversations", response_model=ConversationGrant, status_code=201, responses=_UNAUTHORIZED)
def start_conversation(
    body: StartConversation,
    request: Request,
    session: DbSession,
    key: WidgetKey = None,
    user_id: Annotated[str | None, Header(alias="X-Widget-User-Id", max_length=100)] = None,
    user_signature: Annotated[str | None, Header(alias="X-Widget-User-Signature", max_length=64)] = None,
    user_expires: Annotated[str | None, Header(alias="X-Widget-User-Expires", max_length=20)] = None,
) -> ConversationGrant:
    visitor = _visitor(request, session, key)
    try:
        verified = widget.verified_user(
            session, runtime_of(request).vault, visitor, user_id, user_signature, user_expires
        )
    except WebhookRejected as rejected:
        raise refuse(request, "widget", rejected.reason.value) from None
    started = widget.start(session, visitor, verified, body.message)
    visitor_principal = Principal.contact(visitor.tenant_id, started.contact_id)
    # The widget shows the AI notice before the first message can be typed (GET /config): recorded as
    # shown, with its wording version (GDPR Art. 13 information; consent records, issue 13).
    record_consent(session, visitor_principal, started.contact_id, "ai_processing_notice", granted=True,
                   channel="web", source="widget", wording_version=AI_NOTICE_VERSION)
    if _gpc(request):
        record_gpc(session, visitor_principal, started.contact_id)
    return ConversationGrant(
        conversation_id=started.conversation_id, token=started.token, expires_at=started.expires_at,
        verified=started.verified,
    )


@router.post("/messages", response_model=WidgetMessage, status_code=201, responses=_UNAUTHORIZED)
def send_message(
    body: SendMessage, request: Request, session: DbSession, key: WidgetKey = None, token: WidgetToken = None
) -> WidgetMessage:
    visitor = _visitor(request, session, key)
    try:
        message = widget.send(session, visitor, token, body.body)
        if _gpc(request):
            _, contact_id = widget.granted_conversation(session, visitor, token)
            record_gpc(session, Principal.contact(visitor.tenant_id, contact_id), contact_id)
    except WebhookRejected as rejected:
        raise refuse(request, "widget", rejected.reason.value) from None
    return WidgetMessage.model_validate(message, from_attributes=True)


@router.get("/messages", response_model=list[WidgetMessage], responses=_UNAUTHORIZED)
def read_messages(
    request: Request,
    session: DbSession,
    key: WidgetKey = None,
    token: WidgetToken = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 100,
    after: Annotated[UUID | None, Query(description="Only messages after this one (polling)")] = None,
) -> list[WidgetMessage]:
    visitor = _visitor(request, session, key)
    ttl = timedelta(minutes=runtime_of(request).settings.assistant.pending_ttl_minutes)
    try:
        found = widget.read(session, visitor, token, limit, after)
        messages = found[:limit]
        marks = widget_contact.asks_for_marks(
            session, visitor, token, messages, reached_end=len(found) <= limit, pending_ttl=ttl
        )
    except WebhookRejected as rejected:
        raise refuse(request, "widget", rejected.reason.value) from None
    return [
        WidgetMessage.model_validate(m, from_attributes=True).model_copy(update={"asks_for": list(marks.get(m.id, ()))})
        for m in messages
    ]


@router.put("/contact", response_model=widget_contact.StatedDetails, responses={
    **_UNAUTHORIZED, 429: {"description": "Too many codes sent for this conversation or to this number or address"}})
def state_details(
    body: widget_contact.VisitorDetails,
    request: Request,
    session: DbSession,
    key: WidgetKey = None,
    token: WidgetToken = None,
) -> widget_contact.StatedDetails:
    """The visitor's name and a phone number or e-mail, for the conversation's own contact only. Stored
    as unverified details: they tell the business who is coming, and identify nobody until proved with the
    6-digit code sent to them (by e-mail, or by text when the business has an SMS channel; 422 when it
    cannot send to what was given), entered at ``POST /widget/v1/contact/verify``."""
    visitor = _visitor(request, session, key)
    try:
        return widget_contact.save_details(session, visitor, token, body, runtime_of(request).settings.mail)
    except WebhookRejected as rejected:
        raise refuse(request, "widget", rejected.reason.value) from None


@router.get("/config", response_model=WidgetConfig, responses=_UNAUTHORIZED)
def read_config(request: Request, session: DbSession, key: WidgetKey = None) -> WidgetConfig:
    """Read when the visitor opens the chat: the title, and a check that this website may use it."""
    _visitor(request, session, key)
    business = get_settings(session).business_name
    return WidgetConfig(business_name=business, ai_notice=AI_NOTICE.format(business=business),
                        ai_notice_version=AI_NOTICE_VERSION)


__all__ = ["router"]
