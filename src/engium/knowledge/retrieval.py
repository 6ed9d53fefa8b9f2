"""Hybrid retrieval over one tenant's knowledge: vector and full text, fused by reciprocal rank fusion.

Two candidate lists come from the tenant's own chunk partition (every statement names the tenant as a
bound parameter, so the planner prunes to that partition; RLS still decides what is visible):

* the nearest chunks by cosine distance to the embedded query (exact, or HNSW once the partition has
  an index: then ``hnsw.ef_search`` is raised for recall, see :data:`HNSW_EF_SEARCH`);
* the chunks holding at least two of the query's words (the one word of a one-word query), ranked by
  ``ts_rank``: exact names, prices and codes that embeddings blur. Requiring every word would miss
  most answers to a natural question; accepting any one word would make a word common to a large
  tenant's chunks (its own name) match, and rank, nearly all of them.

Reciprocal rank fusion (Cormack et al., 2009) scores a chunk ``sum(1 / (RRF_K + rank))`` over the
lists it appears in: no score calibration between cosine distance and ts_rank is needed, and a chunk
both lists agree on rises to the top. Each result is a :class:`Citation` that quotes the chunk and
says where in the document's extracted text it sits.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import text
from sqlalchemy.orm import Session

from engium.ai.embeddings import EmbeddingProvider
from engium.knowledge import repository as repo
from engium.knowledge.models import EMBEDDING_DIMENSIONS
from engium.knowledge.parsing import clean_text

# The constant of reciprocal rank fusion; 60 is the value of the original paper and of most engines.
RRF_K = 60
MAX_K = 50
# Each list contributes this many candidates per requested result (at least MIN_CANDIDATES): a chunk
# ranked 15th by vectors but 1st by text must still be in the vector list to be fused.
CANDIDATES_PER_RESULT = 4
MIN_CANDIDATES = 20
# HNSW's search breadth (pgvector's default is 40). `bench/scaling.py --curves retrieval` on a quiet machine
# (6 December 2026, three runs each, fresh data per run): at 100,000 chunks 100 gave recall@10 0.950-0.995,
# once right at the target, and 128 gives 0.983-0.990 at the same p99 (11-16 ms); 160 gave 0.994 but made
# the planner prefer an exact scan (25 ms) over the index at 10,000 chunks. Exact scans of partitions
# without an index ignore it.
HNSW_EF_SEARCH = 128
# A long question's first words are enough for the text leg; its pairwise query grows quadratically.
MAX_QUERY_TERMS = 8


class MatchKind(StrEnum):
    VECTOR = "vector"
    TEXT = "text"
    BOTH = "both"


@dataclass(frozen=True)
class Citation:
    """One retrieved chunk: what it says, and where in which document it says it.

    ``content`` is ``document.content[start_offset:end_offset]`` of the document's extracted text.
    ``score`` is the fused reciprocal-rank score (higher is better; at most ``2 / (RRF_K + 1)``).
    """

    document_id: uuid.UUID
    document_title: str
    chunk_id: uuid.UUID
    ordinal: int
    start_offset: int
    end_offset: int
    content: str
    score: float
    matched_by: MatchKind


def candidate_count(k: int) -> int:
    return max(MIN_CANDIDATES, CANDIDATES_PER_RESULT * k)


def tune_vector_search(session: Session, candidates: int) -> None:
    """Raises HNSW's search breadth for this transaction (``set_config(..., true)`` = ``SET LOCAL``).

    ``hnsw.iterative_scan`` (pgvector 0.8+) lets a scan continue past ``ef_search`` when rows are
    filtered out after the index; strict order keeps results sorted by distance. The setting is a
    placeholder until pgvector is loaded in the backend, so it is safe on any version: older ones
    never read it."""
    session.execute(
        text("select set_config('hnsw.ef_search', :ef, true), set_config('hnsw.iterative_scan', 'strict_order', true)"),
        {"ef": str(max(HNSW_EF_SEARCH, candidates))},
    )


def nearest(session: Session, tenant_id: uuid.UUID, embedding: Sequence[float], k: int) -> list[repo.ScoredChunk]:
    """The k nearest chunks of the tenant, with the search settings retrieval uses."""
    tune_vector_search(session, k)
    return repo.nearest_chunks(session, tenant_id, embedding, k)


def tsquery_literal(lexeme: str) -> str:
    """A lexeme quoted for tsquery input: backslash and quote escaped, so no operator inside it counts."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def pairwise_tsquery(lexemes: Sequence[str]) -> str | None:
    """A tsquery matching any two of the (first MAX_QUERY_TERMS distinct) lexemes: ``(a & b) | (a & c) |
    (b & c)``; one lexeme alone when there is only one; None when there is none (only stop words)."""
    terms = [tsquery_literal(t) for t in dict.fromkeys(lexemes)][:MAX_QUERY_TERMS]
    if len(terms) <= 1:
        return terms[0] if terms else None
    return " | ".join(f"({a} & {b})" for a, b in itertools.combinations(terms, 2))


