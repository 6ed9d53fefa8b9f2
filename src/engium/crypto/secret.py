"""A container for plaintext secrets that never shows them by accident."""

from __future__ import annotations

import hmac
from typing import NoReturn


class SecretBytes:
    """Plaintext secret material. ``repr``/``str`` are masked, so a secret that reaches a log line,
    an exception message or a test failure report prints as ``SecretBytes('**********')``.

    Pickling is refused: a pickled secret would land unencrypted wherever the pickle goes.
    """

    __slots__ = ("_value",)

    def __init__(self, value: bytes) -> None:
        if not isinstance(value, bytes | bytearray | memoryview):
            raise TypeError("SecretBytes holds bytes")
        self._value = bytes(value)

    @classmethod
    def from_text(cls, value: str) -> SecretBytes:
        return cls(value.encode("utf-8"))

    def reveal(self) -> bytes:
        """The plaintext. Call it at the last moment, where the secret is actually used."""
        return self._value

    def reveal_text(self) -> str:
        return self._value.decode("utf-8")

    def __len__(self) -> int:
        return len(self._value)

    def __repr__(self) -> str:
        return "SecretBytes('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        # Constant time: equality of secrets must not leak a prefix through timing.
        if not isinstance(other, SecretBytes):
            return NotImplemented
        return hmac.compare_digest(self._value, other._value)

    def __hash__(self) -> int:
        raise TypeError("SecretBytes is not hashable")

    def __reduce__(self) -> NoReturn:
        raise TypeError("SecretBytes cannot be pickled")
