"""Invisible and direction-changing characters: what to strip, what legitimate text needs, what was hidden.

Attackers hide instructions where a human reviewer cannot see them but a tokenizer can: zero-width
characters between letters (to dodge keyword filters), bidirectional controls (to make text display in a
different order than it is read), and the Unicode "Tags" block U+E0000–U+E007F, whose characters mirror
ASCII one to one and render as nothing ("ASCII smuggling"). The same code points also have legitimate
uses that must survive: a zero-width joiner glues emoji into one glyph (family, profession emoji), a
zero-width non-joiner changes letter shapes in Persian and Indic scripts, and subdivision flags (England,
Scotland, Wales) are U+1F3F4 followed by tag letters and the U+E007F cancel tag.
"""

# ruff: noqa: RUF002, RUF003  (look-alike and invisible characters are this module's subject)

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

ZERO_WIDTH_JOINER = "\u200d"
ZERO_WIDTH_NON_JOINER = "\u200c"
BLACK_FLAG = "\U0001f3f4"
CANCEL_TAG = "\U000e007f"
_TAG_FIRST, _TAG_LAST = 0xE0000, 0xE007F

# Always removed: they have no visible effect in chat text that a reader could rely on.
ZERO_WIDTH = frozenset(
    "\u200b"  # zero width space
    "\u2060"  # word joiner
    "\ufeff"  # byte order mark / zero width no-break space
    "\u180e"  # Mongolian vowel separator (zero width since Unicode 6.3)
    "\u2061\u2062\u2063\u2064"  # invisible function application, times, separator, plus
    "\u00ad"  # soft hyphen
    "\u034f"  # combining grapheme joiner
    "\u115f\u1160\u3164\uffa0"  # Hangul fillers, rendered blank
    "\ufff9\ufffa\ufffb"  # interlinear annotation controls
)
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings and overrides (Trojan Source, CVE-2021-42574)
    "\u2066\u2067\u2068\u2069"  # isolates
    "\u200e\u200f\u061c"  # left-to-right, right-to-left and Arabic letter marks
)
# Variation selectors 17–256 carry no meaning outside ideographic variation sequences; runs of them (or
# of VS1–16) can encode arbitrary bytes invisibly ("emoji smuggling").
_SUPPLEMENTARY_VARIATION = range(0xE0100, 0xE01F0)
_VARIATION = range(0xFE00, 0xFE10)


# Everything strip_invisible may remove; text without any of these is returned as it is (the common case).
_SUSPECT = re.compile(
    "[" + "".join(sorted(ZERO_WIDTH)) + "\u200c\u200d" + "".join(sorted(BIDI_CONTROLS))
    + "\ufe00-\ufe0f\U000e0000-\U000e007f\U000e0100-\U000e01ef]"
)


def is_tag_character(char: str) -> bool:
    return _TAG_FIRST <= ord(char) <= _TAG_LAST


def _is_pictographic(char: str) -> bool:
    # Emoji are "Symbol, other" (So); skin-tone modifiers are "Sk"; VS16 precedes ZWJ in many sequences.
    return unicodedata.category(char) in {"So", "Sk"} or ord(char) in _VARIATION or char == BLACK_FLAG


def _joins_script_letters(before: str, after: str) -> bool:
    # ZWNJ/ZWJ shape Arabic-script and Indic letters (and their combining marks). Latin, Greek and
    # Cyrillic never need them, which is exactly where keyword-splitting attacks put them.
    def needs_joiners(char: str) -> bool:
        return ord(char) >= 0x0590 and unicodedata.category(char)[0] in {"L", "M"}

    return needs_joiners(before) and needs_joiners(after)


@dataclass(frozen=True)
class InvisibleScan:
    """Text with invisible characters removed, what kinds were removed, and any ASCII hidden in tags."""

    text: str
    removed: frozenset[str]  # "zero_width", "bidi_control", "tag_characters", "variation_selectors"
    hidden_tag_text: str  # the ASCII that stray tag characters spelled out (U+E0000 + ord(c))
    zero_width_inside_words: int  # zero-width characters that split a word: a keyword-evasion signal


def _flag_sequence_end(text: str, start: int) -> int | None:
    """Where a valid subdivision-flag tag sequence that starts after ``text[start]`` (a black flag) ends."""
    i = start + 1
    while i < len(text) and 0xE0020 <= ord(text[i]) <= 0xE007E:
        i += 1
    if i > start + 1 and i < len(text) and text[i] == CANCEL_TAG:
        return i + 1
    return None


def strip_invisible(text: str) -> InvisibleScan:
    """Remove invisible and direction-changing characters, keeping emoji and script joiners intact."""
    if text.isascii() or _SUSPECT.search(text) is None:
        return InvisibleScan(text=text, removed=frozenset(), hidden_tag_text="", zero_width_inside_words=0)
    out: list[str] = []
    removed: set[str] = set()
    hidden: list[str] = []
    inside_words = 0
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        code = ord(char)
        if char == BLACK_FLAG:
            end = _flag_sequence_end(text, i)
            if end is not None:
                out.append(text[i:end])
                i = end
                continue
            out.append(char)
        elif _TAG_FIRST <= code <= _TAG_LAST:
            removed.add("tag_characters")
            if 0xE0020 <= code <= 0xE007E:
                hidden.append(chr(code - _TAG_FIRST))
        elif char in ZERO_WIDTH or char in (ZERO_WIDTH_JOINER, ZERO_WIDTH_NON_JOINER):
            before = out[-1][-1] if out else ""
            after = text[i + 1] if i + 1 < n else ""
            keep = (
                char == ZERO_WIDTH_JOINER
                and before
                and after
                and _is_pictographic(before)
                and _is_pictographic(after)
            ) or (char != "\u200b" and char not in ZERO_WIDTH and before and after
                  and _joins_script_letters(before, after))
            if keep:
                out.append(char)
            else:
                removed.add("zero_width")
                if before.isalnum() and after.isalnum() and char != "\u00ad":
                    inside_words += 1
        elif char in BIDI_CONTROLS:
            removed.add("bidi_control")
        elif code in _SUPPLEMENTARY_VARIATION or (code in _VARIATION and out and ord(out[-1][-1]) in _VARIATION):
            # One VS after a character selects its presentation; a second one in a row is never needed.
            removed.add("variation_selectors")
        else:
            out.append(char)
        i += 1
    return InvisibleScan(
        text="".join(out),
        removed=frozenset(removed),
        hidden_tag_text="".join(hidden),
        zero_width_inside_words=inside_words,
    )
