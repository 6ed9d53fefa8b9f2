"""Rules every scheme follows: rotation, no secret, body cap, header hygiene, generic rejections."""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.datastructures import Headers

from engium.channels.verify.verification import (
    DEFAULT_MAX_BODY_BYTES,
    HeaderSource,
    RejectReason,
    Secret,
    VerifiedWebhook,
    WebhookRejected,
    verify_github,
    verify_meta,
    verify_slack,
    verify_standard_webhook,
    verify_twilio,
)
from tests.channels import webhook_vectors as v

META_SECRET = "meta-app-secret"
META_BODY = json.dumps(
    {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "changes": [{"field": "messages", "value": {"messages": [{"id": "wamid.A"}]}}]}],
    }
).encode()

Verify = Callable[[bytes, HeaderSource, Sequence[Secret], int], VerifiedWebhook]


@dataclass(frozen=True)
class SchemeCase:
    """A correctly signed request of one scheme and how to verify it."""

    name: str
    secret: str
    other_secret: str
    body: bytes
    headers: dict[str, str]
    verify: Verify

    def __call__(
        self,
        secrets: Sequence[Secret] | None = None,
        *,
        body: bytes | None = None,
        headers: HeaderSource | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> VerifiedWebhook:
        return self.verify(
            self.body if body is None else body,
            self.headers if headers is None else headers,
            [self.secret] if secrets is None else secrets,
            max_body_bytes,
        )


CASES = [
    SchemeCase(
        "github",
        v.GITHUB_SECRET,
        "another secret",
        v.GITHUB_BODY,
        v.github_headers(),
        lambda body, headers, secrets, cap: verify_github(body, headers, secrets, max_body_bytes=cap),
    ),
    SchemeCase(
        "meta",
        META_SECRET,
        "another app secret",
        META_BODY,
        {"X-Hub-Signature-256": v.hub_signature(META_BODY, META_SECRET)},
        lambda body, headers, secrets, cap: verify_meta(body, headers, secrets, max_body_bytes=cap),
    ),
    SchemeCase(
        "slack",
        v.SLACK_SECRET,
        "0" * 32,
        v.SLACK_BODY,
        v.slack_headers(),
        lambda body, headers, secrets, cap: verify_slack(body, headers, secrets, now=v.SLACK_NOW, max_body_bytes=cap),
    ),
    SchemeCase(
        "standard",
        v.STANDARD_SECRET,
        "whsec_" + "A" * 32,
        v.STANDARD_BODY,
        v.standard_headers(),
        lambda body, headers, secrets, cap: verify_standard_webhook(
            body, headers, secrets, now=v.STANDARD_NOW, max_body_bytes=cap
        ),
    ),
    SchemeCase(
        "twilio",
        v.TWILIO_TOKEN,
        "54321",
        v.TWILIO_BODY,
        v.twilio_headers(),
        lambda body, headers, secrets, cap: verify_twilio(
            body, headers, secrets, public_url=v.TWILIO_URL, max_body_bytes=cap
        ),
    ),
]
by_scheme = pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])


def rejection(call: Callable[[], Any]) -> WebhookRejected:
    with pytest.raises(WebhookRejected) as caught:
        call()
    return caught.value


# --- rotation and missing secrets ------------------------------------------------------------------


@by_scheme
def test_previous_secret_in_the_grace_period_is_accepted(case: SchemeCase) -> None:
    assert case([case.other_secret, case.secret]).matched_secret_index == 1


@by_scheme
def test_unknown_secret_is_rejected(case: SchemeCase) -> None:
    assert rejection(lambda: case([case.other_secret])).reason is RejectReason.SIGNATURE_MISMATCH


@by_scheme
@pytest.mark.parametrize("secrets", [[], [""], ["", ""], ()], ids=["empty-list", "empty-secret", "two-empty", "tuple"])
def test_no_configured_secret_is_rejected_never_accepted(case: SchemeCase, secrets: Sequence[Secret]) -> None:
    assert rejection(lambda: case(secrets)).reason is RejectReason.NO_SECRET


@by_scheme
def test_an_empty_secret_is_skipped_not_matched(case: SchemeCase) -> None:
    assert case(["", case.secret]).matched_secret_index == 1


@by_scheme
def test_a_bare_string_instead_of_a_list_is_a_misconfiguration(case: SchemeCase) -> None:
    # Iterating "12345" would yield one-character secrets.
    assert rejection(lambda: case(case.secret)).reason is RejectReason.MISCONFIGURED


# --- body size ------------------------------------------------------------------------------------


@by_scheme
def test_oversize_body_is_rejected_before_any_hashing_or_parsing(
    case: SchemeCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    def must_not_run(*_: object, **__: object) -> Any:
        raise AssertionError("hashed or parsed an oversize body")

    monkeypatch.setattr(hmac, "new", must_not_run)
    monkeypatch.setattr(hmac, "digest", must_not_run)
    monkeypatch.setattr(json, "loads", must_not_run)
    oversize = case.body + b" " * (DEFAULT_MAX_BODY_BYTES + 1 - len(case.body))
    # Even without secrets or headers, the size is what is reported: it is checked first.
    assert rejection(lambda: case([], body=oversize, headers={})).reason is RejectReason.BODY_TOO_LARGE


@by_scheme
def test_body_cap_is_configurable_and_inclusive(case: SchemeCase) -> None:
    case(max_body_bytes=len(case.body))
    assert rejection(lambda: case(max_body_bytes=len(case.body) - 1)).reason is RejectReason.BODY_TOO_LARGE


# --- headers ---------------------------------------------------------------------------------------


@by_scheme
def test_headers_are_case_insensitive_and_raw_asgi_pairs_work(case: SchemeCase) -> None:
    case(headers={name.upper(): value for name, value in case.headers.items()})
    raw = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in case.headers.items()]
    case(headers=raw)
    case(headers=Headers(raw=raw))


