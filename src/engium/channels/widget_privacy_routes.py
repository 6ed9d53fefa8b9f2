"""``/widget/v1/privacy/requests``: a customer asks from the chat widget to see, export or delete their data,
and proves control of their phone number or e-mail address with a one-time code (channels/widget_privacy.py,
ADR 0031).

Like every widget route: the public widget key, the visitor's conversation token, the per-(key, source)
throttle, the generic 401. On top, codes are limited per number or address and per (key, source) to
``ENGIUM_CHANNELS_PRIVACY_CODES_PER_HOUR`` an hour per number or address (5) and twice that per (key,
source): 429, so nobody can flood a phone or a mailbox with codes.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, Literal, Self
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

from engium.access.principal import Principal
from engium.channels import widget, widget_privacy
from engium.channels.rate_limits import FailureLimiter, Throttled, refuse, source_of
from engium.channels.verify.verification import WebhookRejected
from engium.channels.widget_routes import WidgetKey, WidgetToken, _visitor
from engium.conversations.schemas import ContactEmail, PhoneNumber
from engium.errors import error_body
from engium.kit.app_state import runtime_of
from engium.kit.request_fields import exactly_one_given
from engium.kit.transaction import DbSession

router = APIRouter(prefix="/widget/v1/privacy", tags=["widget"])
_REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Unknown widget key or token"},
    429: {"description": "Too many codes asked for this number or address, or from this visitor; try again later"},
}
NEITHER = "give the phone number or the e-mail address the business has for you"
BOTH = "give a phone number or an e-mail address, not both: the code goes to one of them"
SENT = ("If this number is on file with the business, we have sent a {digits}-digit code to it by text "
        "message. Enter it here within {minutes} minutes.")
SENT_BY_EMAIL = ("If this e-mail address is on file with the business, we have sent a {digits}-digit code to "
                 "it. Enter it here within {minutes} minutes.")


class DataRequestStart(BaseModel):
    """What the visitor asks for, and where the code should go: exactly one of the phone number
    (international form, +44 20 7946 0000) or the e-mail address the business has for them."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=exactly_one_given("phone", "email"))

    kind: Literal["access", "export", "erasure"] = Field(
        description="access: what the business holds; export: a copy as a file; erasure: delete it")
    phone: PhoneNumber | None = Field(default=None, description="The code goes by text message")
    email: ContactEmail | None = Field(default=None, description="The code goes by e-mail")

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        if self.phone is None and self.email is None:
            raise ValueError(NEITHER)
        if self.phone is not None and self.email is not None:
            raise ValueError(BOTH)
        return self


class ChallengeOut(BaseModel):
    """The same for every number or address, on file or not: a code was sent only if it is."""

    challenge_id: UUID
    expires_at: datetime
    code_digits: int
    message: str


class CodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[0-9]{6}$", description="The 6-digit code from the text message or e-mail")


class FiledRequestOut(BaseModel):
    """The request as filed: the business must answer it by ``deadline``."""

    request_id: UUID
    kind: str
    status: str
    received_at: datetime
    deadline: datetime
    message: str


def _limiters(request: Request) -> tuple[FailureLimiter, FailureLimiter]:
    """(per number, per source), per process like the other channel throttles, sized from the settings on
    first use. A source may ask for twice a number's allowance: a household shares an address."""
    limiters: tuple[FailureLimiter, FailureLimiter] | None = getattr(request.app.state, "privacy_code_limiters", None)
    if limiters is None:
        per_hour = runtime_of(request).settings.channels.privacy_codes_per_hour
        limiters = (FailureLimiter(per_hour, 3600.0), FailureLimiter(2 * per_hour, 3600.0))
        request.app.state.privacy_code_limiters = limiters
    return limiters


def _throttle(request: Request, key: str | None, address: str) -> None:
    """Counts one code against the source and against the number or e-mail address (kept as a hash, not
    in clear; a number and an address never share a key: only one has an @)."""
    per_address, per_source = _limiters(request)
    if not per_source.hit(f"{key or ''}|{source_of(request)}"):
        raise Throttled()
    if not per_address.hit(hashlib.sha256(address.encode()).hexdigest()):
        raise Throttled()


def _visitor_contact(request: Request, session: DbSession, key: str | None,
                     token: str | None) -> Principal:
    visitor = _visitor(request, session, key)
    try:
        _, contact_id = widget.granted_conversation(session, visitor, token)
    except WebhookRejected as rejected:
        raise refuse(request, "widget", rejected.reason.value) from None
    return Principal.contact(visitor.tenant_id, contact_id)


@router.post("/requests", response_model=ChallengeOut, status_code=202, responses=_REFUSALS)
def ask_for_code(body: DataRequestStart, request: Request, session: DbSession, key: WidgetKey = None,
                 token: WidgetToken = None) -> ChallengeOut:
    """Starts a data-subject request: if the number or e-mail address is on file and the business can
    text it (the server can e-mail it), a 6-digit code goes to it, valid 10 minutes. The answer is the same
    whether or not it is on file."""
    visitor = _visitor_contact(request, session, key, token)
    if body.email is not None:
        _throttle(request, key, body.email)
        challenge = widget_privacy.start_email_challenge(session, visitor, body.kind, body.email,
                                                         runtime_of(request).settings.mail)
        sent = SENT_BY_EMAIL
    else:
        assert body.phone is not None  # one of the two: the model's rule
        _throttle(request, key, body.phone)
        challenge = widget_privacy.start_challenge(session, visitor, body.kind, body.phone)
        sent = SENT
    minutes = int(widget_privacy.CODE_TTL.total_seconds() // 60)
    return ChallengeOut(challenge_id=challenge.id, expires_at=challenge.expires_at,
                        code_digits=widget_privacy.CODE_DIGITS,
                        message=sent.format(digits=widget_privacy.CODE_DIGITS, minutes=minutes))


@router.post("/requests/{challenge_id:uuid}/confirm", response_model=FiledRequestOut, status_code=201,
             responses=_REFUSALS)
def confirm_code(challenge_id: UUID, body: CodeIn, request: Request, session: DbSession, key: WidgetKey = None,
                 token: WidgetToken = None) -> FiledRequestOut | JSONResponse:
    """The code from the text message or e-mail files the request. A wrong code is 422 and counts: the third voids
    the code. An expired, voided or used code is 409; another visitor's or an unknown challenge 404."""
    visitor = _visitor_contact(request, session, key, token)
    outcome = widget_privacy.confirm(session, visitor, challenge_id, body.code)
    if isinstance(outcome, widget_privacy.WrongCode):
        # Answered, not raised: the count of wrong codes commits with the answer.
        message = (f"That code doesn't match. {outcome.tries_left} tries left." if outcome.tries_left
                   else "That code doesn't match either, so it is no longer valid. Ask for a new code.")
        return JSONResponse(error_body("wrong_code", message, {"tries_left": outcome.tries_left}), status_code=422)
    deadline = outcome.deadline
    assert deadline is not None  # an open request always has one
    return FiledRequestOut(
        request_id=outcome.id, kind=outcome.kind, status=outcome.status, received_at=outcome.received_at,
        deadline=deadline,
        message=f"Thank you: your request was received. The business must answer by {deadline:%d %B %Y}.",
    )


__all__ = ["router"]
