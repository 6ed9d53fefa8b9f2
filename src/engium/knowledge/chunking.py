"""Splitting extracted text into overlapping chunks that remember where they came from.

A chunk is always an exact slice of the document's text (``text[start_offset:end_offset]``), so a
citation can quote and highlight it. Chunks aim at ``target_chars`` and never exceed ``max_chars``;
a cut prefers, in this order, a paragraph break, the end of a sentence, a line break, a space, and
only for a run of text without any of those, a hard cut. The next chunk starts about
``overlap_chars`` earlier, at the start of a sentence where there is one nearby, else of a word, so
that a fact straddling a cut is whole in at least one chunk. Pure and deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from engium.knowledge.parsing import ParsedDocument


@dataclass(frozen=True)
class ChunkingPolicy:
    target_chars: int = 800
    max_chars: int = 900
    # A cut is never placed before this many characters (unless the text ends there).
    min_chars: int = 600
    overlap_chars: int = 150
    # A section (an FAQ entry) up to this long stays one chunk, even past max_chars: a question cut off
    # from the end of its answer would be found without the answer.
    max_section_chars: int = 1_800

    def __post_init__(self) -> None:
        if not 0 < self.min_chars <= self.target_chars <= self.max_chars <= self.max_section_chars:
            raise ValueError("need 0 < min_chars <= target_chars <= max_chars <= max_section_chars")
        # The next chunk must start after this one does: the overlap stays well below the shortest chunk.
        if not 0 <= self.overlap_chars * 3 // 2 < self.min_chars:
            raise ValueError("overlap_chars * 1.5 must be below min_chars")


DEFAULT_POLICY = ChunkingPolicy()


@dataclass(frozen=True)
class Chunk:
    content: str
    start_offset: int
    end_offset: int


_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")
# The end of a sentence: terminal punctuation, optional closing quotes/brackets, then whitespace.
_SENTENCE_END = re.compile(r"[.!?\u2026\u3002\uff01\uff1f][\"'\u201d\u2019)\]]*(?=\s)")
_LINE_BREAK = re.compile(r"\n")
_SPACE = re.compile(r"\s")
# Where a sentence (or a line) begins: after terminal punctuation and whitespace, or after a line break.
_SENTENCE_START = re.compile(r"(?:[.!?\u2026\u3002\uff01\uff1f][\"'\u201d\u2019)\]]*\s+|\n\s*)(?=\S)")
_WORD_START = re.compile(r"\s+(?=\S)")


def _last_cut(text: str, lo: int, hi: int) -> int | None:
    """The best cut in (lo, hi]: the last paragraph break, else sentence end, line break, space."""
    for pattern, use_end in ((_PARAGRAPH_BREAK, False), (_SENTENCE_END, True), (_LINE_BREAK, False), (_SPACE, False)):
        best = None
        # The lookahead of _SENTENCE_END needs the character after hi, so the search may read one more.
        for match in pattern.finditer(text, lo, min(len(text), hi + 1)):
            cut = match.end() if use_end else match.start()
            if lo < cut <= hi:
                best = cut
        if best is not None:
            return best
    return None


def _next_start(text: str, start: int, end: int, policy: ChunkingPolicy) -> int:
    """Where the chunk after [start, end) begins: about overlap_chars before end, at a sentence start
    if one is near, else at a word start; always after ``start`` and at or before ``end``."""
    overlap = policy.overlap_chars
    desired = end - overlap
    lo = max(start + 1, end - overlap * 3 // 2)
    for pattern, hi in ((_SENTENCE_START, end - overlap // 3), (_WORD_START, end)):
        candidates = [m.end() for m in pattern.finditer(text, max(start, lo - 8), hi) if lo <= m.end() <= hi]
        if candidates:
            return min(candidates, key=lambda position: (abs(position - desired), position))
    return max(lo, min(desired, end))


def _skip_space(text: str, position: int, limit: int) -> int:
    while position < limit and text[position].isspace():
        position += 1
    return position


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _chunk_span(text: str, lo: int, hi: int, policy: ChunkingPolicy) -> Iterator[Chunk]:
    start = _skip_space(text, lo, hi)
    hi = _trim_end(text, start, hi)
    while start < hi:
        if hi - start <= policy.max_chars:
            yield Chunk(text[start:hi], start, hi)
            return
        cut = _last_cut(text, start + policy.min_chars, start + policy.max_chars)
        end = _trim_end(text, start, cut if cut is not None else start + policy.max_chars)
        yield Chunk(text[start:end], start, end)
        start = _skip_space(text, _next_start(text, start, end, policy), hi)


def chunk_text(text: str, policy: ChunkingPolicy = DEFAULT_POLICY) -> list[Chunk]:
    """Chunks of the whole text as one flow."""
    return list(_chunk_span(text, 0, len(text), policy))


def chunk_document(document: ParsedDocument, policy: ChunkingPolicy = DEFAULT_POLICY) -> list[Chunk]:
    """Chunks of a parsed document: each section on its own (whole if it fits max_section_chars),
    or the whole text as one flow when it has no sections."""
    if not document.sections:
        return chunk_text(document.text, policy)
    chunks: list[Chunk] = []
    for lo, hi in document.sections:
        start, end = _skip_space(document.text, lo, hi), _trim_end(document.text, lo, hi)
        if start >= end:
            continue
        if end - start <= policy.max_section_chars:
            chunks.append(Chunk(document.text[start:end], start, end))
        else:
            chunks.extend(_chunk_span(document.text, start, end, policy))
    return chunks