@by_scheme
def test_every_missing_header_is_rejected(case: SchemeCase) -> None:
    for missing in case.headers:
        headers = {name: value for name, value in case.headers.items() if name != missing}
        assert rejection(lambda: case(headers=headers)).reason is RejectReason.MISSING_HEADER  # noqa: B023


@by_scheme
def test_duplicate_headers_are_rejected_even_when_identical(case: SchemeCase) -> None:
    for repeated in case.headers:
        raw = [(name.lower().encode(), value.encode()) for name, value in case.headers.items()]
        raw.append((repeated.lower().encode(), case.headers[repeated].encode()))
        assert rejection(lambda: case(headers=Headers(raw=raw))).reason is RejectReason.DUPLICATE_HEADER  # noqa: B023
        both_cases = {**case.headers, repeated.upper(): case.headers[repeated]}
        assert rejection(lambda: case(headers=both_cases)).reason is RejectReason.DUPLICATE_HEADER  # noqa: B023


@by_scheme
@pytest.mark.parametrize(
    "bad_value",
    ["caf\u00e9", "\u0661\u0662", "a\tb", "a\x00b", "a\r\nX-Injected: 1", "x" * 5000],
    ids=["latin-1", "arabic-digits", "tab", "nul", "crlf", "absurd-length"],
)
def test_non_ascii_control_characters_and_absurd_lengths_are_rejected(case: SchemeCase, bad_value: str) -> None:
    for name in case.headers:
        headers = {**case.headers, name: bad_value}
        assert rejection(lambda: case(headers=headers)).reason in {  # noqa: B023
            RejectReason.MALFORMED_HEADER,
            RejectReason.SIGNATURE_MISMATCH,  # a clean-looking but wrong value for a signed header
        }


def test_a_non_ascii_header_name_cannot_stand_in_for_a_real_one() -> None:
    # KELVIN SIGN lower-cases to "k"; "X-Hub-Signature-256" has no k, so use a header that does.
    kelvin_name = "X-Slac\u212a-Signature"
    assert kelvin_name.lower() == "x-slack-signature"
    headers = {"X-Slack-Request-Timestamp": v.SLACK_TIMESTAMP, kelvin_name: v.SLACK_SIGNATURE}
    reason = rejection(lambda: verify_slack(v.SLACK_BODY, headers, [v.SLACK_SECRET], now=v.SLACK_NOW)).reason
    assert reason is RejectReason.MISSING_HEADER


@pytest.mark.parametrize("headers", [[("only-one-element",)], [1, 2], "not headers", [(None, None)]])
def test_header_containers_of_the_wrong_shape_are_rejected(headers: Any) -> None:
    assert rejection(lambda: verify_github(v.GITHUB_BODY, headers, [v.GITHUB_SECRET])).reason in {
        RejectReason.MALFORMED_HEADER,
        RejectReason.MISSING_HEADER,
    }


# --- what a rejection says -------------------------------------------------------------------------


@by_scheme
def test_rejections_are_generic_and_carry_no_parsing_traceback(case: SchemeCase) -> None:
    attempts: list[HeaderSource] = [
        {name: "x" for name in case.headers},
        {name: "\u00ff" for name in case.headers},
        {},
        {**case.headers, next(iter(case.headers)): "sha256=" + "0" * 64},
    ]
    secret_markers = [case.secret, case.other_secret, *case.headers.values()]
    for headers in attempts:
        rejected = rejection(lambda: case([case.other_secret], headers=headers))  # noqa: B023
        assert str(rejected) == "invalid signature"
        assert rejected.args == ("invalid signature",)
        assert rejected.__cause__ is None
        assert rejected.__context__ is None or rejected.__suppress_context__
        for marker in secret_markers:
            assert marker not in repr(rejected)


def test_the_expected_signature_never_appears_in_a_rejection() -> None:
    expected = v.hub_signature(b"tampered", v.GITHUB_SECRET)
    rejected = rejection(lambda: verify_github(b"tampered", v.github_headers(), [v.GITHUB_SECRET]))
    assert expected.removeprefix("sha256=") not in f"{rejected!s} {rejected!r} {rejected.args}"


def test_hex_signatures_are_compared_as_sent_not_case_folded() -> None:
    headers = v.github_headers(v.GITHUB_SIGNATURE.upper().replace("SHA256=", "sha256="))
    assert rejection(lambda: verify_github(v.GITHUB_BODY, headers, [v.GITHUB_SECRET])).reason is (
        RejectReason.MALFORMED_HEADER
    )


def test_verification_uses_constant_time_comparison(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real_compare = hmac.compare_digest

    def recording_compare(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real_compare(a, b)

    monkeypatch.setattr(hmac, "compare_digest", recording_compare)
    for case in CASES:
        calls.clear()
        case()
        assert calls, f"{case.name} compared without hmac.compare_digest"


def test_hmac_helper_signers_match_the_vectors() -> None:
    # The stdlib signers used by these tests reproduce the published vectors.
    assert v.hub_signature(v.GITHUB_BODY, v.GITHUB_SECRET) == v.GITHUB_SIGNATURE
    assert v.slack_signature(v.SLACK_TIMESTAMP, v.SLACK_BODY, v.SLACK_SECRET) == v.SLACK_SIGNATURE
    assert v.standard_signature(v.STANDARD_ID, v.STANDARD_TIMESTAMP, v.STANDARD_BODY, v.STANDARD_SECRET) == (
        v.STANDARD_SIGNATURE
    )
    assert v.twilio_signature(v.TWILIO_URL, v.TWILIO_PARAMS, v.TWILIO_TOKEN) == v.TWILIO_SIGNATURE
