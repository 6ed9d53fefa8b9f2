"""The detector's similarity layer: how close a text sits to known attack patterns in embedding space.

Nearest-neighbour evidence against *two* corpora (attack patterns and benign front-desk messages, both in
``attack_corpus``): a text is pushed towards "attack" only when it is closer to the attacks than to what
customers ordinarily write, which keeps "forget it, just book me for 3pm" from looking like "forget your
instructions". A forward pass of the local model costs about 10 ms for a short message on one core
(more for long ones; inputs are cut at 256 tokens), so the detector calls this only for uncertain texts.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from engium.ai.embeddings import EmbeddingProvider, Matrix, local_embedder
from engium.ai.guard.attack_corpus import ATTACK_PATTERNS, BENIGN_MESSAGES

_TOP_K = 3
# Evidence per unit of (attack similarity - benign similarity), and its bounds: similarity alone can
# tip an uncertain text either way, but never outweighs a strong rule.
_SCALE = 15.0
_MAX_PUSH = 3.0
_MAX_PULL = -2.0
_MAX_CHARS = 2_000  # the model reads at most 256 tokens anyway


class SimilarityLayer:
    def __init__(
        self,
        embedder: EmbeddingProvider,
        attacks: Sequence[str] = ATTACK_PATTERNS,
        benign: Sequence[str] = BENIGN_MESSAGES,
    ) -> None:
        self._embedder = embedder
        self._attack_texts = tuple(attacks)
        self._benign_texts = tuple(benign)
        self._lock = threading.Lock()
        self._corpora: tuple[Matrix, Matrix] | None = None

    @classmethod
    def local(cls) -> SimilarityLayer:
        return cls(local_embedder())

    def warm_up(self) -> None:
        self._vectors()

    def _vectors(self) -> tuple[Matrix, Matrix]:
        with self._lock:
            if self._corpora is None:
                self._corpora = (
                    self._embedder.embed(list(self._attack_texts)),
                    self._embedder.embed(list(self._benign_texts)),
                )
            return self._corpora

    def similarities(self, text: str) -> tuple[float, float]:
        """Mean cosine similarity of ``text`` to its nearest attack patterns and nearest benign messages."""
        attacks, benign = self._vectors()
        vector = self._embedder.embed([text[:_MAX_CHARS]])[0]

        def top(matrix: Matrix) -> float:
            sims = matrix @ vector
            k = min(_TOP_K, len(sims))
            return float(np.sort(sims)[-k:].mean())

        return top(attacks), top(benign)

    def evidence(self, text: str) -> float:
        """Log-odds evidence: positive when ``text`` is nearer the attack patterns than benign messages."""
        attack, benign = self.similarities(text)
        return float(np.clip(_SCALE * (attack - benign), _MAX_PULL, _MAX_PUSH))
