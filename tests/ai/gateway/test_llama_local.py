"""The in-process llama.cpp provider. llama-cpp-python is a test requirement (the ``dev`` extra): if it
is missing these tests fail rather than skip, so a broken install cannot pass as green."""

from __future__ import annotations

from pathlib import Path

import pytest

from engium.ai.gateway import (
    ChatMessage,
    ChatRequest,
    ModelSettings,
    ProviderUnavailable,
    TenantModelPolicy,
    build_gateway,
)
from engium.ai.gateway.llama_local import file_sha256
from engium.ai.gateway.settings import SHIPPED_GGUF_SHA256


def test_the_shipped_model_runs_in_process_and_counts_as_no_training(shipped_gguf: Path) -> None:
    gateway = build_gateway(ModelSettings(provider="llama-cpp", llama_threads=2))
    assert gateway is not None
    request = ChatRequest(
        messages=(
            ChatMessage("system", "You are the front desk of a hair salon. Answer briefly."),
            ChatMessage("user", "Do you cut children's hair?"),
        ),
        data_categories=frozenset({"customer_message"}),
        max_tokens=16,
    )

    # A tenant that refuses retention may still use it: nothing leaves the process.
    result = gateway.complete(TenantModelPolicy(accept_retention=False), request)

    assert result.text.strip()
    receipt = result.receipt
    assert (receipt.provider, receipt.model, receipt.endpoint_host) == ("llama-cpp", "SmolLM2-135M-Instruct", "local")
    assert receipt.storage is False
    assert receipt.prompt_tokens > 0
    assert 0 < receipt.completion_tokens <= 16


def test_the_default_hash_is_the_hash_of_the_shipped_file(shipped_gguf: Path) -> None:
    assert file_sha256(shipped_gguf) == SHIPPED_GGUF_SHA256


def test_a_model_file_with_another_hash_is_refused_before_it_is_loaded(tmp_path: Path) -> None:
    swapped = tmp_path / "model.gguf"
    swapped.write_bytes(b"GGUF not the model you configured")

    with pytest.raises(ProviderUnavailable, match="refusing to load"):
        build_gateway(ModelSettings(provider="llama-cpp", llama_model_path=swapped, llama_model_sha256="0" * 64))


def test_an_own_model_file_needs_its_hash() -> None:
    with pytest.raises(ValueError, match="LLAMA_MODEL_SHA256"):
        ModelSettings(provider="llama-cpp", llama_model_path=Path("/models/other.gguf"))
