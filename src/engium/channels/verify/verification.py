"""Inbound webhook verification: one entry point per scheme, pure functions over the raw request.

Every verifier takes the raw body bytes, the request headers (a case-insensitive mapping such as
Starlette's ``Headers``, or the raw ASGI list of pairs), the secrets as a sequence (the current one
first, then previous ones still inside their rotation grace period; any may match) and, for schemes
that sign a timestamp, ``now`` in Unix seconds (``None`` reads the clock). It returns a
``VerifiedWebhook`` or raises ``WebhookRejected``, whose message is always "invalid signature".

Callers (the webhook endpoints) must:

* pass the body exactly as received and parse nothing before the verifier returns;
* answer every ``WebhookRejected`` with 401 and a generic body; log ``reason``, never echo it;
* record ``event_id`` (or each of Meta's ``message_ids``) in the replay table and drop repeats;
  Twilio and Meta sign no timestamp, so that table is their only replay defence;
* build Twilio's ``public_url`` from the tenant's configured public base URL, never from ``Host`` or
  ``X-Forwarded-*`` headers;
* never skip verification because a tenant has no secret configured: the verifiers reject then.
"""

from __future__ import annotations

from engium.channels.verify.hmac_hex_webhook import verify_github, verify_hmac_sha256_hex, verify_slack
from engium.channels.verify.meta_webhook import VerifiedMetaWebhook, verify_meta, verify_meta_subscription
from engium.channels.verify.standard_webhook import PublicKey, verify_standard_webhook
from engium.channels.verify.twilio_webhook import VerifiedTwilioWebhook, twilio_url_variants, verify_twilio
from engium.channels.verify.webhook_common import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_TIMESTAMP_TOLERANCE_S,
    HeaderSource,
    RejectReason,
    Secret,
    VerifiedWebhook,
    WebhookRejected,
    WebhookScheme,
)

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_TIMESTAMP_TOLERANCE_S",
    "HeaderSource",
    "PublicKey",
    "RejectReason",
    "Secret",
    "VerifiedMetaWebhook",
    "VerifiedTwilioWebhook",
    "VerifiedWebhook",
    "WebhookRejected",
    "WebhookScheme",
    "twilio_url_variants",
    "verify_github",
    "verify_hmac_sha256_hex",
    "verify_meta",
    "verify_meta_subscription",
    "verify_slack",
    "verify_standard_webhook",
    "verify_twilio",
]
