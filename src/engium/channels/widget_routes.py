"""``/widget/v1``: the public API the chat widget calls from the tenant's website.

Every request names the tenant by its public widget key and is rate-limited per (key, source address);
reading and writing need the conversation token returned by ``POST /widget/v1/conversations``. Any
authentication failure is the generic 401 and counts against the source's failure budget.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Header, Query, Request
from pydantic import BaseModel, ConfigDict

from engium.channels import widget
from engium.channels.guard import Throttled, limits_of, refuse, source_of
from engium.channels.verification import WebhookRejected
from engium.conversations.schemas import MessageBody
from engium.kit.transaction import DbSession
from engium.runtime import Runtime

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


def _visitor(request: Request, session: DbSession, key: str | None) -> widget.WidgetVisitor:
    source = source_of(request)
    limits = limits_of(request)
    if limits.failures.blocked(source) or not limits.widget.hit(f"{key or ''}|{source}"):
        raise Throttled()
    try:
        return widget.resolve(session, key or "")
    except WebhookRejected as rejected:
        raise refuse(request, "widget", rejected.reason.value) from None


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
            session, Runtime.of(request).vault, visitor, user_id, user_signature, user_expires
        )
    except WebhookRejected as rejected:
        raise refuse(request, "widget", rejected.reason.value) from None
    started = widget.start(session, visitor, verified, body.message)
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
) -> list[WidgetMessage]:
    visitor = _visitor(request, session, key)
    try:
        messages = widget.read(session, visitor, token, limit)
    except WebhookRejected as rejected:
        raise refuse(request, "widget", rejected.reason.value) from None
    return [WidgetMessage.model_validate(m, from_attributes=True) for m in messages]


__all__ = ["router"]
