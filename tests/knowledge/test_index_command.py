"""`engium knowledge index` as an operator runs it: a separate process against a data directory."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.runner import engium


@pytest.fixture(scope="module")
def index_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    data_dir = tmp_path_factory.mktemp("knowledge-cli")
    yield data_dir
    engium(data_dir, "db", "stop")


def test_index_reports_a_small_tenant_and_refuses_an_unknown_one(index_data_dir: Path) -> None:
    created = engium(index_data_dir, "tenant", "create", "Tiny Salon", "--owner-email", "o@tiny.example", "--json")
    assert created.returncode == 0, created.stderr
    tenant = json.loads(created.stdout)["id"]

    indexed = engium(index_data_dir, "knowledge", "index", "--tenant", tenant, "--json")
    assert indexed.returncode == 0, indexed.stderr
    report = json.loads(indexed.stdout)
    assert (report["chunks"], report["threshold"], report["built"], report["indexed"]) == (0, 10_000, False, False)
    assert report["partition"] == "knowledge_chunks_" + tenant.replace("-", "")

    unknown = engium(index_data_dir, "knowledge", "index", "--tenant", "00000000-0000-0000-0000-000000000000")
    assert unknown.returncode == 2
    assert "not found" in unknown.stderr
    assert "Traceback" not in unknown.stderr

    bad_memory = engium(index_data_dir, "knowledge", "index", "--tenant", tenant, "--maintenance-work-mem", "lots")
    assert bad_memory.returncode == 2
    assert "maintenance_work_mem" in bad_memory.stderr
