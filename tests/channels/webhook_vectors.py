"""The verified vectors of ``reference/webhook-vectors.md`` as requests, and single-byte mutations."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterator
from urllib.parse import urlencode

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"

GITHUB_SECRET = "It's a Secret to Everybody"
GITHUB_BODY = b"Hello, World!"
GITHUB_SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"

STANDARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
STANDARD_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
STANDARD_TIMESTAMP = "1614265330"
STANDARD_BODY = b'{"test": 2432232314}'
STANDARD_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

TWILIO_TOKEN = "12345"
TWILIO_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
TWILIO_PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+14158675310",
    "Digits": "1234",
    "From": "+14158675310",
    "To": "+18005551212",
}
TWILIO_BODY = urlencode(TWILIO_PARAMS).encode("ascii")
TWILIO_SIGNATURE = "GvWf1cFY/Q7PnoempGyD5oXAezc="

SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SLACK_TIMESTAMP = "1531420618"
SLACK_BODY = (
    b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    b"&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    b"&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    b"&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
SLACK_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"

# "Now" a little after each timestamped vector was signed, well inside the ±300 s window.
STANDARD_NOW = int(STANDARD_TIMESTAMP) + 17
SLACK_NOW = int(SLACK_TIMESTAMP) + 17


def github_headers(signature: str = GITHUB_SIGNATURE) -> dict[str, str]:
    return {"X-Hub-Signature-256": signature}


def standard_headers(
    webhook_id: str = STANDARD_ID, timestamp: str = STANDARD_TIMESTAMP, signature: str = STANDARD_SIGNATURE
) -> dict[str, str]:
    return {"webhook-id": webhook_id, "webhook-timestamp": timestamp, "webhook-signature": signature}


def twilio_headers(signature: str = TWILIO_SIGNATURE) -> dict[str, str]:
    return {"X-Twilio-Signature": signature, "Content-Type": FORM_CONTENT_TYPE}


def slack_headers(timestamp: str = SLACK_TIMESTAMP, signature: str = SLACK_SIGNATURE) -> dict[str, str]:
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}


def byte_mutations(data: bytes) -> Iterator[bytes]:
    """Every value of every byte replaced by each of the 255 other values."""
    for position, original in enumerate(data):
        for replacement in range(256):
            if replacement != original:
                yield data[:position] + bytes((replacement,)) + data[position + 1 :]


def text_mutations(text: str) -> Iterator[str]:
    """``byte_mutations`` of an ASCII header or secret, as text (high bytes become latin-1 characters,
    as a server decodes them)."""
    for mutated in byte_mutations(text.encode("ascii")):
        yield mutated.decode("latin-1")


# --- signers for fresh requests (stdlib only, independent of the code under test) -----------------


def hub_signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def slack_signature(timestamp: str, body: bytes, secret: str) -> str:
    return "v0=" + hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()


def standard_signature(webhook_id: str, timestamp: str, body: bytes, secret: str) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def twilio_signature(url: str, params: dict[str, str], token: str) -> str:
    signed = url + "".join(name + params[name] for name in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), signed.encode(), hashlib.sha1).digest()).decode()
