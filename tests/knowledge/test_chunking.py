"""Chunks are exact, overlapping slices of the text, cut at the most natural boundary in reach."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engium.knowledge.chunking import DEFAULT_POLICY, Chunk, ChunkingPolicy, chunk_document, chunk_text
from engium.knowledge.parsing import ParsedDocument

WORDS = ["salon", "opens", "at", "nine", "haircut", "costs", "thirty", "euros", "parking", "is", "free", "we", "book"]
SEPARATORS = [" ", " ", " ", " ", ". ", "! ", "? ", "\n", "\n\n", ", "]

prose = st.lists(
    st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), min_size=0, max_size=900
).map(lambda pairs: "".join(word + separator for word, separator in pairs))
# Also text without any natural boundary, and arbitrary Unicode with odd whitespace.
unbroken = st.integers(0, 4000).map(lambda n: "x" * n)
arbitrary = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=3000)
policies = st.sampled_from(
    [DEFAULT_POLICY, ChunkingPolicy(target_chars=120, max_chars=150, min_chars=90, overlap_chars=40,
                                    max_section_chars=300)]
)


def assert_valid_chunks(text: str, chunks: list[Chunk], policy: ChunkingPolicy) -> None:
    for chunk in chunks:
        assert chunk.content == text[chunk.start_offset:chunk.end_offset]
        assert chunk.content
        assert chunk.content == chunk.content.strip()
        assert len(chunk.content) <= policy.max_chars
    for before, after in itertools.pairwise(chunks):
        assert before.start_offset < after.start_offset
        assert before.end_offset < after.end_offset
        # Consecutive chunks overlap (no text falls between them), by at most 1.5 x the overlap.
        assert after.start_offset <= before.end_offset
        assert before.end_offset - after.start_offset <= policy.overlap_chars * 3 // 2
    covered: set[int] = set()
    for chunk in chunks:
        covered.update(range(chunk.start_offset, chunk.end_offset))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


@settings(max_examples=150, deadline=None)
@given(st.one_of(prose, unbroken, arbitrary), policies)
def test_chunks_are_exact_bounded_overlapping_slices_that_cover_every_visible_character(
    text: str, policy: ChunkingPolicy
) -> None:
    chunks = chunk_text(text, policy)
    assert_valid_chunks(text, chunks, policy)
    assert chunk_text(text, policy) == chunks  # deterministic


def test_short_text_is_one_chunk_and_blank_text_none() -> None:
    assert chunk_text("  Parking is free.  ") == [Chunk("Parking is free.", 2, 18)]
    assert chunk_text(" \n\n ") == []
    assert chunk_text("") == []


def test_cuts_prefer_a_paragraph_break_over_a_sentence_end() -> None:
    first = "Our opening hours are simple. " * 22  # 660 characters of sentences
    second = "Parking is free behind the salon. " * 10
    text = first.strip() + "\n\n" + second.strip()
    chunks = chunk_text(text)
    assert chunks[0].content == first.strip()
    assert chunks[0].end_offset == len(first.strip())


def test_without_a_paragraph_break_a_cut_ends_a_sentence_and_the_next_chunk_starts_one() -> None:
    text = " ".join(f"Sentence number {i} says something useful." for i in range(60))
    chunks = chunk_text(text)
    assert len(chunks) > 2
    for chunk in chunks:
        assert chunk.content.startswith("Sentence number")
        assert chunk.content.endswith("useful.")
        assert DEFAULT_POLICY.min_chars <= len(chunk.content) <= DEFAULT_POLICY.max_chars or chunk is chunks[-1]
    overlaps = [a.end_offset - b.start_offset for a, b in itertools.pairwise(chunks)]
    assert all(50 <= overlap <= 225 for overlap in overlaps), overlaps


def test_a_run_without_spaces_is_cut_hard_at_the_maximum() -> None:
    chunks = chunk_text("x" * 2000)
    assert [len(c.content) for c in chunks][:2] == [DEFAULT_POLICY.max_chars, DEFAULT_POLICY.max_chars]
    assert chunks[-1].end_offset == 2000


def test_sections_are_chunked_each_on_their_own_and_kept_whole_when_they_fit() -> None:
    text = "Q: Open on Sunday?\nA: No.\n\nQ: Parking?\nA: " + "Free parking behind the salon. " * 70
    first_end = text.index("\n\n")
    document = ParsedDocument(text, ((0, first_end), (first_end + 2, len(text))))
    chunks = chunk_document(document)
    assert chunks[0] == Chunk("Q: Open on Sunday?\nA: No.", 0, first_end)
    assert all(c.start_offset > first_end for c in chunks[1:])
    # The second entry (~2,200 characters) is past max_section_chars, so it is split with overlap.
    assert len(chunks) > 2
    assert_valid_chunks(text[first_end + 2:], [Chunk(c.content, c.start_offset - first_end - 2,
                                                     c.end_offset - first_end - 2) for c in chunks[1:]], DEFAULT_POLICY)


def test_a_section_longer_than_a_chunk_but_within_the_section_limit_stays_whole() -> None:
    entry = "Q: What do colours cost?\nA: " + "Colour prices depend on length. " * 40  # ~1,300 characters
    chunks = chunk_document(ParsedDocument(entry.strip(), ((0, len(entry.strip())),)))
    assert chunks == [Chunk(entry.strip(), 0, len(entry.strip()))]


def test_inconsistent_policies_are_refused() -> None:
    with pytest.raises(ValueError, match="overlap"):
        ChunkingPolicy(min_chars=200, overlap_chars=150)
    with pytest.raises(ValueError, match="max_chars"):
        ChunkingPolicy(target_chars=1000, max_chars=900)
