"""The published vectors are accepted exactly, and refused when any single byte of any input changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from engium.channels.verify.verification import (
    VerifiedWebhook,
    WebhookRejected,
    WebhookScheme,
    verify_github,
    verify_slack,
    verify_standard_webhook,
    verify_twilio,
)
from tests.channels import webhook_vectors as v
from tests.channels.webhook_vectors import byte_mutations, text_mutations


def _rejected(verify: Callable[..., VerifiedWebhook], *args: Any, **kwargs: Any) -> bool:
    try:
        verify(*args, **kwargs)
    except WebhookRejected:
        return True
    return False


# --- accepted exactly ------------------------------------------------------------------------------


def test_github_vector_is_accepted() -> None:
    result = verify_github(v.GITHUB_BODY, v.github_headers(), [v.GITHUB_SECRET])
    assert result.scheme is WebhookScheme.GITHUB
    assert result.matched_secret_index == 0


def test_standard_webhooks_vector_is_accepted() -> None:
    result = verify_standard_webhook(v.STANDARD_BODY, v.standard_headers(), [v.STANDARD_SECRET], now=v.STANDARD_NOW)
    assert result.scheme is WebhookScheme.STANDARD_WEBHOOKS_V1
    assert result.event_id == v.STANDARD_ID
    assert result.signed_at == int(v.STANDARD_TIMESTAMP)


def test_twilio_vector_is_accepted_with_the_exact_parameters() -> None:
    result = verify_twilio(v.TWILIO_BODY, v.twilio_headers(), [v.TWILIO_TOKEN], public_url=v.TWILIO_URL)
    assert result.scheme is WebhookScheme.TWILIO
    assert result.form_params == tuple(v.TWILIO_PARAMS.items())


@pytest.mark.parametrize(
    "public_url",
    ["https://mycompany.com:443/myapp.php?foo=1&bar=2", "https://mycompany.com/myapp.php?foo=1&bar=2"],
)
def test_twilio_vector_is_accepted_with_and_without_the_default_port(public_url: str) -> None:
    verify_twilio(v.TWILIO_BODY, v.twilio_headers(), [v.TWILIO_TOKEN], public_url=public_url)


def test_slack_vector_is_accepted() -> None:
    result = verify_slack(v.SLACK_BODY, v.slack_headers(), [v.SLACK_SECRET], now=v.SLACK_NOW)
    assert result.scheme is WebhookScheme.SLACK
    assert result.signed_at == int(v.SLACK_TIMESTAMP)


# --- any single byte changed -----------------------------------------------------------------------


def test_github_any_changed_byte_is_rejected() -> None:
    for body in byte_mutations(v.GITHUB_BODY):
        assert _rejected(verify_github, body, v.github_headers(), [v.GITHUB_SECRET])
    for signature in text_mutations(v.GITHUB_SIGNATURE):
        assert _rejected(verify_github, v.GITHUB_BODY, v.github_headers(signature), [v.GITHUB_SECRET])
    for secret in text_mutations(v.GITHUB_SECRET):
        assert _rejected(verify_github, v.GITHUB_BODY, v.github_headers(), [secret])


def test_standard_webhooks_any_changed_byte_is_rejected() -> None:
    secrets = [v.STANDARD_SECRET]
    now = v.STANDARD_NOW
    for body in byte_mutations(v.STANDARD_BODY):
        assert _rejected(verify_standard_webhook, body, v.standard_headers(), secrets, now=now)
    for webhook_id in text_mutations(v.STANDARD_ID):
        headers = v.standard_headers(webhook_id=webhook_id)
        assert _rejected(verify_standard_webhook, v.STANDARD_BODY, headers, secrets, now=now)
    for timestamp in text_mutations(v.STANDARD_TIMESTAMP):
        headers = v.standard_headers(timestamp=timestamp)
        assert _rejected(verify_standard_webhook, v.STANDARD_BODY, headers, secrets, now=now)
    for signature in text_mutations(v.STANDARD_SIGNATURE):
        headers = v.standard_headers(signature=signature)
        assert _rejected(verify_standard_webhook, v.STANDARD_BODY, headers, secrets, now=now)
    for secret in text_mutations(v.STANDARD_SECRET):
        assert _rejected(verify_standard_webhook, v.STANDARD_BODY, v.standard_headers(), [secret], now=now)


def test_twilio_any_changed_byte_of_url_signature_or_token_is_rejected() -> None:
    for url in text_mutations(v.TWILIO_URL):
        assert _rejected(verify_twilio, v.TWILIO_BODY, v.twilio_headers(), [v.TWILIO_TOKEN], public_url=url)
    for signature in text_mutations(v.TWILIO_SIGNATURE):
        headers = v.twilio_headers(signature)
        assert _rejected(verify_twilio, v.TWILIO_BODY, headers, [v.TWILIO_TOKEN], public_url=v.TWILIO_URL)
    for token in text_mutations(v.TWILIO_TOKEN):
        assert _rejected(verify_twilio, v.TWILIO_BODY, v.twilio_headers(), [token], public_url=v.TWILIO_URL)


def test_twilio_no_changed_body_byte_changes_the_verified_parameters() -> None:
    """Twilio signs the decoded parameters, not the body bytes, so an equivalent encoding of the same
    parameters (``%2b`` for ``%2B``) verifies. What must never happen is a change in what was signed:
    every mutation is either refused or yields exactly the original parameters."""
    accepted_equivalents = 0
    for body in byte_mutations(v.TWILIO_BODY):
        try:
            result = verify_twilio(body, v.twilio_headers(), [v.TWILIO_TOKEN], public_url=v.TWILIO_URL)
        except WebhookRejected:
            continue
        assert dict(result.form_params) == v.TWILIO_PARAMS
        accepted_equivalents += 1
    # Exactly the three "%2B" escapes written as "%2b".
    assert accepted_equivalents == 3


def test_slack_any_changed_byte_is_rejected() -> None:
    secrets = [v.SLACK_SECRET]
    now = v.SLACK_NOW
    for body in byte_mutations(v.SLACK_BODY):
        assert _rejected(verify_slack, body, v.slack_headers(), secrets, now=now)
    for timestamp in text_mutations(v.SLACK_TIMESTAMP):
        assert _rejected(verify_slack, v.SLACK_BODY, v.slack_headers(timestamp=timestamp), secrets, now=now)
    for signature in text_mutations(v.SLACK_SIGNATURE):
        assert _rejected(verify_slack, v.SLACK_BODY, v.slack_headers(signature=signature), secrets, now=now)
    for secret in text_mutations(v.SLACK_SECRET):
        assert _rejected(verify_slack, v.SLACK_BODY, v.slack_headers(), [secret], now=now)
