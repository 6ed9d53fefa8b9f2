"""Which embedding model the knowledge base uses (``ENGIUM_EMBEDDINGS_*``), nested in Settings."""

from __future__ import annotations

from typing import Literal

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class EmbeddingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ENGIUM_EMBEDDINGS_", extra="ignore")

    # local: the bundled all-MiniLM-L6-v2, offline. openai: an OpenAI-compatible /embeddings endpoint
    # that can return 384-dimension vectors (e.g. text-embedding-3-small with dimensions=384).
    # Changing it means re-ingesting every document: vectors of two models are not comparable.
    provider: Literal["local", "openai"] = "local"
    base_url: str = "https://api.openai.com/v1"
    model: str = "text-embedding-3-small"
    api_key: SecretStr | None = None
    timeout_seconds: float = 30.0
