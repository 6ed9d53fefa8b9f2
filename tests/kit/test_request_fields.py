"""The request field types accept exactly what the API document declares for them (ADR 0020)."""

from __future__ import annotations

import re

import pytest
from email_validator import validate_email
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from engium.kit.request_fields import EMAIL_PATTERN, NOT_BLANK_PATTERN, EmailAddress


class Addressed(BaseModel):
    email: EmailAddress


@settings(max_examples=500, deadline=None)
@given(st.from_regex(EMAIL_PATTERN, fullmatch=True))
def test_every_address_of_the_declared_shape_is_taken(address: str) -> None:
    validate_email(address, check_deliverability=False)
    assert Addressed(email=address).email.lower() == address.lower()


@pytest.mark.parametrize("address", [
    "0@0.0",  # JSON Schema's "email" allows it; no mail reaches it
    "someone@shop.test", "someone@printer.local",  # special-use names
    "someone@example",  # no dot after the @
    "two..dots@example.com", ".lead@example.com",
    "a@b--c.example.com",
    "zoë@example.com", "someone@münchen.de",  # ASCII only
    "someone@example.com\x00", " someone@example.com",
    "x" * 65 + "@example.com",
])
def test_addresses_outside_the_declared_shape_are_refused(address: str) -> None:
    assert not re.fullmatch(EMAIL_PATTERN, address)
    with pytest.raises(ValidationError):
        Addressed(email=address)


def test_everyday_addresses_are_taken() -> None:
    for address in ("someone@example.com", "First.Middle.Last@mail.example.co.uk", "o'brien+salon@hair-by-kim.ie"):
        assert re.fullmatch(EMAIL_PATTERN, address)
        Addressed(email=address)


def test_blank_means_the_same_to_the_document_and_to_the_server() -> None:
    # The fuzzer read "\s" as ECMA-262 does and sent "\x1c", which Python strips: now spelled out.
    spaces = [chr(code) for code in range(0x10000) if chr(code).isspace()]
    assert "\x1c" in spaces
    assert "\x85" in spaces
    for space in spaces:
        assert not re.fullmatch(NOT_BLANK_PATTERN, space * 2)
        assert re.fullmatch(NOT_BLANK_PATTERN, f"{space}a{space}")
    assert re.fullmatch(NOT_BLANK_PATTERN, "\ufeff")  # not white space to Python: not blank
    assert not re.fullmatch(NOT_BLANK_PATTERN, "a\x00")
