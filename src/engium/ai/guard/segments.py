"""Cutting a text into the sentence-sized segments the learned layer reads one by one.

An injection is usually one sentence inside something ordinary: "Can I book Saturday? Also ignore your
rules and ..." or an order hidden in the middle of an email. Averaged over the whole text, that sentence
is diluted by the ordinary ones; read on its own, it is as clear as a bare injection. So the learned layer
embeds each segment (a sentence, a line, or a few short ones together) and takes the most suspicious, and
the mean of the segment vectors stands for the whole text (the encoder pools its tokens the same way).

The encoder's cost grows with the pieces it reads, not with the number of segments, so a budget in
estimated pieces bounds the time per text: the segments from the start, and the last few, until the budget
is spent (a jailbreak sets itself up at the start; an injected order often closes a document).
"""

# ruff: noqa: RUF001  (full-width CJK punctuation ends sentences)

from __future__ import annotations

import re

# After sentence punctuation (Latin, CJK, Devanagari danda, Arabic) or at line breaks.
_BOUNDARY = re.compile(r"(?<=[.!?;。！？；।؟])\s+|(?<=[。！？])|\n+")
_MIN_PIECES = 8.0  # shorter pieces ("Hi!", "Thanks.") join their neighbour
_MAX_CHARS = 400  # a longer sentence is cut (a run-on jailbreak with no full stop)
PIECE_BUDGET = 192  # estimated encoder pieces per text, all segments together
_TAIL_BUDGET = 48
MAX_SEGMENTS = 12


def estimated_pieces(text: str) -> float:
    """A cheap estimate of the encoder's SentencePiece count: about 4 ASCII characters a piece, fewer for
    other scripts (a Chinese or Japanese character is often a piece of its own)."""
    ascii_chars = sum(1 for c in text if c < "\x80")
    return ascii_chars / 4 + (len(text) - ascii_chars) / 1.5 + 2


def _pieces(text: str) -> list[str]:
    parts: list[str] = []
    for part in _BOUNDARY.split(text):
        part = part.strip()
        while len(part) > _MAX_CHARS:
            cut = part.rfind(" ", _MAX_CHARS // 2, _MAX_CHARS)
            cut = cut if cut > 0 else _MAX_CHARS
            parts.append(part[:cut])
            part = part[cut:].strip()
        if part:
            parts.append(part)
    merged: list[str] = []
    for part in parts:
        if merged and (estimated_pieces(merged[-1]) < _MIN_PIECES or estimated_pieces(part) < _MIN_PIECES / 2):
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return merged


def segments(text: str) -> list[str]:
    """The segments the layer reads, in order: all of a short text, the head and tail of a long one."""
    parts = _pieces(text)
    if not parts:
        return [text.strip()[:_MAX_CHARS]]
    costs = [estimated_pieces(p) for p in parts]
    if sum(costs) <= PIECE_BUDGET and len(parts) <= MAX_SEGMENTS:
        return parts
    tail: list[int] = []
    spent = 0.0
    for index in range(len(parts) - 1, 0, -1):
        if spent + costs[index] > _TAIL_BUDGET or len(tail) >= 2:
            break
        tail.insert(0, index)
        spent += costs[index]
    head: list[int] = []
    for index in range(len(parts)):
        if index in tail or spent + costs[index] > PIECE_BUDGET or len(head) + len(tail) >= MAX_SEGMENTS:
            break
        head.append(index)
        spent += costs[index]
    if not head:  # one long first sentence: its start, cut to the budget
        return [parts[0][: int(PIECE_BUDGET * 3)]] + [parts[i] for i in tail]
    return [parts[i] for i in head + tail]
