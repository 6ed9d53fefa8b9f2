"""The currencies a price may be in: ISO 4217, from the `iso4217` package (the maintenance agency's table).

Only codes with minor units: prices are stored in them (``price_cents``), and the entries without any are
not money a customer pays in (gold, bond-market units, special drawing rights, XTS for testing, XXX for
"no currency").
"""

from __future__ import annotations

from typing import Annotated

from iso4217 import Currency
from pydantic import AfterValidator, WithJsonSchema

CURRENCY_CODES: tuple[str, ...] = tuple(sorted({c.code for c in Currency if c.exponent is not None}))
_KNOWN = frozenset(CURRENCY_CODES)


def _known_currency(code: str) -> str:
    if code not in _KNOWN:
        raise ValueError(f"{code[:8]!r} is not an ISO 4217 currency code, such as USD, EUR or GBP")
    return code


CurrencyCode = Annotated[
    str,
    AfterValidator(_known_currency),
    WithJsonSchema({"type": "string", "enum": list(CURRENCY_CODES), "description": "ISO 4217 code"}),
]
