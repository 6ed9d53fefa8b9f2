"""`engium keys ...` and `engium tenant delete` as an operator runs them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.runner import engium


@pytest.fixture(scope="module")
def keys_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    data_dir = tmp_path_factory.mktemp("keys-cli")
    yield data_dir
    engium(data_dir, "db", "stop")


def test_rotate_rotate_root_and_delete(keys_data_dir: Path) -> None:
    created = engium(keys_data_dir, "tenant", "create", "Shred Me", "--owner-email", "o@shred.example", "--json")
    assert created.returncode == 0, created.stderr
    tenant = json.loads(created.stdout)["id"]

    for expected in (1, 2):  # a tenant without keys gets its first version
        rotated = engium(keys_data_dir, "keys", "rotate", "--tenant", tenant, "--json")
        assert rotated.returncode == 0, rotated.stderr
        assert json.loads(rotated.stdout)["new_version"] == expected
    assert json.loads(rotated.stdout)["retired_versions"] == [1]
    assert (keys_data_dir / "root-keys.json").stat().st_mode & 0o777 == 0o600

    before = json.loads(engium(keys_data_dir, "keys", "status", "--json").stdout)
    root = json.loads(engium(keys_data_dir, "keys", "rotate-root", "--json").stdout)
    assert root["data_keys_rewrapped"] == 2
    assert root["removed_root_keys"] == [before["active_root_key_id"]]
    after = json.loads(engium(keys_data_dir, "keys", "status", "--json").stdout)
    assert after["root_key_ids"] == [root["root_key_id"]]
    assert after["data_keys_by_root_key"] == {root["root_key_id"]: 2}

    deleted = engium(keys_data_dir, "tenant", "delete", tenant, "--yes")
    assert deleted.returncode == 0, deleted.stderr
    assert json.loads(engium(keys_data_dir, "keys", "status", "--json").stdout)["data_keys_by_root_key"] == {}
    again = engium(keys_data_dir, "tenant", "delete", tenant, "--yes")
    assert again.returncode == 2
    assert "not found" in again.stderr


def test_a_key_file_readable_by_others_stops_the_command(keys_data_dir: Path) -> None:
    engium(keys_data_dir, "keys", "status")
    key_file = keys_data_dir / "root-keys.json"
    key_file.chmod(0o644)
    try:
        result = engium(keys_data_dir, "keys", "status")
    finally:
        key_file.chmod(0o600)
    assert result.returncode == 2
    assert "chmod 600" in result.stderr
    assert "Traceback" not in result.stderr
