"""Arbitrary headers and bodies never raise anything but ``WebhookRejected``."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import re
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engium.channels.verify.verification import (
    RejectReason,
    WebhookRejected,
    verify_github,
    verify_meta,
    verify_meta_subscription,
    verify_slack,
    verify_standard_webhook,
    verify_twilio,
)
from tests.channels import webhook_vectors as v

fuzz_settings = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

KNOWN_NAMES = [
    "X-Hub-Signature-256",
    "x-slack-signature",
    "X-Slack-Request-Timestamp",
    "webhook-id",
    "Webhook-Timestamp",
    "webhook-signature",
    "X-Twilio-Signature",
    "content-type",
]
header_names = st.one_of(st.sampled_from(KNOWN_NAMES), st.text(max_size=24))
# Values that reach deep into the parsers: plausible prefixes, digits, base64 and hex fragments.
header_values = st.one_of(
    st.text(max_size=120),
    st.from_regex(r"(sha256|v0)=[0-9a-fA-F]{0,70}", fullmatch=True),
    st.from_regex(r"(v1a?|v[0-9]|x),[A-Za-z0-9+/=]{0,90}( (v1a?|v2),[A-Za-z0-9+/=]{0,90}){0,3}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9+/]{27}=", fullmatch=True),
    st.from_regex(r"[+-]?[0-9]{0,14}(\.[0-9]*)?", fullmatch=True),
    st.sampled_from(["application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-8", ""]),
    st.binary(max_size=60).map(lambda raw: raw.decode("latin-1")),
)
header_maps = st.dictionaries(header_names, header_values, max_size=10)
header_pairs = st.lists(
    st.tuples(
        st.one_of(header_names, header_names.map(lambda name: name.encode("utf-8"))),
        st.one_of(header_values, st.binary(max_size=60)),
    ),
    max_size=10,
)
bodies = st.one_of(
    st.binary(max_size=2048),
    st.from_regex(rb"([A-Za-z0-9.%+_-]{0,12}=[A-Za-z0-9%+&=]{0,20}&?){0,8}", fullmatch=True),
    st.sampled_from([v.GITHUB_BODY, v.SLACK_BODY, v.STANDARD_BODY, v.TWILIO_BODY]),
)
urls = st.one_of(st.just(v.TWILIO_URL), st.text(max_size=60))
secret_lists = st.one_of(
    st.just(["It's a Secret to Everybody", v.STANDARD_SECRET]),
    st.lists(st.one_of(st.text(max_size=40), st.binary(max_size=40)), max_size=3),
)


def _rejection_or_none(call: Callable[[], object]) -> WebhookRejected | None:
    try:
        call()
    except WebhookRejected as rejected:
        return rejected
    return None


def _only_rejections(headers: Any, body: bytes, url: str, secrets: list[Any]) -> None:
    calls: list[Callable[[], object]] = [
        lambda: verify_github(body, headers, secrets),
        lambda: verify_meta(body, headers, secrets),
        lambda: verify_slack(body, headers, secrets, now=v.SLACK_NOW),
        lambda: verify_standard_webhook(body, headers, secrets, now=v.STANDARD_NOW),
        lambda: verify_standard_webhook(body, headers, public_keys=secrets, now=v.STANDARD_NOW),
        lambda: verify_twilio(body, headers, secrets, public_url=url),
    ]
    for call in calls:
        # Anything other than WebhookRejected propagates and fails the test.
        rejected = _rejection_or_none(call)
        if rejected is not None:
            assert str(rejected) == "invalid signature"
            assert isinstance(rejected.reason, RejectReason)


@fuzz_settings
@given(headers=header_maps, body=bodies, url=urls, secrets=secret_lists)
def test_arbitrary_header_dicts_and_bodies_only_ever_raise_webhook_rejected(
    headers: dict[str, str], body: bytes, url: str, secrets: list[Any]
) -> None:
    _only_rejections(headers, body, url, secrets)


@fuzz_settings
@given(headers=header_pairs, body=bodies, secrets=secret_lists)
def test_arbitrary_raw_header_lists_only_ever_raise_webhook_rejected(
    headers: list[tuple[Any, Any]], body: bytes, secrets: list[Any]
) -> None:
    _only_rejections(headers, body, v.TWILIO_URL, secrets)


@fuzz_settings
@given(body=st.binary(max_size=4096))
def test_correctly_signed_arbitrary_meta_bodies_parse_or_are_rejected(body: bytes) -> None:
    headers = {"X-Hub-Signature-256": v.hub_signature(body, "secret")}
    rejected = _rejection_or_none(lambda: verify_meta(body, headers, ["secret"]))
    # The signature matched, so the only possible refusal is an unreadable payload.
    assert rejected is None or rejected.reason is RejectReason.MALFORMED_PAYLOAD


@fuzz_settings
@given(
    webhook_id=st.text(max_size=40),
    timestamp=st.text(max_size=16),
    body=st.binary(max_size=512),
    version=st.sampled_from(["v1", "v1a", "v2"]),
)
def test_correctly_signed_standard_webhooks_with_arbitrary_ids_and_timestamps(
    webhook_id: str, timestamp: str, body: bytes, version: str
) -> None:
    key = base64.b64decode(v.STANDARD_SECRET.removeprefix("whsec_"))
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    signature = f"{version}," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    headers = {"webhook-id": webhook_id, "webhook-timestamp": timestamp, "webhook-signature": signature}
    with contextlib.suppress(WebhookRejected):
        verify_standard_webhook(body, headers, [v.STANDARD_SECRET], now=v.STANDARD_NOW)


@fuzz_settings
@given(
    query=st.one_of(st.text(max_size=200), st.binary(max_size=200)), tokens=st.lists(st.text(max_size=10), max_size=3)
)
def test_arbitrary_handshake_queries_only_ever_raise_webhook_rejected(query: str | bytes, tokens: list[str]) -> None:
    try:
        challenge = verify_meta_subscription(query, tokens)
    except WebhookRejected:
        return
    # Whatever is echoed back is a short plain token, never markup.
    assert re.fullmatch(r"[A-Za-z0-9._-]{1,128}", challenge)
