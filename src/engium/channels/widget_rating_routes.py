"""``POST /widget/v1/rating``: a website visitor answers the satisfaction question of their conversation.

Authenticated as every widget write is (the widget key names the tenant, the conversation token grants the
conversation), rate-limited per key and source address; a wrong key or token is the widget's generic 401.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from pydantic import BaseModel, ConfigDict, Field

from engium.access.principal import Principal
from engium.analytics import ratings
from engium.channels import widget
from engium.channels.rate_limits import Throttled, limits_of, refuse, source_of
from engium.channels.verify.verification import WebhookRejected
from engium.kit.transaction import DbSession

router = APIRouter(prefix="/widget/v1", tags=["widget"])

WidgetKey = Annotated[str | None, Header(alias="X-Widget-Key", max_length=128)]
WidgetToken = Annotated[str | None, Header(alias="X-Widget-Token", max_length=128)]
_ANSWERS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Unknown widget key or token"},
    409: {"description": "The conversation has no open rating question (never asked, answered or expired)"},
}


class RatingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rating: int = Field(ge=1, le=5, strict=True, description="1 (poor) to 5 (excellent)")


class RatingOut(BaseModel):
    rating: int


@router.post("/rating", response_model=RatingOut, status_code=201, responses=_ANSWERS)
def rate(body: RatingIn, request: Request, session: DbSession, key: WidgetKey = None,
         token: WidgetToken = None) -> RatingOut:
    source = source_of(request)
    limits = limits_of(request)
    if limits.failures.blocked(source) or not limits.widget.hit(f"{key or ''}|{source}"):
        raise Throttled()
    try:
        visitor = widget.resolve(session, key or "")
        conversation_id, contact_id = widget.granted_conversation(session, visitor, token)
    except WebhookRejected as rejected:
        raise refuse(request, "widget", rejected.reason.value) from None
    given = ratings.rate_conversation(session, Principal.contact(visitor.tenant_id, contact_id), conversation_id,
                                      body.rating)
    return RatingOut(rating=given.rating or body.rating)
