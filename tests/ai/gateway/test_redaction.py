"""Optional redaction of personal data before a prompt leaves (ENGIUM_AI_REDACT_PERSONAL_DATA)."""

from __future__ import annotations

import pytest

from engium.ai.gateway import ChatMessage, ChatRequest, ModelSettings, TenantModelPolicy, build_gateway, prompt_sha256
from engium.ai.gateway.redaction import iban_valid, luhn_valid, redact_messages, redact_text
from tests.ai.gateway.model_servers import StubModelServer


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("write to jane.doe+salon@example.co.uk please", "write to [email] please"),
        ("call me on +44 20 7946 0958.", "call me on [phone]."),
        ("my number is (555) 123-4567", "my number is [phone]"),
        ("07700 900123 is my mobile", "[phone] is my mobile"),
        ("+49 30 12345678", "[phone]"),
        ("pay with 4111 1111 1111 1111 today", "pay with [card number] today"),
        ("card 5500-0000-0000-0004", "card [card number]"),
        ("IBAN DE89 3704 0044 0532 0130 00 THANKS", "IBAN [iban] THANKS"),
        ("GB82WEST12345698765432", "[iban]"),
        ("two: a@b.io and +33 1 23 45 67 89", "two: [email] and [phone]"),
    ],
)
def test_personal_data_is_replaced_with_placeholders(text: str, expected: str) -> None:
    redacted, count = redact_text(text)

    assert redacted == expected
    assert count == expected.count("[")


@pytest.mark.parametrize(
    "text",
    [
        "Can I book 2024-05-01 at 10:30?",
        "How about 01.05.2024 or 1/5/2024 at 9?",
        "Order 12345678 costs 1,250.00",
        "Room 101, 2 people, 45 minutes",
        "4111 1111 1111 1112 fails the Luhn check",  # 16 digits: neither a card nor a phone number
        "DE00 3704 0044 0532 0130 00 fails mod 97",
        "The salon opens 9-17, Monday to Friday",
    ],
)
def test_dates_times_prices_and_invalid_numbers_are_left_alone(text: str) -> None:
    assert redact_text(text) == (text, 0)


def test_checksums() -> None:
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")
    assert iban_valid("GB82 WEST 1234 5698 7654 32")
    assert not iban_valid("GB83 WEST 1234 5698 7654 32")


def test_system_messages_hold_the_tenants_own_details_and_are_not_redacted() -> None:
    messages = (
        ChatMessage("system", "Our phone is +44 20 7946 0000."),
        ChatMessage("user", "I'm on +44 20 7946 0958"),
        ChatMessage("assistant", "Thanks, we will call +44 20 7946 0958."),
    )

    redacted, count = redact_messages(messages)

    assert [m.content for m in redacted] == [
        "Our phone is +44 20 7946 0000.", "I'm on [phone]", "Thanks, we will call [phone]."
    ]
    assert count == 2


def test_with_redaction_on_the_provider_sees_placeholders_and_the_receipt_counts_them(
    stub_server: StubModelServer,
) -> None:
    gateway = build_gateway(
        ModelSettings(
            provider="openai", base_url=f"{stub_server.base_url}/v1", model="stub", no_training=True,
            redact_personal_data=True,
        )
    )
    assert gateway is not None
    request = ChatRequest(
        messages=(ChatMessage("user", "Reschedule me: jane@example.com, +1 415 555 0100"),),
        data_categories=frozenset({"customer_message"}),
    )

    result = gateway.complete(TenantModelPolicy(accept_retention=False), request)

    assert stub_server.requests[0].body["messages"] == [{"role": "user", "content": "Reschedule me: [email], [phone]"}]
    assert result.receipt.redacted == 2
    # The hash covers what was sent: the redacted prompt.
    assert result.receipt.prompt_sha256 == prompt_sha256((ChatMessage("user", "Reschedule me: [email], [phone]"),))


def test_with_redaction_off_the_prompt_is_sent_as_written(stub_server: StubModelServer) -> None:
    gateway = build_gateway(
        ModelSettings(provider="openai", base_url=f"{stub_server.base_url}/v1", model="stub", no_training=True)
    )
    assert gateway is not None

    result = gateway.complete(
        TenantModelPolicy(accept_retention=False),
        ChatRequest((ChatMessage("user", "jane@example.com"),), frozenset({"customer_message"})),
    )

    assert stub_server.requests[0].body["messages"][0]["content"] == "jane@example.com"
    assert result.receipt.redacted == 0
