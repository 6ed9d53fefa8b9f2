"""Provider send APIs: Twilio Programmable Messaging and the WhatsApp Cloud API, over httpx2.

One call, one attempt; retry decisions belong to the sender. The clients never follow redirects (a
3xx from a provider API is not something to chase with credentials attached), ignore proxy variables
of the environment (``trust_env=False``: the base URL settings are the one place that decides where
credentials go) and read at most ``MAX_ANSWER_BYTES`` of the response: enough for the provider's id of
the accepted message (Twilio's ``sid``, WhatsApp's ``messages[0].id``) or its numeric error code, both
checked against their shapes (provider_answers.py). ``SendAttempt.error`` is a short summary for the
message and the job row: never a response body's text, header, URL, phone number or exception text,
any of which could carry the message or a secret.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx2

from engium.channels.provider_answers import (
    MAX_ANSWER_BYTES,
    Provider,
    ProviderAnswer,
    describe_rejection,
    read_answer,
)
from engium.channels.settings import ChannelSettings
from engium.crypto.secret import SecretBytes
from engium.kit.http_errors import describe_http_error

USER_AGENT = "Engium-Channels/1"
# Tenant-supplied metadata ends up in the request path: only these exact shapes are accepted, so a
# crafted value cannot walk the path ("../") or add a query to another account's resource.
TWILIO_ACCOUNT_SID = re.compile(r"^AC[0-9a-fA-F]{32}$")
WHATSAPP_PHONE_NUMBER_ID = re.compile(r"^[0-9]{1,32}$")
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


class NotConfigured(Exception):
    """The tenant's channel configuration cannot send (no credential, malformed metadata): permanent.
    The message names the missing piece, never a value."""


@dataclass(frozen=True)
class SendAttempt:
    status_code: int | None = None
    error: str | None = None
    # The provider's id for the accepted message: what its status callbacks will name.
    provider_message_id: str | None = None
    # The provider's numeric error code for a refused one (Twilio ``code``, Graph API ``error.code``).
    error_code: int | None = None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def retryable(self) -> bool:
        """Network errors, 5xx, 408 and 429 may succeed later; any other 4xx (bad number, bad token,
        unsubscribed recipient) will fail the same way again, and 3xx is never followed."""
        code = self.status_code
        return code is None or code >= 500 or code in (408, 429)


@dataclass(frozen=True)
class TwilioRequest:
    account_sid: str
    from_number: str
    to_number: str
    body: str
    auth_token: SecretBytes
    # Where Twilio posts the message's status changes; None when the tenant has no public base URL.
    status_callback: str | None = None

    def __repr__(self) -> str:  # dataclass repr would print the recipient and the text
        return "TwilioRequest(...)"


@dataclass(frozen=True)
class WhatsAppRequest:
    phone_number_id: str
    to_number: str
    body: str
    access_token: SecretBytes

    def __repr__(self) -> str:
        return "WhatsAppRequest(...)"


OutboundRequest = TwilioRequest | WhatsAppRequest


def twilio_request(metadata: dict[str, object], to_number: str, body: str, token: SecretBytes,
                   status_callback: str | None = None) -> TwilioRequest:
    sid, sender = metadata.get("account_sid"), metadata.get("phone_number")
    if not isinstance(sid, str) or not TWILIO_ACCOUNT_SID.match(sid):
        raise NotConfigured("twilio credential metadata needs account_sid (AC + 32 hex digits)")
    if not isinstance(sender, str) or not E164.match(sender):
        raise NotConfigured("twilio credential metadata needs phone_number (E.164)")
    return TwilioRequest(sid, sender, to_number, body, token, status_callback)


def whatsapp_request(metadata: dict[str, object], to_number: str, body: str, token: SecretBytes) -> WhatsAppRequest:
    number_id = metadata.get("phone_number_id")
    if isinstance(number_id, int) and not isinstance(number_id, bool):
        number_id = str(number_id)
    if not isinstance(number_id, str) or not WHATSAPP_PHONE_NUMBER_ID.match(number_id):
        raise NotConfigured("whatsapp credential metadata needs phone_number_id (digits)")
    return WhatsAppRequest(number_id, to_number, body, token)


def _client(settings: ChannelSettings, auth: tuple[str, str] | None = None) -> httpx2.Client:
    timeout = httpx2.Timeout(settings.timeout_seconds, connect=settings.connect_timeout_seconds)
    return httpx2.Client(follow_redirects=False, trust_env=False, timeout=timeout, auth=auth)


def _outcome(provider: Provider, code: int, answer: ProviderAnswer) -> SendAttempt:
    if 200 <= code < 300:
        return SendAttempt(code, provider_message_id=answer.message_id)
    if 300 <= code < 400:
        return SendAttempt(code, f"HTTP {code}: redirects are not followed")
    if code >= 500 or code in (408, 429):
        return SendAttempt(code, f"HTTP {code}")  # transient: the job retries, the reason is the status
    return SendAttempt(code, describe_rejection(provider, code, answer.error_code), error_code=answer.error_code)


def _answer(provider: Provider, response: httpx2.Response) -> SendAttempt:
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > MAX_ANSWER_BYTES:
            break
    return _outcome(provider, response.status_code, read_answer(provider, bytes(body[:MAX_ANSWER_BYTES])))


def send_twilio(request: TwilioRequest, settings: ChannelSettings) -> SendAttempt:
    url = f"{settings.twilio_api_base}/2010-04-01/Accounts/{request.account_sid}/Messages.json"
    form = {"To": request.to_number, "From": request.from_number, "Body": request.body}
    if request.status_callback:
        form["StatusCallback"] = request.status_callback
    try:
        with (
            _client(settings, (request.account_sid, request.auth_token.reveal_text())) as client,
            client.stream("POST", url, data=form, headers={"User-Agent": USER_AGENT}) as response,
        ):
            return _answer("twilio", response)
    except httpx2.HTTPError as exc:
        return SendAttempt(error=describe_http_error(exc))


def send_whatsapp(request: WhatsAppRequest, settings: ChannelSettings) -> SendAttempt:
    url = f"{settings.whatsapp_api_base}/{settings.whatsapp_api_version}/{request.phone_number_id}/messages"
    payload = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": request.to_number.removeprefix("+"),
        "type": "text",
        "text": {"preview_url": False, "body": request.body},
    }
    headers = {"Authorization": f"Bearer {request.access_token.reveal_text()}", "User-Agent": USER_AGENT}
    try:
        with _client(settings) as client, client.stream("POST", url, json=payload, headers=headers) as response:
            return _answer("whatsapp", response)
    except httpx2.HTTPError as exc:
        return SendAttempt(error=describe_http_error(exc))


def send(request: OutboundRequest, settings: ChannelSettings) -> SendAttempt:
    if isinstance(request, TwilioRequest):
        return send_twilio(request, settings)
    return send_whatsapp(request, settings)


def provider_of(request: OutboundRequest) -> Provider:
    return "twilio" if isinstance(request, TwilioRequest) else "whatsapp"
