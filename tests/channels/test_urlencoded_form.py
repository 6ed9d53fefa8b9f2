"""The strict form parser behind Twilio's signature input and Meta's handshake query."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engium.channels.verify.urlencoded_form import parse_urlencoded_form
from engium.channels.verify.webhook_common import RejectReason, WebhookRejected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"", ()),
        (b"a=1", (("a", "1"),)),
        (b"a=", (("a", ""),)),
        (b"a=b=c", (("a", "b=c"),)),
        (b"a=x+y%2B%2b", (("a", "x y++"),)),
        (b"a=caf%C3%A9&b=%00", (("a", "caf\u00e9"), ("b", "\x00"))),
        (b"b=2&a=1", (("b", "2"), ("a", "1"))),
        (b"a;b=1", (("a;b", "1"),)),
    ],
)
def test_well_formed_bodies(body: bytes, expected: tuple[tuple[str, str], ...]) -> None:
    assert parse_urlencoded_form(body) == expected


@pytest.mark.parametrize(
    "body",
    [
        b"&",
        b"a=1&",
        b"&a=1",
        b"a=1&&b=2",
        b"a",
        b"=1",
        b"a=1&a=2",
        b"a=1&a=1",
        b"a=%",
        b"a=%4",
        b"a=%zz",
        b"a=%FF",
        b"a=%C3",
        b"a=\xc3\xa9",
        b"a=1 2",
        b"a=1\n",
        b"a=\x00",
    ],
)
def test_ambiguous_or_broken_bodies_are_rejected(body: bytes) -> None:
    with pytest.raises(WebhookRejected) as caught:
        parse_urlencoded_form(body)
    assert caught.value.reason is RejectReason.MALFORMED_BODY


def test_parameter_cap() -> None:
    body = "&".join(f"p{i}=1" for i in range(10)).encode()
    assert len(parse_urlencoded_form(body, max_params=10)) == 10
    with pytest.raises(WebhookRejected):
        parse_urlencoded_form(body, max_params=9)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=12),
        st.text(st.characters(exclude_categories=["Cs"]), max_size=30),
        max_size=10,
    )
)
def test_round_trips_what_standard_encoders_produce_and_agrees_with_the_stdlib(params: dict[str, str]) -> None:
    body = urlencode(params)
    parsed = parse_urlencoded_form(body.encode("ascii"))
    assert dict(parsed) == params
    assert list(parsed) == parse_qsl(body, keep_blank_values=True, strict_parsing=True)