def text_candidates(session: Session, tenant_id: uuid.UUID, query: str, k: int) -> list[repo.ScoredChunk]:
    """The text leg: the tenant's chunks holding at least two of the query's words, best ts_rank first."""
    tsquery = pairwise_tsquery(repo.query_lexemes(session, query))
    return [] if tsquery is None else repo.matching_chunks(session, tenant_id, tsquery, k)


def fuse(
    vector_hits: Sequence[repo.ScoredChunk], text_hits: Sequence[repo.ScoredChunk], k: int
) -> list[tuple[repo.ScoredChunk, float, MatchKind]]:
    """Reciprocal rank fusion of two ranked lists. Equal scores go to the better vector rank (the
    embedding judges meaning, full text only words), then the better text rank, then the chunk id."""
    unranked = len(vector_hits) + len(text_hits) + 1
    scores: dict[uuid.UUID, float] = {}
    chunks: dict[uuid.UUID, repo.ScoredChunk] = {}
    ranks: dict[uuid.UUID, dict[MatchKind, int]] = {}
    for kind, hits in ((MatchKind.VECTOR, vector_hits), (MatchKind.TEXT, text_hits)):
        for rank, chunk in enumerate(hits, start=1):
            scores[chunk.id] = scores.get(chunk.id, 0.0) + 1.0 / (RRF_K + rank)
            chunks.setdefault(chunk.id, chunk)
            ranks.setdefault(chunk.id, {})[kind] = rank

    def order(chunk_id: uuid.UUID) -> tuple[float, int, int, str]:
        seen = ranks[chunk_id]
        return (-scores[chunk_id], seen.get(MatchKind.VECTOR, unranked), seen.get(MatchKind.TEXT, unranked),
                str(chunk_id))

    return [
        (chunks[cid], scores[cid], MatchKind.BOTH if len(ranks[cid]) == 2 else next(iter(ranks[cid])))
        for cid in sorted(scores, key=order)[:k]
    ]


def retrieve(
    session: Session, tenant_id: uuid.UUID, query: str, embedder: EmbeddingProvider, k: int = 5
) -> list[Citation]:
    """The k chunks of ``tenant_id``'s knowledge that best answer ``query``, best first.

    ``session`` must be bound to ``tenant_id`` (RLS): with another tenant bound, nothing is found.
    An empty or blank query finds nothing; ``k`` is clamped to 1..50.
    """
    # The same normalisation as the chunks' text (and no lone surrogates, which nothing downstream takes).
    query = clean_text(query)
    if not query:
        return []
    k = max(1, min(k, MAX_K))
    if embedder.dimensions != EMBEDDING_DIMENSIONS:
        raise ValueError(f"the embedder gives {embedder.dimensions} dimensions; chunks have {EMBEDDING_DIMENSIONS}")
    depth = candidate_count(k)
    embedding = embedder.embed([query])[0]
    vector_hits = nearest(session, tenant_id, embedding.tolist(), depth)
    text_hits = text_candidates(session, tenant_id, query, depth)
    fused = fuse(vector_hits, text_hits, k)
    titles = repo.document_titles(session, tenant_id, sorted({chunk.document_id for chunk, _, _ in fused}))
    return [
        Citation(
            document_id=chunk.document_id,
            document_title=titles.get(chunk.document_id, ""),
            chunk_id=chunk.id,
            ordinal=chunk.ordinal,
            start_offset=chunk.start_offset,
            end_offset=chunk.end_offset,
            content=chunk.content,
            score=score,
            matched_by=kind,
        )
        for chunk, score, kind in fused
    ]
