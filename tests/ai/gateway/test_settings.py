"""Operator configuration of the gateway (ENGIUM_AI_*) and Runtime.gateway."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from engium.ai.gateway import ModelGateway, ModelSettings
from engium.config import Settings
from engium.kit.database import Database
from engium.runtime import Runtime


def test_the_default_is_the_grounded_responder_and_no_gateway(data_dir: Path, database: Database) -> None:
    settings = Settings(data_dir=data_dir)

    assert settings.ai.provider == "grounded"
    assert Runtime(settings=settings, database=database).gateway is None


def test_environment_variables_configure_an_openai_compatible_endpoint(
    monkeypatch: pytest.MonkeyPatch, data_dir: Path, database: Database
) -> None:
    monkeypatch.setenv("ENGIUM_AI_PROVIDER", "openai")
    monkeypatch.setenv("ENGIUM_AI_BASE_URL", "http://127.0.0.1:11434/v1")
    monkeypatch.setenv("ENGIUM_AI_MODEL", "llama3.2")
    monkeypatch.setenv("ENGIUM_AI_API_KEY", "sk-from-the-environment")
    monkeypatch.setenv("ENGIUM_AI_NO_TRAINING", "true")
    monkeypatch.setenv("ENGIUM_AI_REDACT_PERSONAL_DATA", "true")

    settings = Settings(data_dir=data_dir)
    gateway = Runtime(settings=settings, database=database).gateway

    assert isinstance(gateway, ModelGateway)
    assert (gateway.provider_name, gateway.model, gateway.storage) == ("openai", "llama3.2", False)
    assert settings.ai.redact_personal_data is True
    assert "sk-from-the-environment" not in repr(settings)
    assert "sk-from-the-environment" not in repr(gateway)


def test_the_public_endpoints_are_the_defaults() -> None:
    assert ModelSettings(provider="openai", model="gpt-4o-mini").resolved_base_url == "https://api.openai.com/v1"
    anthropic = ModelSettings(provider="anthropic", model="claude-test", api_key="sk-ant-x")
    assert anthropic.resolved_base_url == "https://api.anthropic.com"


@pytest.mark.parametrize(
    "base_url",
    ["ftp://models.example.com", "https://user:pass@models.example.com/v1", "https://models.example.com/v1?key=x"],
)
def test_base_urls_with_credentials_or_queries_are_refused(base_url: str) -> None:
    with pytest.raises(ValidationError) as invalid:
        ModelSettings(provider="openai", model="m", base_url=base_url)
    assert "pass@" not in str(invalid.value)


def test_a_remote_provider_needs_a_model_name() -> None:
    with pytest.raises(ValidationError, match="ENGIUM_AI_MODEL"):
        ModelSettings(provider="openai")
