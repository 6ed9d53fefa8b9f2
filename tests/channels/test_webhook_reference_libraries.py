"""Signatures made by the official ``twilio`` and ``standardwebhooks`` packages verify with ours, and our
verdict agrees with their verifiers on random inputs (correct, wrong-key and arbitrary signatures)."""

from __future__ import annotations

import base64
import time
from datetime import UTC, datetime
from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]  # ships no types

from engium.channels.verify.verification import WebhookRejected, verify_standard_webhook, verify_twilio
from tests.channels import webhook_vectors as v

# Anything UTF-8 can carry: surrogates are not characters and cannot be form-encoded.
unicode_text = st.characters(exclude_categories=["Cs"])
hosts = st.from_regex(r"[a-z][a-z0-9-]{0,15}(\.[a-z]{2,6}){1,2}", fullmatch=True)
paths = st.from_regex(r"(/[A-Za-z0-9._~-]{0,12}){0,3}", fullmatch=True)
queries = st.one_of(
    st.just(""), st.from_regex(r"\?[a-z]{1,5}=[A-Za-z0-9]{0,8}(&[a-z]{1,5}=[0-9]{0,4}){0,2}", fullmatch=True)
)
base64_signatures = st.from_regex(r"[A-Za-z0-9+/]{27}=", fullmatch=True)
reference_settings = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def twilio_urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["http", "https"]))
    # Only no port or the default one: see test_webhook_rules for explicit non-default ports.
    port = draw(st.sampled_from(["", ":443" if scheme == "https" else ":80"]))
    return f"{scheme}://{draw(hosts)}{port}{draw(paths) or '/'}{draw(queries)}"


twilio_params = st.dictionaries(
    st.text(unicode_text, min_size=1, max_size=16), st.text(unicode_text, max_size=40), max_size=12
)
twilio_tokens = st.text(unicode_text, min_size=1, max_size=40)


def _ours_accept_twilio(url: str, params: dict[str, str], signature: str, token: str) -> bool:
    headers = {"X-Twilio-Signature": signature, "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}
    try:
        verify_twilio(urlencode(params).encode("ascii"), headers, [token], public_url=url)
    except WebhookRejected:
        return False
    return True


@reference_settings
@given(url=twilio_urls(), params=twilio_params, token=twilio_tokens)
def test_twilio_signatures_from_the_official_package_are_accepted(url: str, params: dict[str, str], token: str) -> None:
    signature = RequestValidator(token).compute_signature(url, params)
    assert _ours_accept_twilio(url, params, signature, token)


@reference_settings
@given(
    url=twilio_urls(),
    params=twilio_params,
    token=twilio_tokens,
    signing_token=st.one_of(st.none(), twilio_tokens),
    arbitrary_signature=st.one_of(st.none(), base64_signatures),
)
def test_twilio_verdict_agrees_with_the_official_validator(
    url: str, params: dict[str, str], token: str, signing_token: str | None, arbitrary_signature: str | None
) -> None:
    signature = arbitrary_signature or RequestValidator(signing_token or token).compute_signature(url, params)
    expected = RequestValidator(token).validate(url, params, signature)
    assert _ours_accept_twilio(url, params, signature, token) == expected


def test_twilio_official_package_signs_the_vector_identically() -> None:
    assert RequestValidator(v.TWILIO_TOKEN).compute_signature(v.TWILIO_URL, v.TWILIO_PARAMS) == v.TWILIO_SIGNATURE


# --- Standard Webhooks -----------------------------------------------------------------------------

webhook_ids = st.from_regex(r"[A-Za-z0-9_\-]{1,40}", fullmatch=True)
standard_secrets = st.binary(min_size=1, max_size=64).map(lambda key: "whsec_" + base64.b64encode(key).decode())
# Offsets from the real clock: the official verifier reads it. Values within 5 s of the ±300 s edge are
# left out so the two clock readings cannot fall on different sides of it.
# Well-formed entries that match nothing: rotation headers carry several, any one may match.
unrelated_v1_signatures = st.binary(min_size=32, max_size=32).map(lambda mac: "v1," + base64.b64encode(mac).decode())
clock_offsets = st.one_of(st.integers(-295, 295), st.integers(305, 100_000), st.integers(-100_000, -305))


def _ours_accept_standard(body: bytes, headers: dict[str, str], secret: str, now: float) -> bool:
    try:
        verify_standard_webhook(body, headers, [secret], now=now)
    except WebhookRejected:
        return False
    return True


@reference_settings
@given(webhook_id=webhook_ids, payload=st.text(unicode_text, max_size=300), secret=standard_secrets)
def test_standard_webhooks_signatures_from_the_official_package_are_accepted(
    webhook_id: str, payload: str, secret: str
) -> None:
    now = time.time()
    signed_at = datetime.fromtimestamp(int(now), tz=UTC)
    signature = Webhook(secret).sign(webhook_id, signed_at, payload)
    headers = {"webhook-id": webhook_id, "webhook-timestamp": str(int(now)), "webhook-signature": signature}
    assert _ours_accept_standard(payload.encode("utf-8"), headers, secret, now)


@reference_settings
@given(
    webhook_id=webhook_ids,
    payload=st.text(unicode_text, max_size=300),
    secret=standard_secrets,
    signing_secret=st.one_of(st.none(), standard_secrets),
    offset=clock_offsets,
    extra_signatures=st.lists(unrelated_v1_signatures, max_size=2),
)
def test_standard_webhooks_verdict_agrees_with_the_official_verifier(
    webhook_id: str,
    payload: str,
    secret: str,
    signing_secret: str | None,
    offset: int,
    extra_signatures: list[str],
) -> None:
    now = time.time()
    timestamp = int(now) + offset
    signature = Webhook(signing_secret or secret).sign(webhook_id, datetime.fromtimestamp(timestamp, tz=UTC), payload)
    headers = {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join([*extra_signatures, signature]),
    }
    try:
        Webhook(secret).verify(payload, headers, json_parse=False)
        expected = True
    except WebhookVerificationError:
        expected = False
    assert _ours_accept_standard(payload.encode("utf-8"), headers, secret, now) == expected


def test_standard_webhooks_official_package_signs_the_vector_identically() -> None:
    signed_at = datetime.fromtimestamp(int(v.STANDARD_TIMESTAMP), tz=UTC)
    signature = Webhook(v.STANDARD_SECRET).sign(v.STANDARD_ID, signed_at, v.STANDARD_BODY.decode())
    assert signature == v.STANDARD_SIGNATURE
