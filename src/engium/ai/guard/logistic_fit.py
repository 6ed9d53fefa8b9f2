"""Fitting the learned layer's logistic regression: dense embedding features plus sparse hashed n-grams.

NumPy only (no SciPy, no scikit-learn): the sparse part is kept as CSR arrays, and the two products the
gradient needs are a gather and a ``bincount``. Full-batch Adam with a fixed number of steps from zero
weights, on one BLAS thread, so a fit is deterministic: the same rows give the same weights, bit for bit,
on the same NumPy build (the training script checks the shipped file's hash).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float32]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class SparseRows:
    """Rows of (index, value) pairs in CSR form: row i owns ``indices[indptr[i]:indptr[i + 1]]``."""

    indptr: Ints
    indices: Ints
    values: Floats
    width: int

    @classmethod
    def from_rows(cls, rows: Sequence[tuple[Ints, Floats]], width: int) -> SparseRows:
        lengths = np.array([len(i) for i, _ in rows], dtype=np.int64)
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        indices = np.concatenate([i for i, _ in rows]) if rows else np.zeros(0, dtype=np.int64)
        values = np.concatenate([v for _, v in rows]) if rows else np.zeros(0, dtype=np.float32)
        return cls(indptr, indices.astype(np.int64), values.astype(np.float32), width)

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def take(self, rows: Ints) -> SparseRows:
        return SparseRows.from_rows([self.row(int(r)) for r in rows], self.width)

    def row(self, i: int) -> tuple[Ints, Floats]:
        start, end = self.indptr[i], self.indptr[i + 1]
        return self.indices[start:end], self.values[start:end]

    def _row_ids(self) -> Ints:
        return np.repeat(np.arange(len(self), dtype=np.int64), np.diff(self.indptr))

    def dot(self, weights: Floats) -> Floats:
        out: Floats = np.bincount(self._row_ids(), weights=self.values * weights[self.indices],
                                  minlength=len(self)).astype(np.float32)
        return out

    def transpose_dot(self, per_row: Floats) -> Floats:
        out: Floats = np.bincount(self.indices, weights=self.values * per_row[self._row_ids()],
                                  minlength=self.width).astype(np.float32)
        return out


@dataclass(frozen=True)
class FitSettings:
    steps: int = 400
    learning_rate: float = 0.05
    dense_l2: float = 1e-3  # per unit of total sample weight
    sparse_l2: float = 3e-3  # n-grams are many and each rare: they need the stronger pull towards zero


@dataclass(frozen=True)
class LogisticWeights:
    dense: Floats
    sparse: Floats
    bias: float

    def logits(self, dense: Floats, sparse: SparseRows) -> Floats:
        out: Floats = (dense @ self.dense + sparse.dot(self.sparse) + np.float32(self.bias)).astype(np.float32)
        return out


def fit_logistic(dense: Floats, sparse: SparseRows, labels: Floats, sample_weights: Floats,
                 settings: FitSettings = FitSettings()) -> LogisticWeights:
    """Weighted logistic regression with L2, by full-batch Adam from zero (deterministic)."""
    total = float(sample_weights.sum())
    w = sample_weights.astype(np.float32) / np.float32(total)
    params = [np.zeros(dense.shape[1], dtype=np.float32), np.zeros(sparse.width, dtype=np.float32),
              np.zeros(1, dtype=np.float32)]
    first = [np.zeros_like(p) for p in params]
    second = [np.zeros_like(p) for p in params]
    beta1, beta2, eps = np.float32(0.9), np.float32(0.999), np.float32(1e-8)
    for step in range(1, settings.steps + 1):
        z = dense @ params[0] + sparse.dot(params[1]) + params[2][0]
        p = (1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))).astype(np.float32)
        residual = (w * (p - labels)).astype(np.float32)
        grads = [
            dense.T @ residual + np.float32(settings.dense_l2) * params[0],
            sparse.transpose_dot(residual) + np.float32(settings.sparse_l2) * params[1],
            np.array([residual.sum()], dtype=np.float32),
        ]
        rate = np.float32(settings.learning_rate * np.sqrt(1 - 0.999**step) / (1 - 0.9**step))
        for param, grad, m, v in zip(params, grads, first, second, strict=True):
            m *= beta1
            m += (1 - beta1) * grad
            v *= beta2
            v += (1 - beta2) * grad * grad
            param -= rate * m / (np.sqrt(v) + eps)
    return LogisticWeights(params[0], params[1], float(params[2][0]))
