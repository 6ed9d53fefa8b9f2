"""Root key providers: the key file (0600, refused when readable by others) and the environment."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest
from pydantic import SecretStr

from engium.config import Settings
from engium.crypto.envelope import DecryptionError
from engium.crypto.keyfile import KEY_FILE_NAME, KeyFileProvider
from engium.crypto.keyring import root_key_provider
from engium.crypto.providers import EnvironmentKeyProvider, KeyProviderError
from engium.crypto.secret import SecretBytes

DATA_KEY = SecretBytes(os.urandom(32))


def test_the_key_file_is_created_private_and_reused(tmp_path: Path) -> None:
    provider = KeyFileProvider(tmp_path / KEY_FILE_NAME)
    key_id = provider.active_key_id()
    assert (tmp_path / KEY_FILE_NAME).stat().st_mode & 0o777 == 0o600
    wrapped = provider.wrap(DATA_KEY, b"context")
    again = KeyFileProvider(tmp_path / KEY_FILE_NAME)
    assert again.active_key_id() == key_id
    assert again.unwrap(wrapped, b"context") == DATA_KEY
    with pytest.raises(DecryptionError):
        again.unwrap(wrapped, b"another context")
    assert "keys" in json.loads((tmp_path / KEY_FILE_NAME).read_text())


def test_a_key_file_readable_by_others_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / KEY_FILE_NAME
    KeyFileProvider(path).active_key_id()
    path.chmod(0o644)
    with pytest.raises(KeyProviderError) as caught:
        KeyFileProvider(path).active_key_id()
    message = str(caught.value)
    assert "chmod 600" in message
    assert "644" in message
    secret_material = json.loads(path.read_text())["keys"]
    assert not any(v in message for v in secret_material.values())


def test_rotation_keeps_old_keys_readable_until_forgotten(tmp_path: Path) -> None:
    provider = KeyFileProvider(tmp_path / KEY_FILE_NAME)
    old = provider.active_key_id()
    wrapped = provider.wrap(DATA_KEY, b"c")
    # A second process (the server) holding the file open notices the change.
    server_view = KeyFileProvider(tmp_path / KEY_FILE_NAME)
    assert server_view.active_key_id() == old
    new = provider.create_active_key()
    assert new != old
    assert server_view.active_key_id() == new
    assert set(server_view.key_ids()) == {old, new}
    assert server_view.unwrap(wrapped, b"c") == DATA_KEY
    assert server_view.wrap(DATA_KEY, b"c").root_key_id == new
    with pytest.raises(KeyProviderError):
        provider.forget(new)
    assert provider.forget(old)
    with pytest.raises(DecryptionError):
        server_view.unwrap(wrapped, b"c")
    assert (tmp_path / KEY_FILE_NAME).stat().st_mode & 0o777 == 0o600


def test_a_corrupt_key_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / KEY_FILE_NAME
    path.write_text('{"format": "engium-root-keys-v1", "active": "x", "keys": {"x": "not base64!"}}')
    path.chmod(0o600)
    with pytest.raises(KeyProviderError, match="not a valid Engium root keyring"):
        KeyFileProvider(path).active_key_id()


def encoded_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def test_environment_provider_wraps_and_keeps_previous_keys_readable() -> None:
    old, new = encoded_key(), encoded_key()
    before = EnvironmentKeyProvider(old)
    wrapped = before.wrap(DATA_KEY, b"c")
    after = EnvironmentKeyProvider(new, previous=old)
    assert after.active_key_id() != before.active_key_id()
    assert set(after.key_ids()) == {before.active_key_id(), after.active_key_id()}
    assert after.unwrap(wrapped, b"c") == DATA_KEY
    assert EnvironmentKeyProvider(old).active_key_id() == before.active_key_id()  # stable id
    with pytest.raises(DecryptionError):
        EnvironmentKeyProvider(new).unwrap(wrapped, b"c")
    with pytest.raises(KeyProviderError, match="ENGIUM_ROOT_KEY"):
        after.create_active_key()
    assert after.forget(before.active_key_id()) is False
    assert old not in repr(after)


@pytest.mark.parametrize("value", ["not base64 at all!", base64.b64encode(b"short").decode()])
def test_environment_provider_rejects_bad_keys_without_echoing_them(value: str) -> None:
    with pytest.raises(KeyProviderError) as caught:
        EnvironmentKeyProvider(value)
    assert value not in str(caught.value)
    assert "ENGIUM_ROOT_KEY" in str(caught.value)


def test_settings_choose_the_provider(tmp_path: Path) -> None:
    key = encoded_key()
    from_env = root_key_provider(Settings(data_dir=tmp_path, root_key=SecretStr(key)))
    assert isinstance(from_env, EnvironmentKeyProvider)
    assert key not in repr(Settings(data_dir=tmp_path, root_key=SecretStr(key)))
    from_file = root_key_provider(Settings(data_dir=tmp_path))
    assert isinstance(from_file, KeyFileProvider)
    assert from_file.path == tmp_path.resolve() / KEY_FILE_NAME
