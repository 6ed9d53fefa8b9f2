"""What is kept of a provider's answer or report: an id of the right shape, a numeric code, plain words."""

from __future__ import annotations

import pytest

from engium.channels.provider_answers import (
    ProviderAnswer,
    clean_title,
    describe_failure,
    error_code,
    read_answer,
)

SID = "SM" + "a1" * 16


@pytest.mark.parametrize(("provider", "body", "expected"), [
    ("twilio", b'{"sid": "%s", "status": "queued"}' % SID.encode(), ProviderAnswer(SID)),
    ("twilio", b'{"code": 21211, "message": "The number +14155550123 is not valid"}', ProviderAnswer(None, 21211)),
    ("twilio", b'{"sid": "SM../../x"}', ProviderAnswer()),
    ("twilio", b"<html>502</html>", ProviderAnswer()),
    ("twilio", b"[1, 2]", ProviderAnswer()),
    ("twilio", b"[" * 100_000, ProviderAnswer()),
    ("whatsapp", b'{"messages": [{"id": "wamid.HBgL+/=_-x"}]}', ProviderAnswer("wamid.HBgL+/=_-x")),
    ("whatsapp", b'{"messages": [{"id": "wamid.a b"}]}', ProviderAnswer()),
    ("whatsapp", b'{"messages": []}', ProviderAnswer()),
    ("whatsapp", b'{"error": {"code": 190, "message": "token EAAG... expired"}}', ProviderAnswer(None, 190)),
    ("whatsapp", b'{"error": {"code": true}}', ProviderAnswer()),
])
def test_only_well_shaped_ids_and_numeric_codes_are_read(provider: str, body: bytes, expected: ProviderAnswer) -> None:
    assert read_answer(provider, body) == expected  # type: ignore[arg-type]


def test_codes_are_positive_numbers_only() -> None:
    fullwidth_digits = "\uff11\uff12"
    given = (30003, "30003", "0", "-1", "3e4", True, None, 10**12, fullwidth_digits)
    assert [error_code(v) for v in given] == [30003, 30003, None, None, None, None, None, None, None]


def test_an_unknown_code_shows_the_title_in_plain_words_with_numbers_masked() -> None:
    title = clean_title("Recipient <b>+14155550123</b> unavailable\n\x00")
    assert title == "Recipient b…/b unavailable"
    assert describe_failure("whatsapp", 999999, title) == "WhatsApp error 999999: Recipient b…/b unavailable"
    assert describe_failure("twilio", 30003, "ignored") == (
        "Twilio error 30003: the customer's phone is unreachable (off or out of coverage)")
    assert describe_failure("twilio", None) == "Twilio could not deliver it"
    assert clean_title(["not", "text"]) is None
