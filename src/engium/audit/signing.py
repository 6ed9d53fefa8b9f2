"""Checkpoint statements and the Ed25519 key that signs them, kept outside the database.

A checkpoint says "tenant T's chain had head hash H at sequence number S, sealed at time A, by key K".
Whoever controls the database can rewrite events and recompute every hash, but cannot sign a new
checkpoint without the private key, which lives only in a file of the application's host.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from engium.audit.chain import canonical

if TYPE_CHECKING:
    from engium.config import Settings

CHECKPOINT_FORMAT = "engium-audit-checkpoint-v1"
KEY_FILE_NAME = "audit-signing-key.pem"


def format_time(moment: datetime) -> str:
    """The timestamp text used in signed messages (the same shape as events' ``occurred_at``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def key_id_of(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    pem = public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return pem.decode()


@dataclass(frozen=True)
class Checkpoint:
    tenant_id: UUID
    seq: int
    head_hash: bytes
    sealed_at: datetime
    key_id: str
    signature: bytes

    def message(self) -> bytes:
        return checkpoint_message(self.tenant_id, self.seq, self.head_hash, self.sealed_at, self.key_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "tenant_id": str(self.tenant_id),
            "seq": self.seq,
            "head_hash": self.head_hash.hex(),
            "sealed_at": format_time(self.sealed_at),
            "key_id": self.key_id,
            "signature": self.signature.hex(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Checkpoint:
        """Raises ``ValueError``/``KeyError``/``TypeError`` on a malformed record."""
        seq = data["seq"]
        if not isinstance(seq, int) or isinstance(seq, bool):
            raise TypeError("seq must be an integer")
        return cls(
            tenant_id=UUID(data["tenant_id"]),
            seq=seq,
            head_hash=bytes.fromhex(data["head_hash"]),
            sealed_at=datetime.strptime(data["sealed_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC),
            key_id=str(data["key_id"]),
            signature=bytes.fromhex(data["signature"]),
        )

    def same_as(self, other: Checkpoint) -> bool:
        """Equal statements; compares instants, not time-zone representations."""
        return self.to_json() == other.to_json()


def checkpoint_message(tenant_id: UUID, seq: int, head_hash: bytes, sealed_at: datetime, key_id: str) -> bytes:
    return canonical([CHECKPOINT_FORMAT, str(tenant_id), str(seq), head_hash.hex(), format_time(sealed_at), key_id])


def document_message(kind: str, body: str) -> bytes:
    """What is signed for a document other than a checkpoint (a deletion certificate): its kind first, so
    a signature over one kind can never pass for another, nor for a checkpoint."""
    return canonical([kind, body])


class KeyRing:
    """The public keys a verifier trusts, by key id."""

    def __init__(self, keys: Iterable[Ed25519PublicKey] = ()) -> None:
        self.keys = {key_id_of(k): k for k in keys}

    @classmethod
    def from_pems(cls, pems: Iterable[str | bytes]) -> KeyRing:
        keys = []
        for pem in pems:
            key = serialization.load_pem_public_key(pem.encode() if isinstance(pem, str) else pem)
            if not isinstance(key, Ed25519PublicKey):
                raise ValueError("audit checkpoint keys must be Ed25519 public keys")
            keys.append(key)
        return cls(keys)

    def problem(self, checkpoint: Checkpoint) -> str | None:
        """Why the checkpoint's signature is not acceptable, or ``None`` when it is."""
        key = self.keys.get(checkpoint.key_id)
        if key is None:
            return f"checkpoint signed by unknown key {checkpoint.key_id!r}"
        try:
            key.verify(checkpoint.signature, checkpoint.message())
        except InvalidSignature:
            return "checkpoint signature is invalid (forged or altered checkpoint)"
        return None

    def document_problem(self, kind: str, body: str, key_id: str, signature: bytes) -> str | None:
        """Why a signed document (:func:`document_message`) is not acceptable, or ``None`` when it is."""
        key = self.keys.get(key_id)
        if key is None:
            return f"signed by unknown key {key_id!r}"
        try:
            key.verify(signature, document_message(kind, body))
        except InvalidSignature:
            return "the signature is invalid (forged or altered document)"
        return None

    def describe(self) -> list[dict[str, str]]:
        return [{"key_id": kid, "public_key_pem": public_key_pem(k)} for kid, k in self.keys.items()]


class SigningKey:
    """The private checkpoint key. Deliberately has no ``repr`` of its secret and no accessor for it."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private_key = private_key
        self.public_key = private_key.public_key()
        self.key_id = key_id_of(self.public_key)

    def __repr__(self) -> str:
        return f"SigningKey(key_id={self.key_id!r})"

    def sign(self, tenant_id: UUID, seq: int, head_hash: bytes, sealed_at: datetime) -> Checkpoint:
        message = checkpoint_message(tenant_id, seq, head_hash, sealed_at, self.key_id)
        return Checkpoint(tenant_id, seq, head_hash, sealed_at, self.key_id, self._private_key.sign(message))

    def sign_document(self, kind: str, body: str) -> bytes:
        return self._private_key.sign(document_message(kind, body))

    def key_ring(self) -> KeyRing:
        return KeyRing([self.public_key])


def signing_key_path(settings: Settings) -> Path:
    configured = settings.audit_signing_key_file
    return configured.expanduser().resolve() if configured else settings.resolved_data_dir / KEY_FILE_NAME


def _refuse_if_exposed(path: Path) -> None:
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise PermissionError(f"{path} is accessible to other users (mode {mode:o}); run chmod 600 on it")


def load_signing_key(path: Path) -> SigningKey:
    _refuse_if_exposed(path)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return SigningKey(key)


def load_or_create_signing_key(path: Path) -> SigningKey:
    """Loads the key, creating it (mode 0600) on first use; never replaces an existing key."""
    if path.exists():
        return load_signing_key(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # Written under a temporary name, then linked into place: a concurrent starter (serve and
    # worker) either wins the link or loads the winner's complete file, never a half-written one.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return load_signing_key(path)
    finally:
        temporary.unlink(missing_ok=True)
    # The public half, for tenants and auditors who verify exports against a pinned key.
    public_path = path.with_name(path.name + ".pub")
    public_path.write_text(public_key_pem(key.public_key()))
    return SigningKey(key)


def trusted_keys(settings: Settings) -> KeyRing:
    """The verifier's key ring: the public half of the configured signing key (created if missing)."""
    return load_or_create_signing_key(signing_key_path(settings)).key_ring()


def verifier_keys(settings: Settings, public_key_files: Iterable[Path] = ()) -> KeyRing:
    """Explicit public key files if given; otherwise the configured key's public half (never created)."""
    files = list(public_key_files)
    if files:
        return KeyRing.from_pems(path.read_bytes() for path in files)
    path = signing_key_path(settings)
    if path.exists():
        return load_signing_key(path).key_ring()
    public_path = path.with_name(path.name + ".pub")
    return KeyRing.from_pems([public_path.read_bytes()]) if public_path.exists() else KeyRing()


def export_public_keys(settings: Settings) -> list[dict[str, str]]:
    """``[{"key_id", "public_key_pem"}]`` for an export's header."""
    return trusted_keys(settings).describe()
