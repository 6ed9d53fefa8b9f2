"""Scheme-specific behaviour: timestamp windows, Twilio URLs, Meta payloads and handshake, Ed25519."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import urlencode

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from engium.channels.verify.verification import (
    RejectReason,
    VerifiedMetaWebhook,
    WebhookRejected,
    WebhookScheme,
    twilio_url_variants,
    verify_github,
    verify_meta,
    verify_meta_subscription,
    verify_slack,
    verify_standard_webhook,
    verify_twilio,
)
from tests.channels import webhook_vectors as v


def reason_of(call: Any) -> RejectReason:
    with pytest.raises(WebhookRejected) as caught:
        call()
    return caught.value.reason


# --- timestamp windows -----------------------------------------------------------------------------


@pytest.mark.parametrize("offset", [-300, -1, 0, 1, 300])
def test_timestamps_within_300_seconds_either_way_are_accepted(offset: int) -> None:
    verify_slack(v.SLACK_BODY, v.slack_headers(), [v.SLACK_SECRET], now=int(v.SLACK_TIMESTAMP) + offset)
    verify_standard_webhook(
        v.STANDARD_BODY, v.standard_headers(), [v.STANDARD_SECRET], now=int(v.STANDARD_TIMESTAMP) + offset
    )


@pytest.mark.parametrize("offset", [-301, 301, -86_400, 86_400, -300.001, 300.001])
def test_timestamps_outside_the_window_are_rejected_in_both_directions(offset: float) -> None:
    slack_now = int(v.SLACK_TIMESTAMP) + offset
    standard_now = int(v.STANDARD_TIMESTAMP) + offset
    assert (
        reason_of(lambda: verify_slack(v.SLACK_BODY, v.slack_headers(), [v.SLACK_SECRET], now=slack_now))
        is RejectReason.TIMESTAMP_OUT_OF_WINDOW
    )
    assert (
        reason_of(
            lambda: verify_standard_webhook(
                v.STANDARD_BODY, v.standard_headers(), [v.STANDARD_SECRET], now=standard_now
            )
        )
        is RejectReason.TIMESTAMP_OUT_OF_WINDOW
    )


def test_the_window_is_configurable() -> None:
    now = int(v.SLACK_TIMESTAMP) + 100
    verify_slack(v.SLACK_BODY, v.slack_headers(), [v.SLACK_SECRET], now=now, tolerance_s=100)
    assert (
        reason_of(lambda: verify_slack(v.SLACK_BODY, v.slack_headers(), [v.SLACK_SECRET], now=now, tolerance_s=99))
        is RejectReason.TIMESTAMP_OUT_OF_WINDOW
    )


def test_a_fresh_request_verifies_against_the_real_clock() -> None:
    import time

    timestamp = str(int(time.time()))
    signature = v.slack_signature(timestamp, b"x=1", v.SLACK_SECRET)
    verify_slack(b"x=1", v.slack_headers(timestamp, signature), [v.SLACK_SECRET])


@pytest.mark.parametrize(
    "timestamp",
    ["+1531420618", "1531420618.0", "1.531420618e9", "0x5B4799CA", "\u0661\u0665\u0663\u0661", "9" * 13, "-1", "1 2"],
)
def test_timestamps_that_are_not_plain_digits_are_rejected(timestamp: str) -> None:
    headers = v.slack_headers(timestamp=timestamp)
    assert reason_of(lambda: verify_slack(v.SLACK_BODY, headers, [v.SLACK_SECRET], now=v.SLACK_NOW)) is (
        RejectReason.MALFORMED_HEADER
    )
    headers = v.standard_headers(timestamp=timestamp)
    assert (
        reason_of(lambda: verify_standard_webhook(v.STANDARD_BODY, headers, [v.STANDARD_SECRET], now=v.STANDARD_NOW))
        is RejectReason.MALFORMED_HEADER
    )


# --- Twilio ----------------------------------------------------------------------------------------


def _twilio(body: bytes, signature: str, url: str, headers: dict[str, str] | None = None) -> Any:
    return verify_twilio(body, {**v.twilio_headers(signature), **(headers or {})}, [v.TWILIO_TOKEN], public_url=url)


def test_twilio_returns_message_sid_as_the_event_id() -> None:
    params = {"MessageSid": "SM" + "0" * 32, "Body": "Hi & bye = 100% \u00e9", "From": "+15550001111"}
    body = urlencode(params).encode("ascii")
    result = _twilio(body, v.twilio_signature(v.TWILIO_URL, params, v.TWILIO_TOKEN), v.TWILIO_URL)
    assert result.event_id == params["MessageSid"]
    assert dict(result.form_params) == params


def test_twilio_url_variants_mirror_the_official_validator() -> None:
    assert twilio_url_variants("https://a.example/x?y=1") == ("https://a.example/x?y=1", "https://a.example:443/x?y=1")
    assert twilio_url_variants("http://a.example") == ("http://a.example", "http://a.example:80")
    assert twilio_url_variants("https://a.example:8443/x") == ("https://a.example/x", "https://a.example:8443/x")
    assert twilio_url_variants("https://[2001:db8::1]:443/x") == (
        "https://[2001:db8::1]/x",
        "https://[2001:db8::1]:443/x",
    )


def test_twilio_signed_without_the_configured_non_default_port_is_accepted_like_the_official_validator() -> None:
    signature = v.twilio_signature("https://mycompany.com/myapp.php", v.TWILIO_PARAMS, v.TWILIO_TOKEN)
    _twilio(v.TWILIO_BODY, signature, "https://mycompany.com:8443/myapp.php")


def test_twilio_forwarded_headers_are_never_used_to_build_the_url() -> None:
    # A request signed for the attacker's own URL, with forwarded headers claiming that URL.
    signature = v.twilio_signature("https://attacker.example/myapp.php?foo=1&bar=2", v.TWILIO_PARAMS, v.TWILIO_TOKEN)
    forwarded = {"X-Forwarded-Host": "attacker.example", "X-Forwarded-Proto": "https", "Host": "attacker.example"}
    assert reason_of(lambda: _twilio(v.TWILIO_BODY, signature, v.TWILIO_URL, forwarded)) is (
        RejectReason.SIGNATURE_MISMATCH
    )


@pytest.mark.parametrize(
    ("content_type", "reason"),
    [
        ("application/json", RejectReason.MALFORMED_HEADER),
        ("multipart/form-data; boundary=x", RejectReason.MALFORMED_HEADER),
        ("", RejectReason.MISSING_HEADER),
    ],
)
def test_twilio_requires_a_form_body(content_type: str, reason: RejectReason) -> None:
    headers = {"Content-Type": content_type}
    assert reason_of(lambda: _twilio(v.TWILIO_BODY, v.TWILIO_SIGNATURE, v.TWILIO_URL, headers)) is reason


@pytest.mark.parametrize(
    "url",
    [
        "",
        "mycompany.com/myapp.php",
        "ftp://mycompany.com/x",
        "https://user:pass@mycompany.com/x",
        "https://mycompany.com/x#fragment",
        "https://mycompany.com/x y",
        "https://mycompany.com:99999999/x",
        "https://mycompany.com:/x",
        "https://m\u00fcnchen.example/x",
    ],
)
def test_twilio_malformed_configured_urls_are_refused(url: str) -> None:
    assert reason_of(lambda: _twilio(v.TWILIO_BODY, v.TWILIO_SIGNATURE, url)) is RejectReason.MISCONFIGURED


@pytest.mark.parametrize(
    "body", [b"a=1&a=1", b"a=1&&b=2", b"a=1&", b"novalue", b"=x", b"a=%zz", b"a=%C3", b"a=\xc3\xa9"]
)
def test_twilio_ambiguous_form_bodies_are_rejected(body: bytes) -> None:
    assert reason_of(lambda: _twilio(body, v.TWILIO_SIGNATURE, v.TWILIO_URL)) is RejectReason.MALFORMED_BODY


def test_twilio_parameter_count_is_capped() -> None:
    body = "&".join(f"p{i}=x" for i in range(257)).encode()
    assert reason_of(lambda: _twilio(body, v.TWILIO_SIGNATURE, v.TWILIO_URL)) is RejectReason.MALFORMED_BODY


# --- Meta / WhatsApp -------------------------------------------------------------------------------

META_SECRET = "meta-app-secret"


def _meta(body: bytes, secret: str = META_SECRET) -> VerifiedMetaWebhook:
    return verify_meta(body, {"X-Hub-Signature-256": v.hub_signature(body, secret)}, [META_SECRET])


def test_meta_returns_every_inbound_message_id_for_deduplication() -> None:
    value = {
        "messages": [{"id": "wamid.1", "text": {"body": "caf\u00e9"}}, {"id": "wamid.2"}],
        "statuses": [{"id": "x"}],
    }
    payload = {"object": "whatsapp_business_account", "entry": [{"changes": [{"value": value}, {"value": {}}]}]}
    # Meta escapes non-ASCII; the MAC is over these exact bytes.
    body = json.dumps(payload, ensure_ascii=True).encode()
    result = _meta(body)
    assert result.scheme is WebhookScheme.META
    assert result.message_ids == ("wamid.1", "wamid.2")
    assert result.payload == payload


def test_meta_reserialised_json_does_not_verify() -> None:
    body = json.dumps({"entry": [{"text": "caf\u00e9"}]}, ensure_ascii=True).encode()
    reserialised = json.dumps(json.loads(body), ensure_ascii=False).encode()
    headers = {"X-Hub-Signature-256": v.hub_signature(body, META_SECRET)}
    assert reason_of(lambda: verify_meta(reserialised, headers, [META_SECRET])) is RejectReason.SIGNATURE_MISMATCH


@pytest.mark.parametrize("body", [b'{"entry": [', b"\xff\xfe", b"[NaN]", b'{"a": Infinity}', b"[" * 100_000])
def test_meta_signed_but_unreadable_payloads_are_rejected(body: bytes) -> None:
    assert reason_of(lambda: _meta(body)) is RejectReason.MALFORMED_PAYLOAD


@pytest.mark.parametrize("body", [b"[]", b'"text"', b'{"entry": "x"}', b'{"entry": [{"changes": [{"value": 1}]}]}'])
def test_meta_unexpected_shapes_yield_no_ids(body: bytes) -> None:
    assert _meta(body).message_ids == ()


def test_meta_json_is_not_parsed_before_the_signature_matches(monkeypatch: pytest.MonkeyPatch) -> None:
    def must_not_parse(*_: object, **__: object) -> Any:
        raise AssertionError("parsed before verification")

    monkeypatch.setattr(json, "loads", must_not_parse)
    body = b'{"entry": []}'
    headers = {"X-Hub-Signature-256": v.hub_signature(body, "wrong secret")}
    assert reason_of(lambda: verify_meta(body, headers, [META_SECRET])) is RejectReason.SIGNATURE_MISMATCH


def test_meta_subscription_handshake_returns_the_challenge() -> None:
    query = "hub.mode=subscribe&hub.verify_token=tok%26en&hub.challenge=1158201444"
    assert verify_meta_subscription(query, ["new-token", "tok&en"]) == "1158201444"
    assert verify_meta_subscription(query.encode(), ["tok&en"]) == "1158201444"


@pytest.mark.parametrize(
    ("query", "tokens", "reason"),
    [
        ("hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1", ["token"], RejectReason.HANDSHAKE_MISMATCH),
        ("hub.mode=unsubscribe&hub.verify_token=token&hub.challenge=1", ["token"], RejectReason.HANDSHAKE_MISMATCH),
        ("hub.mode=subscribe&hub.verify_token=token", ["token"], RejectReason.HANDSHAKE_MISMATCH),
        ("hub.mode=subscribe&hub.challenge=1", ["token"], RejectReason.HANDSHAKE_MISMATCH),
        (
            "hub.mode=subscribe&hub.verify_token=token&hub.challenge=%3Cscript%3E",
            ["token"],
            RejectReason.HANDSHAKE_MISMATCH,
        ),
        ("hub.mode=subscribe&hub.verify_token=&hub.challenge=1", ["token"], RejectReason.HANDSHAKE_MISMATCH),
        ("hub.mode=subscribe&hub.verify_token=&hub.challenge=1", [""], RejectReason.NO_SECRET),
        ("hub.mode=subscribe&hub.verify_token=token&hub.challenge=1", [], RejectReason.NO_SECRET),
        ("hub.mode=subscribe&hub.verify_token=token&hub.challenge=1", "token", RejectReason.MISCONFIGURED),
        (
            "hub.mode=subscribe&hub.verify_token=wrong&hub.verify_token=token&hub.challenge=1",
            ["token"],
            RejectReason.MALFORMED_BODY,
        ),
        ("hub.mode=subscribe&" + "x=1&" * 1000 + "hub.challenge=1", ["token"], RejectReason.MALFORMED_BODY),
    ],
)
def test_meta_subscription_handshake_refusals(query: str, tokens: Any, reason: RejectReason) -> None:
    assert reason_of(lambda: verify_meta_subscription(query, tokens)) is reason


# --- Standard Webhooks: v1a (Ed25519), several signatures, ids ------------------------------------


def _ed25519_request(private_key: Ed25519PrivateKey) -> tuple[dict[str, str], str]:
    signed = f"{v.STANDARD_ID}.{v.STANDARD_TIMESTAMP}.".encode() + v.STANDARD_BODY
    signature = "v1a," + base64.b64encode(private_key.sign(signed)).decode()
    raw_public = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return v.standard_headers(signature=signature), "whpk_" + base64.b64encode(raw_public).decode()


def test_standard_webhooks_v1a_ed25519_is_accepted_with_every_key_form() -> None:
    private_key = Ed25519PrivateKey.generate()
    headers, whpk = _ed25519_request(private_key)
    for key in (whpk, base64.b64decode(whpk.removeprefix("whpk_")), private_key.public_key()):
        result = verify_standard_webhook(v.STANDARD_BODY, headers, public_keys=[key], now=v.STANDARD_NOW)
        assert result.scheme is WebhookScheme.STANDARD_WEBHOOKS_V1A
        assert result.event_id == v.STANDARD_ID


def test_standard_webhooks_v1a_rotation_and_wrong_key() -> None:
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    headers, old_public = _ed25519_request(old)
    _, new_public = _ed25519_request(new)
    verify = verify_standard_webhook
    assert (
        verify(v.STANDARD_BODY, headers, public_keys=[new_public, old_public], now=v.STANDARD_NOW).matched_secret_index
        == 1
    )
    assert (
        reason_of(lambda: verify(v.STANDARD_BODY, headers, public_keys=[new_public], now=v.STANDARD_NOW))
        is RejectReason.SIGNATURE_MISMATCH
    )
    # An HMAC secret does not make an Ed25519 signature acceptable, nor the other way round.
    assert (
        reason_of(lambda: verify(v.STANDARD_BODY, headers, [v.STANDARD_SECRET], now=v.STANDARD_NOW))
        is RejectReason.SIGNATURE_MISMATCH
    )
    assert (
        reason_of(lambda: verify(v.STANDARD_BODY, v.standard_headers(), public_keys=[old_public], now=v.STANDARD_NOW))
        is RejectReason.SIGNATURE_MISMATCH
    )


def test_standard_webhooks_any_of_several_signatures_may_match_and_unknown_versions_are_ignored() -> None:
    unrelated = "v1," + base64.b64encode(b"\x00" * 32).decode()
    signature = " ".join([unrelated, "v2,whatever", v.STANDARD_SIGNATURE])
    headers = v.standard_headers(signature=signature)
    verify_standard_webhook(v.STANDARD_BODY, headers, [v.STANDARD_SECRET], now=v.STANDARD_NOW)


@pytest.mark.parametrize(
    "signature",
    [
        "v1",
        "v1,",
        ",abc",
        "v1,abc  " + v.STANDARD_SIGNATURE,
        v.STANDARD_SIGNATURE + " " + "v2,x " * 16,
        "V1," + v.STANDARD_SIGNATURE[3:],
    ],
)
def test_standard_webhooks_malformed_signature_headers_are_rejected(signature: str) -> None:
    headers = v.standard_headers(signature=signature)
    assert (
        reason_of(lambda: verify_standard_webhook(v.STANDARD_BODY, headers, [v.STANDARD_SECRET], now=v.STANDARD_NOW))
        is RejectReason.MALFORMED_HEADER
    )


@pytest.mark.parametrize("webhook_id", ["msg.1614265330", "a" * 257, "msg id"])
def test_standard_webhooks_ids_that_could_be_split_ambiguously_are_rejected(webhook_id: str) -> None:
    headers = v.standard_headers(webhook_id=webhook_id)
    assert (
        reason_of(lambda: verify_standard_webhook(v.STANDARD_BODY, headers, [v.STANDARD_SECRET], now=v.STANDARD_NOW))
        is RejectReason.MALFORMED_HEADER
    )


def test_standard_webhooks_secrets_that_do_not_decode_are_skipped() -> None:
    verify = verify_standard_webhook
    assert (
        verify(
            v.STANDARD_BODY, v.standard_headers(), ["whsec_not*base64", v.STANDARD_SECRET], now=v.STANDARD_NOW
        ).matched_secret_index
        == 1
    )
    assert (
        reason_of(
            lambda: verify(v.STANDARD_BODY, v.standard_headers(), ["whsec_not*base64", "whsec_"], now=v.STANDARD_NOW)
        )
        is RejectReason.NO_SECRET
    )
    assert (
        reason_of(lambda: verify(v.STANDARD_BODY, v.standard_headers(), public_keys=["whpk_short"], now=v.STANDARD_NOW))
        is RejectReason.NO_SECRET
    )


# --- configuration mistakes fail closed -----------------------------------------------------------


@pytest.mark.parametrize("secrets", [[32], [None, "x"], [b"ok", 1.5]])
def test_secrets_that_are_not_text_or_bytes_are_a_misconfiguration(secrets: Any) -> None:
    # bytes(32) would be 32 zero bytes: a number must never become a key.
    assert reason_of(lambda: verify_github(v.GITHUB_BODY, v.github_headers(), secrets)) is RejectReason.MISCONFIGURED
    assert (
        reason_of(lambda: verify_standard_webhook(v.STANDARD_BODY, v.standard_headers(), secrets, now=v.STANDARD_NOW))
        is RejectReason.MISCONFIGURED
    )
    assert (
        reason_of(
            lambda: verify_standard_webhook(
                v.STANDARD_BODY, v.standard_headers(), public_keys=secrets, now=v.STANDARD_NOW
            )
        )
        is RejectReason.MISCONFIGURED
    )


def test_a_nan_clock_fails_closed() -> None:
    assert (
        reason_of(lambda: verify_slack(v.SLACK_BODY, v.slack_headers(), [v.SLACK_SECRET], now=float("nan")))
        is RejectReason.TIMESTAMP_OUT_OF_WINDOW
    )
