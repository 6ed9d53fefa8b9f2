"""``/widget/v1/contact/code`` and ``/widget/v1/contact/verify``: the widget's one-time code for the number or
address the visitor stated (ADR 0043). ``PUT /widget/v1/contact`` sends the first code; these ask for a new one
and prove it. Both need the conversation token; the code is good for that conversation only."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from engium.channels import widget_proof
from engium.channels.rate_limits import refuse
from engium.channels.verify.verification import WebhookRejected
from engium.channels.widget_routes import WidgetKey, WidgetToken, _visitor
from engium.errors import error_body
from engium.kit.app_state import runtime_of
from engium.kit.transaction import DbSession

router = APIRouter(prefix="/widget/v1/contact", tags=["widget"])
_REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Unknown widget key or token"},
    409: {"description": "No code to check: none sent, already used, expired, or void after too many wrong tries"},
    429: {"description": "Too many codes sent for this conversation or to this number or address; try again later"},
}


class CodeSentOut(BaseModel):
    channel: Literal["email", "sms"]
    expires_at: datetime
    code_digits: int
    message: str


class ProofIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[0-9]{6}$", description="The 6-digit code from the e-mail or text message")


class ProofOut(BaseModel):
    verified: bool
    message: str


SENT = {"email": "We e-mailed you a {digits}-digit code. Enter it here within {minutes} minutes.",
        "sms": "We texted you a {digits}-digit code. Enter it here within {minutes} minutes."}
PROVEN = "Thank you, your details are confirmed. Reply yes in the chat to book."


def sent_out(sent: widget_proof.CodeSent) -> CodeSentOut:
    minutes = int(widget_proof.CODE_TTL.total_seconds() // 60)
    return CodeSentOut(channel=sent.channel, expires_at=sent.expires_at, code_digits=widget_proof.CODE_DIGITS,
                       message=SENT[sent.channel].format(digits=widget_proof.CODE_DIGITS, minutes=minutes))


@router.post("/code", response_model=CodeSentOut, status_code=202, responses=_REFUSALS)
def send_code(request: Request, session: DbSession, key: WidgetKey = None, token: WidgetToken = None) -> CodeSentOut:
    """A new code for the number or address given in the details form (the earlier code stops working).
    422 when the business cannot send to it (a number without an SMS channel: give an e-mail address)."""
    visitor = _visitor(request, session, key)
    try:
        sent = widget_proof.send_code(session, visitor, token, runtime_of(request).settings.mail)
    except WebhookRejected as rejected:
        raise refuse(request, "widget", rejected.reason.value) from None
    return sent_out(sent)


@router.post("/verify", response_model=ProofOut, responses=_REFUSALS)
def verify(body: ProofIn, request: Request, session: DbSession, key: WidgetKey = None,
           token: WidgetToken = None) -> ProofOut | JSONResponse:
    """The code proves the number or address: the conversation becomes the customer's who holds it. A wrong
    code is 422 and counts; the fifth voids the code (409 after that: ask for a new one)."""
    visitor = _visitor(request, session, key)
    try:
        outcome = widget_proof.verify_code(session, visitor, token, body.code)
    except WebhookRejected as rejected:
        raise refuse(request, "widget", rejected.reason.value) from None
    if isinstance(outcome, widget_proof.WrongCode):
        # Answered, not raised: the count of wrong codes commits with the answer.
        message = (f"That code doesn't match. {outcome.tries_left} tries left." if outcome.tries_left
                   else "That code doesn't match either, so it is no longer valid. Ask for a new code.")
        return JSONResponse(error_body("wrong_code", message, {"tries_left": outcome.tries_left}), status_code=422)
    return ProofOut(verified=True, message=PROVEN)


__all__ = ["router"]
