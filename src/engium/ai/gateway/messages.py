"""What a caller asks a model: role-separated messages, the kinds of data in them, generation limits."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Role = Literal["system", "user", "assistant"]
ROLES: frozenset[str] = frozenset({"system", "user", "assistant"})
# Data categories are recorded in every receipt; a fixed shape keeps the audit log machine-readable.
DATA_CATEGORY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_TOKENS_LIMIT = 4096


@dataclass(frozen=True)
class ChatMessage:
    role: Role
    content: str

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"role must be one of {sorted(ROLES)}")

    def __repr__(self) -> str:  # the content is customer text: keep it out of tracebacks and logs
        return f"ChatMessage(role={self.role!r}, content=<{len(self.content)} chars>)"


@dataclass(frozen=True)
class ChatRequest:
    messages: tuple[ChatMessage, ...]
    # What kinds of data the prompt holds ({"customer_message", "knowledge", "booking_facts"}), for the receipt.
    data_categories: frozenset[str]
    max_tokens: int = 300
    temperature: float = 0.0

    def __post_init__(self) -> None:
        if not self.messages:
            raise ValueError("a chat request needs at least one message")
        if not any(m.role != "system" for m in self.messages):
            raise ValueError("a chat request needs a user or assistant message, not only system messages")
        bad = sorted(c for c in self.data_categories if not DATA_CATEGORY.match(c))
        if bad:
            raise ValueError(f"data categories must be lowercase identifiers: {bad}")
        if not 1 <= self.max_tokens <= MAX_TOKENS_LIMIT:
            raise ValueError(f"max_tokens must be between 1 and {MAX_TOKENS_LIMIT}")
        if not 0.0 <= self.temperature <= 1.0:
            # 0..1 is the range every supported provider accepts (Anthropic's is the narrowest).
            raise ValueError("temperature must be between 0 and 1")

    def __repr__(self) -> str:
        return (
            f"ChatRequest(messages=<{len(self.messages)}>, data_categories={sorted(self.data_categories)}, "
            f"max_tokens={self.max_tokens}, temperature={self.temperature})"
        )


def canonical_json(messages: Sequence[ChatMessage]) -> bytes:
    """The messages as canonical JSON: a list of {"content", "role"} objects, keys sorted, no whitespace,
    UTF-8. Anyone holding the transcript can recompute :func:`prompt_sha256` from it."""
    payload = [{"role": m.role, "content": m.content} for m in messages]
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def prompt_sha256(messages: Sequence[ChatMessage]) -> str:
    return hashlib.sha256(canonical_json(messages)).hexdigest()
