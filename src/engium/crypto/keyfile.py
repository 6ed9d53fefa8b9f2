"""The default root key provider: a keyring file (mode 0600) in the data directory.

The file holds every root key that may still unwrap data keys and names the active one, so a
rotation can add a key, re-wrap, and only then drop the old key. Other processes (``engium serve``
while an operator runs ``engium keys rotate-root``) notice changes: the file is re-read whenever its
size or modification time changes.
"""

from __future__ import annotations

import base64
import json
import os
import stat
import threading
from pathlib import Path
from typing import Any

from engium.crypto.envelope import KEY_BYTES
from engium.crypto.providers import KeyProviderError, LocalRootKeys, WrappedKey, new_key_id
from engium.crypto.secret import SecretBytes

FILE_FORMAT = "engium-root-keys-v1"
KEY_FILE_NAME = "root-keys.json"


class KeyFileProvider:
    name = "key-file"

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._keys: LocalRootKeys | None = None

    def __repr__(self) -> str:
        return f"KeyFileProvider(path={str(self.path)!r})"

    # -- the protocol -------------------------------------------------------------------------------

    def active_key_id(self) -> str:
        return self._current().active

    def key_ids(self) -> tuple[str, ...]:
        return tuple(sorted(self._current().keys))

    def wrap(self, data_key: SecretBytes, context: bytes) -> WrappedKey:
        return self._current().wrap(data_key, context)

    def unwrap(self, wrapped: WrappedKey, context: bytes) -> SecretBytes:
        return self._current().unwrap(wrapped, context)

    def create_active_key(self) -> str:
        with self._lock:
            keys = self._load_locked()
            key_id = new_key_id()
            updated = LocalRootKeys({**keys.keys, key_id: SecretBytes(os.urandom(KEY_BYTES))}, key_id)
            self._write(updated)
            return key_id

    def forget(self, key_id: str) -> bool:
        with self._lock:
            keys = self._load_locked()
            if key_id == keys.active:
                raise KeyProviderError("the active root key cannot be removed")
            if key_id not in keys.keys:
                return True
            self._write(LocalRootKeys({k: v for k, v in keys.keys.items() if k != key_id}, keys.active))
            return True

    # -- the file -----------------------------------------------------------------------------------

    def _current(self) -> LocalRootKeys:
        with self._lock:
            return self._load_locked()

    def _load_locked(self) -> LocalRootKeys:
        try:
            info = self.path.stat()
        except FileNotFoundError:
            self._create()
            info = self.path.stat()
        stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
        if self._keys is not None and stamp == self._stamp:
            return self._keys
        self._check_permissions(info)
        self._keys = self._parse(self.path.read_bytes())
        self._stamp = stamp
        return self._keys

    def _check_permissions(self, info: os.stat_result) -> None:
        mode = stat.S_IMODE(info.st_mode)
        if mode & 0o077:
            raise KeyProviderError(
                f"{self.path} is accessible by other users (mode {mode:o}); the root keys must be private: "
                f"run `chmod 600 {self.path}`"
            )
        if not stat.S_ISREG(info.st_mode):
            raise KeyProviderError(f"{self.path} is not a regular file")

    def _parse(self, raw: bytes) -> LocalRootKeys:
        try:
            document: dict[str, Any] = json.loads(raw)
            if document.get("format") != FILE_FORMAT:
                raise ValueError("format")
            keys = {str(k): SecretBytes(base64.b64decode(v, validate=True)) for k, v in document["keys"].items()}
            return LocalRootKeys(keys, str(document["active"]))
        except (ValueError, KeyError, TypeError, AttributeError):
            # No detail from the parser: its message could quote part of the file.
            raise KeyProviderError(f"{self.path} is not a valid Engium root keyring") from None

    def _create(self) -> None:
        key_id = new_key_id()
        content = self._serialise(LocalRootKeys({key_id: SecretBytes(os.urandom(KEY_BYTES))}, key_id))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # O_EXCL: two processes starting at once must not both create (and one overwrite) a keyring.
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())

    def _write(self, keys: LocalRootKeys) -> None:
        """Atomic replace: a crash leaves either the old or the new keyring, never half of one."""
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(self._serialise(keys))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
        finally:
            temporary.unlink(missing_ok=True)
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        self._keys, self._stamp = None, None

    @staticmethod
    def _serialise(keys: LocalRootKeys) -> bytes:
        document = {
            "format": FILE_FORMAT,
            "active": keys.active,
            "keys": {k: base64.b64encode(v.reveal()).decode() for k, v in sorted(keys.keys.items())},
        }
        return json.dumps(document, indent=2).encode() + b"\n"
