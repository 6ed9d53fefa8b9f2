"""Meta / WhatsApp Cloud API: ``X-Hub-Signature-256`` over the raw body, and the subscription handshake.

The MAC is over the raw bytes as received: Meta escapes non-ASCII in its JSON, so a re-serialised
payload would not match. There is no timestamp and Meta retries for days, so the replay defence is the
caller's deduplication on the message ids returned here. JSON is parsed only after the MAC matched.
"""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from engium.channels.verify.hmac_hex_webhook import HUB_SIGNATURE_HEADER, HUB_SIGNATURE_PREFIX, match_hmac_sha256_hex
from engium.channels.verify.urlencoded_form import parse_urlencoded_form
from engium.channels.verify.webhook_common import (
    DEFAULT_MAX_BODY_BYTES,
    HeaderSource,
    RejectReason,
    Secret,
    VerifiedWebhook,
    WebhookRejected,
    WebhookScheme,
    read_headers,
    reject_oversize_body,
    required,
    usable_secrets,
)

# A verification query has three parameters; anything long is not one.
MAX_HANDSHAKE_QUERY_CHARS = 2048
# Meta sends a random integer. The challenge is echoed back verbatim, so anything beyond a short
# token is refused rather than reflected (a reflected string served as text/html is an XSS).
_CHALLENGE = re.compile(r"[A-Za-z0-9._-]{1,128}")


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifiedMetaWebhook(VerifiedWebhook):
    """``message_ids`` are the ids of inbound messages in the batch (``entry[].changes[].value.messages[].id``),
    the keys the caller deduplicates on; ``payload`` is the parsed JSON, so nothing parses it twice."""

    message_ids: tuple[str, ...] = ()
    payload: object = None


def _reject_non_finite_number(constant: str) -> object:
    raise ValueError(constant)


def _inbound_message_ids(payload: object) -> tuple[str, ...]:
    """Walks the documented envelope defensively: unexpected shapes contribute nothing."""
    if not isinstance(payload, dict):
        return ()
    ids: list[str] = []
    entries = payload.get("entry")
    for entry in entries if isinstance(entries, list) else ():
        changes = entry.get("changes") if isinstance(entry, dict) else None
        for change in changes if isinstance(changes, list) else ():
            value = change.get("value") if isinstance(change, dict) else None
            messages = value.get("messages") if isinstance(value, dict) else None
            for message in messages if isinstance(messages, list) else ():
                message_id = message.get("id") if isinstance(message, dict) else None
                if isinstance(message_id, str) and message_id:
                    ids.append(message_id)
    return tuple(ids)


def verify_meta(
    body: bytes,
    headers: HeaderSource,
    secrets: Sequence[Secret],
    *,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> VerifiedMetaWebhook:
    """Verify a WhatsApp Cloud API delivery; ``secrets`` are app secrets, current first."""
    reject_oversize_body(body, max_body_bytes)
    keys = usable_secrets(secrets)
    signature = required(read_headers(headers, (HUB_SIGNATURE_HEADER,)), HUB_SIGNATURE_HEADER)
    position = match_hmac_sha256_hex(b"", body, signature, HUB_SIGNATURE_PREFIX, keys)
    try:
        payload = json.loads(body.decode("utf-8"), parse_constant=_reject_non_finite_number)
    except (ValueError, RecursionError):
        # Signed by Meta yet unreadable: still refused, and without the parser's message.
        raise WebhookRejected(RejectReason.MALFORMED_PAYLOAD) from None
    return VerifiedMetaWebhook(
        scheme=WebhookScheme.META,
        matched_secret_index=position,
        message_ids=_inbound_message_ids(payload),
        payload=payload,
    )


def verify_meta_subscription(query: str | bytes, verify_tokens: Sequence[str]) -> str:
    """The ``GET`` handshake: returns ``hub.challenge`` to echo when ``hub.mode=subscribe`` and
    ``hub.verify_token`` equals one of ``verify_tokens`` (compared in constant time).

    ``query`` is the raw query string (without ``?``), parsed strictly: a repeated parameter is refused.
    """
    if isinstance(verify_tokens, str):
        raise WebhookRejected(RejectReason.MISCONFIGURED)
    tokens = [token.encode("utf-8") for token in verify_tokens if token]
    if not tokens:
        raise WebhookRejected(RejectReason.NO_SECRET)
    if len(query) > MAX_HANDSHAKE_QUERY_CHARS:
        raise WebhookRejected(RejectReason.MALFORMED_BODY)
    params = dict(parse_urlencoded_form(query))
    mode, presented, challenge = (params.get(name) for name in ("hub.mode", "hub.verify_token", "hub.challenge"))
    if mode != "subscribe" or presented is None or challenge is None:
        raise WebhookRejected(RejectReason.HANDSHAKE_MISMATCH)
    presented_bytes = presented.encode("utf-8")
    # Every configured token is compared, so the time taken does not say which one nearly matched.
    matched = False
    for token in tokens:
        matched |= hmac.compare_digest(token, presented_bytes)
    if not matched or not _CHALLENGE.fullmatch(challenge):
        raise WebhookRejected(RejectReason.HANDSHAKE_MISMATCH)
    return challenge
