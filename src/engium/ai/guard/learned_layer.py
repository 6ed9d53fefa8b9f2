"""The detector's learned layer: a logistic regression over sentence embeddings and hashed n-grams.

For a text it reads the segments (``segments.py``: sentences, head and tail of a long text), embeds them
with the multilingual encoder (``sentence_encoder.py``) in one call, and scores each segment and the whole
text (the mean of the segment vectors, with the n-grams of all segments). The text's logit is the highest
of those: an injected sentence inside a polite request scores as itself.

The weights ship in the package (``learned_guard.npy``, float16: 512 embedding weights, 32,768 n-gram
bucket weights, the bias) with ``learned_guard.json`` (how they were made and their SHA-256). They are
written by ``tools/guard_training/train.py``, which reproduces the same file from the same corpus.

``flag_logit`` is where the layer alone flags a text: the detector turns ``logit - flag_logit`` into
evidence, so that the layer's own flag point sits at the detector's 0.5. It is set high on purpose (ADR
0019): over-defence is a learned model's failure mode, and a front desk must not treat customers who say
"ignore my last message" as attackers.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from engium.ai.guard.segments import segments
from engium.ai.guard.text_features import BUCKETS, hashed_features

Floats = npt.NDArray[np.float32]
WEIGHTS_FILE = Path(__file__).with_name("learned_guard.npy")
METADATA_FILE = Path(__file__).with_name("learned_guard.json")
_CACHE_SIZE = 2_048


class SentenceEncoder(Protocol):
    @property
    def dimensions(self) -> int: ...

    def encode(self, texts: Sequence[str]) -> Floats: ...


@dataclass(frozen=True)
class TextFeatures:
    """What the layer reads of one text: its segments' vectors and n-grams, and the whole text's."""

    segment_vectors: Floats  # (segments, dimensions), unit rows
    segment_ngrams: tuple[tuple[npt.NDArray[np.int64], Floats], ...]
    whole_vector: Floats  # normalised mean of the segment vectors
    whole_ngrams: tuple[npt.NDArray[np.int64], Floats]


def features_from_vectors(parts: Sequence[str], vectors: Floats) -> TextFeatures:
    """The features of a text cut into ``parts``, whose embeddings are ``vectors`` (one row each)."""
    mean = vectors.sum(axis=0)
    whole: Floats = (mean / max(float(np.linalg.norm(mean)), 1e-9)).astype(np.float32)
    return TextFeatures(vectors, tuple(hashed_features(p) for p in parts), whole, hashed_features(" ".join(parts)))


@dataclass(frozen=True)
class LearnedModel:
    dense: Floats  # (dimensions,)
    sparse: Floats  # (BUCKETS,)
    bias: float
    flag_logit: float  # the layer's own flag point (its logit at the detector's 0.5)

    def _logit(self, vector: Floats, ngrams: tuple[npt.NDArray[np.int64], Floats]) -> float:
        indices, values = ngrams
        return float(vector @ self.dense) + float(values @ self.sparse[indices]) + self.bias

    def logit(self, features: TextFeatures) -> float:
        """The most suspicious of the whole text and each of its segments."""
        best = self._logit(features.whole_vector, features.whole_ngrams)
        if len(features.segment_ngrams) > 1:
            for vector, ngrams in zip(features.segment_vectors, features.segment_ngrams, strict=True):
                best = max(best, self._logit(vector, ngrams))
        return best

    def to_array(self) -> npt.NDArray[np.float16]:
        return np.concatenate([self.dense, self.sparse, [self.bias, self.flag_logit]]).astype(np.float16)

    @classmethod
    def from_array(cls, array: npt.NDArray[np.float16], dimensions: int) -> LearnedModel:
        values = array.astype(np.float32)
        if values.shape != (dimensions + BUCKETS + 2,):
            raise ValueError(f"learned guard weights have shape {values.shape}, expected {dimensions + BUCKETS + 2}")
        return cls(values[:dimensions], values[dimensions:-2], float(values[-2]), float(values[-1]))

    def save(self, path: Path) -> str:
        """Write the weights (a plain .npy: no timestamps, so the same weights give the same bytes)."""
        np.save(path, self.to_array(), allow_pickle=False)
        return hashlib.sha256(path.read_bytes()).hexdigest()


def weights_digest(path: Path = WEIGHTS_FILE) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@cache
def shipped_model(dimensions: int = 512) -> LearnedModel:
    """The weights in the package, checked against the digest recorded beside them."""
    recorded = json.loads(METADATA_FILE.read_text(encoding="utf-8"))["weights_sha256"]
    if weights_digest() != recorded:
        raise ValueError("learned_guard.npy does not match the SHA-256 in learned_guard.json")
    return LearnedModel.from_array(np.load(WEIGHTS_FILE, allow_pickle=False), dimensions)


class LearnedLayer:
    """Scores texts with the learned model; thread-safe. Scores of recent texts are kept (by SHA-256 of the
    text), so a retrieved chunk screened on every turn that retrieves it is embedded once."""

    def __init__(self, encoder: SentenceEncoder | None = None, model: LearnedModel | None = None) -> None:
        self._encoder = encoder
        self._model = model
        self._lock = threading.Lock()
        self._recent: OrderedDict[bytes, float] = OrderedDict()

    def _parts(self) -> tuple[SentenceEncoder, LearnedModel]:
        with self._lock:
            if self._encoder is None:
                from engium.ai.guard.sentence_encoder import shared_encoder

                self._encoder = shared_encoder()
            if self._model is None:
                self._model = shipped_model(self._encoder.dimensions)
            return self._encoder, self._model

    def warm_up(self) -> None:
        encoder, _ = self._parts()
        encoder.encode(["warm up"])

    def features(self, text: str) -> TextFeatures:
        encoder, _ = self._parts()
        parts = segments(text)
        return features_from_vectors(parts, encoder.encode(parts))

    def evidence(self, text: str) -> float:
        """Log-odds evidence: 0 at the layer's own flag point, positive above it."""
        key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
        with self._lock:
            if key in self._recent:
                self._recent.move_to_end(key)
                return self._recent[key]
        _, model = self._parts()
        value = model.logit(self.features(text)) - model.flag_logit
        with self._lock:
            self._recent[key] = value
            if len(self._recent) > _CACHE_SIZE:
                self._recent.popitem(last=False)
        return value


_shared_lock = threading.Lock()


@cache
def _shared() -> LearnedLayer:
    return LearnedLayer()


def shared_layer() -> LearnedLayer:
    """The process-wide layer (the encoder loads on first use)."""
    with _shared_lock:
        return _shared()
