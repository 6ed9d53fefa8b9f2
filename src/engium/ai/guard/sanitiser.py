"""The first guard step: make untrusted text plain, visible and bounded before any model sees it.

``sanitise`` never refuses text and never decides whether it is an attack (that is the detector's job);
it removes what a human reviewer could not see, normalises look-alike characters, and disarms chat
template and role markers so that customer or document text cannot open a fake system or assistant turn.
Disarmed markers stay readable ("⟦im_start⟧"), so staff reading a transcript see what was attempted.
"""

# ruff: noqa: RUF001, RUF003  (look-alike and invisible characters are this module's subject)

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from engium.ai.guard.invisible import strip_invisible
from engium.ai.guard.lookalikes import fold_lookalikes, spelled

Source = Literal["customer", "document", "retrieved", "tool"]

# Characters, after normalisation. A chat message is short; a retrieved chunk is a few paragraphs; a tool
# result is structured data that should never be long; a whole document is only ever chunked or summarised.
DEFAULT_MAX_CHARS: dict[Source, int] = {
    "customer": 4_000,
    "retrieved": 8_000,
    "tool": 8_000,
    "document": 100_000,
}
ELLIPSIS = "…"
# Brackets that no chat template uses, so a disarmed marker is visible but means nothing to a model.
OPEN, CLOSE = "⟦", "⟧"

_LINE_BREAKS = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n", "\u0085": "\n"})
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = r"[ \t]*"


@dataclass(frozen=True)
class SanitisedText:
    text: str
    changes: tuple[str, ...]  # what was done, in order: "zero_width_removed", "truncated", ...


def _words(*names: str) -> str:
    return "(?:" + "|".join(spelled(name) for name in names) + ")"


def _canonical(raw: str) -> str:
    # "< | i m _ s t a r t | >" and "<|іm_start|>" both read back as "im_start".
    letters = fold_lookalikes(raw)
    return re.sub(r"[\s.\-<>|\[\]#*:]+", "", letters)


def _bracketed(match: re.Match[str]) -> str:
    return f"{OPEN}{_canonical(match.group('name'))}{CLOSE}"


def _bracketed_turn(match: re.Match[str]) -> str:
    return f"{match.group('lead')}{OPEN}{_canonical(match.group('name')).lower()}{CLOSE}:"


_ROLE_NAMES = _words("system", "assistant", "user", "human", "developer")
_HEADING_NAMES = _words("system", "instruction", "instructions", "response", "input", "human", "assistant", "user")

MarkerKind = Literal["special_token", "sequence_token", "role_tag", "heading", "turn"]

# (kind, pattern, replacement). Patterns run on NFKC text, so full-width spellings are already ASCII here.
_MARKERS: tuple[tuple[MarkerKind, re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    # Special tokens of ChatML, Llama 3, Phi and GPT: <|im_start|>, <|eot_id|>, <|endoftext|>, <|system|> ...
    ("special_token", re.compile(r"<\s*\|\s*(?P<name>[^<>|\n]{1,40}?)\s*\|\s*>"), _bracketed),
    # Llama 2: [INST] [/INST] <<SYS>> <</SYS>>
    ("special_token", re.compile(r"\[\s*(?P<name>/?\s*" + spelled("INST") + r")\s*\]"), _bracketed),
    ("special_token", re.compile(r"<<\s*(?P<name>/?\s*" + spelled("SYS") + r")\s*>>"), _bracketed),
    # Gemma: <start_of_turn> <end_of_turn>
    (
        "special_token",
        re.compile(r"<\s*(?P<name>" + _words("start", "end") + r"[ _]{0,2}" + spelled("of") + r"[ _]{0,2}"
                   + spelled("turn") + r")\s*>"),
        _bracketed,
    ),
    # Sentence and sequence markers: </s> <s> <eos> <bos> (also HTML strikethrough, hence their own kind)
    ("sequence_token", re.compile(r"<\s*(?P<name>/?\s*(?:" + _words("eos", "bos") + r"|[sSѕЅ]))\s*>"), _bracketed),
    # XML-style role tags some prompts use: <system> </assistant> <system_prompt>
    (
        "role_tag",
        re.compile(r"<\s*(?P<name>/?\s*" + _ROLE_NAMES + r"(?:[ _]?" + spelled("prompt") + r")?)\s*>"),
        _bracketed,
    ),
    # Alpaca-style headings at a line start: "### System:", "## Instruction"
    (
        "heading",
        re.compile(r"(?m)^(?P<lead>[ \t>*_]*)#{2,}" + _SPACES + r"(?P<name>" + _HEADING_NAMES + r")[ \t*_]*:?"),
        _bracketed_turn,
    ),
    # A fake turn at a line start: "assistant:", "SYSTEM :", "**System:**", "Human:"
    (
        "turn",
        re.compile(r"(?m)^(?P<lead>[ \t>]*)[*_]{0,2}(?P<name>" + _ROLE_NAMES + r")[*_]{0,2}" + _SPACES
                   + r":[*_]{0,2}"),
        _bracketed_turn,
    ),
)


def find_markers(text: str) -> list[tuple[MarkerKind, str]]:
    """The chat-template and role markers in NFKC ``text``: (kind, canonical lower-case name) pairs."""
    return [
        (kind, _canonical(match.group("name")).lower())
        for kind, pattern, _ in _MARKERS
        for match in pattern.finditer(text)
    ]


def neutralise_markers(text: str) -> tuple[str, bool]:
    """Replace chat-template and role markers with a visible, inert bracketed form."""
    changed = False
    for _, pattern, replacement in _MARKERS:
        text, count = pattern.subn(replacement, text)
        changed = changed or count > 0
    return text, changed


def sanitise(text: str, *, source: Source, max_chars: int | None = None) -> SanitisedText:
    """Normalise untrusted text for a prompt: NFKC, no invisible characters, no live role markers, bounded."""
    limit = DEFAULT_MAX_CHARS[source] if max_chars is None else max_chars
    if limit < 1:
        raise ValueError("max_chars must be at least 1")
    changes: list[str] = []

    scan = strip_invisible(text)
    changes.extend(f"{kind}_removed" for kind in sorted(scan.removed))
    text = scan.text

    normalised = unicodedata.normalize("NFKC", text)
    if normalised != text:
        changes.append("normalised_nfkc")
    # NFKC can turn visible characters into ones we strip (and vice versa), so scan once more.
    text = strip_invisible(normalised).text

    lines = text.replace("\r\n", "\n").translate(_LINE_BREAKS)
    without_controls = _CONTROL.sub("", lines)
    if without_controls != lines:
        changes.append("control_characters_removed")
    text = without_controls

    text, neutralised = neutralise_markers(text)
    if neutralised:
        changes.append("role_marker_neutralised")

    if len(text) > limit:
        # Cutting can split a flag's tag sequence; the second scan drops the orphaned tag characters.
        text = strip_invisible(text[: limit - 1]).text + ELLIPSIS
        changes.append("truncated")
    return SanitisedText(text=text, changes=tuple(changes))
