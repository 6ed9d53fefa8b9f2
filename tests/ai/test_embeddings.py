"""The bundled embedding model, run without PyTorch, must be the reference model."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from engium.ai.embeddings import (
    DIMENSIONS,
    EmbeddingsUnavailable,
    MiniLMEmbedder,
    ModelFilesMissing,
    OpenAICompatibleEmbedder,
    local_embedder,
)

FIXTURE = Path(__file__).parent / "fixtures" / "minilm_reference.json"


def _reference() -> list[dict[str, object]]:
    cases: list[dict[str, object]] = json.loads(FIXTURE.read_text(encoding="utf-8"))["cases"]
    return cases


def test_vectors_match_the_reference_implementation() -> None:
    cases = _reference()
    texts = [str(case["text"]) for case in cases]
    ours = local_embedder().embed(texts)
    expected = np.array([case["vector"] for case in cases], dtype=np.float64)
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    cosines = np.sum(ours.astype(np.float64) * expected, axis=1)
    assert cosines.min() >= 0.9999, dict(zip(texts, cosines.round(6).tolist(), strict=True))


def test_batching_and_order_do_not_change_a_vector() -> None:
    texts = [str(case["text"]) for case in _reference()]
    together = local_embedder().embed(texts)
    one_by_one = np.vstack([local_embedder().embed([t]) for t in reversed(texts)])[::-1]
    assert np.allclose(together, one_by_one, atol=1e-5)


def test_vectors_are_unit_length_with_384_dimensions() -> None:
    vectors = local_embedder().embed(["opening hours", "price of a men's haircut"])
    assert vectors.shape == (2, DIMENSIONS)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_similar_questions_are_closer_than_unrelated_ones() -> None:
    hours, also_hours, price = local_embedder().embed(
        ["When are you open?", "What are your opening hours?", "How much is a beard trim?"]
    )
    assert float(hours @ also_hours) > float(hours @ price) + 0.2


def test_no_texts_give_an_empty_matrix() -> None:
    assert local_embedder().embed([]).shape == (0, DIMENSIONS)


def test_loading_needs_neither_torch_nor_sentence_transformers_and_takes_under_a_second() -> None:
    # A fresh interpreter: importing and loading the model must not pull in the heavy stack.
    probe = (
        "import sys, time\n"
        "t = time.perf_counter()\n"
        "from engium.ai.embeddings import MiniLMEmbedder\n"
        "e = MiniLMEmbedder()\n"
        "e.embed(['warm up'])\n"
        "print(time.perf_counter() - t, e.load_seconds)\n"
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split("\n")
    _, load_seconds = (float(v) for v in out[0].split())
    assert out[1] == "[]"
    # The model load itself; the interpreter's own import of NumPy is not the model's cost.
    assert load_seconds < 1.0


def test_a_directory_without_the_model_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(ModelFilesMissing, match="No all-MiniLM-L6-v2 weights"):
        MiniLMEmbedder(tmp_path)


class _EmbeddingsEndpoint(BaseHTTPRequestHandler):
    """An OpenAI-shaped /v1/embeddings endpoint serving the local model's vectors (offline stand-in)."""

    dimensions = DIMENSIONS
    seen: list[dict[str, object]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
        vectors = local_embedder().embed(body["input"])[:, : self.dimensions] * 3.0  # not unit length
        data = [{"index": i, "embedding": v.tolist()} for i, v in reversed(list(enumerate(vectors)))]
        payload = json.dumps({"data": data, "model": body["model"]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def embeddings_endpoint() -> Iterator[tuple[str, type[_EmbeddingsEndpoint]]]:
    handler = type("Handler", (_EmbeddingsEndpoint,), {"seen": [], "dimensions": DIMENSIONS})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1", handler
    server.shutdown()
    server.server_close()


def test_openai_compatible_provider_asks_for_384_dimensions_and_normalises(
    embeddings_endpoint: tuple[str, type[_EmbeddingsEndpoint]],
) -> None:
    url, handler = embeddings_endpoint
    remote = OpenAICompatibleEmbedder(url, "text-embedding-3-small", "sk-test-key")
    vectors = remote.embed(["opening hours", "beard trim"])
    assert np.allclose(vectors, local_embedder().embed(["opening hours", "beard trim"]), atol=1e-5)
    assert handler.seen == [
        {
            "path": "/v1/embeddings", "auth": "Bearer sk-test-key", "model": "text-embedding-3-small",
            "input": ["opening hours", "beard trim"], "dimensions": DIMENSIONS,
        }
    ]


def test_openai_compatible_provider_refuses_vectors_of_another_size(
    embeddings_endpoint: tuple[str, type[_EmbeddingsEndpoint]],
) -> None:
    url, handler = embeddings_endpoint
    handler.dimensions = 256
    with pytest.raises(EmbeddingsUnavailable, match="384 dimensions are required") as caught:
        OpenAICompatibleEmbedder(url, "m", "sk-secret-value").embed(["hello"])
    assert "sk-secret-value" not in str(caught.value)


def test_an_unreachable_endpoint_is_a_clear_error_without_the_key() -> None:
    with pytest.raises(EmbeddingsUnavailable, match="unreachable") as caught:
        OpenAICompatibleEmbedder("http://127.0.0.1:9/v1", "m", "sk-secret-value", timeout=2).embed(["hi"])
    assert "sk-secret-value" not in str(caught.value)
