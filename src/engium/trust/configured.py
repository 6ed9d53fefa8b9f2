"""The operator's part of the register, read from the running process's settings."""

from __future__ import annotations

from starlette.requests import Request

from engium.kit.app_state import runtime_of
from engium.trust.catalog import RemoteModels
from engium.trust.register import OperatorConfig


def operator_config(request: Request) -> OperatorConfig:
    settings = runtime_of(request).settings
    return OperatorConfig(settings.subprocessors, RemoteModels(
        provider=settings.ai.provider, base_url=settings.ai.resolved_base_url,
        redacts_personal_data=settings.ai.redact_personal_data, embeddings_provider=settings.embeddings.provider,
        embeddings_base_url=settings.embeddings.base_url,
    ))
