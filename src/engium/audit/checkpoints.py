"""Sealing: sign every chain head that moved, record it in the database and anchor it outside.

The database copy lets a tenant's export carry its checkpoints; the anchored copy is what survives an
administrator who rewrites the database (including ``audit_checkpoints``) with a superuser.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

from sqlalchemy import text

from engium.audit.signing import Checkpoint, SigningKey, load_or_create_signing_key, signing_key_path
from engium.kit.database import Database
from engium.tenancy.binding import tenant_transaction

if TYPE_CHECKING:
    from engium.config import Settings

log = logging.getLogger(__name__)

ANCHOR_DIR_NAME = "audit-anchors"
# Serialises sealers across processes (`engium serve` and `engium worker` may both run): two sealers
# signing the same head at different instants would leave anchors that disagree with the database.
SEAL_LOCK_KEY = 0x656E6769756D_0A  # "engium" + 0x0a, any constant unique to this lock

_UNSEALED = text("select tenant_id, last_seq, last_hash from audit_unsealed_heads()")
_RECORD = text(
    "select audit_record_checkpoint(:tenant_id, :seq, :head_hash, :sealed_at, :key_id, :signature)"
)


class AnchorStore(Protocol):
    """Append-only storage for signed checkpoints that the database administrator cannot rewrite."""

    def append(self, checkpoints: Sequence[Checkpoint]) -> None:
        """Durably stores the checkpoints before returning (they are committed to the DB after)."""

    def read(self, tenant_id: UUID) -> Iterator[Checkpoint | str]:
        """The tenant's anchored checkpoints in append order; a ``str`` describes an unreadable record."""

    def tenants(self) -> Iterator[UUID]:
        """Every tenant with at least one anchored checkpoint."""


class DirectoryAnchorStore:
    """``<dir>/<tenant_id>.jsonl``, one signed checkpoint per line, fsynced on every append."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, tenant_id: UUID) -> Path:
        return self.directory / f"{tenant_id}.jsonl"

    def append(self, checkpoints: Sequence[Checkpoint]) -> None:
        if not checkpoints:
            return
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        by_tenant: dict[UUID, list[Checkpoint]] = {}
        for checkpoint in checkpoints:
            by_tenant.setdefault(checkpoint.tenant_id, []).append(checkpoint)
        for tenant_id, items in by_tenant.items():
            payload = "".join(json.dumps(c.to_json(), separators=(",", ":")) + "\n" for c in items).encode()
            fd = os.open(self._path(tenant_id), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                written = 0
                while written < len(payload):
                    written += os.write(fd, payload[written:])
                os.fsync(fd)
            finally:
                os.close(fd)
        # A new file's directory entry must be durable too.
        dir_fd = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def read(self, tenant_id: UUID) -> Iterator[Checkpoint | str]:
        path = self._path(tenant_id)
        if not path.exists():
            return
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                try:
                    checkpoint = Checkpoint.from_json(json.loads(line))
                except (ValueError, KeyError, TypeError) as exc:
                    yield f"{path.name} line {number} is not a valid checkpoint ({type(exc).__name__})"
                    continue
                if checkpoint.tenant_id != tenant_id:
                    yield f"{path.name} line {number} names tenant {checkpoint.tenant_id}"
                    continue
                yield checkpoint

    def tenants(self) -> Iterator[UUID]:
        if not self.directory.is_dir():
            return
        for path in sorted(self.directory.glob("*.jsonl")):
            try:
                yield UUID(path.stem)
            except ValueError:
                continue


def anchor_dir(settings: Settings) -> Path:
    configured = settings.audit_anchor_dir
    return configured.expanduser().resolve() if configured else settings.resolved_data_dir / ANCHOR_DIR_NAME


def seal(database: Database, signer: SigningKey, anchors: AnchorStore) -> list[Checkpoint]:
    """Signs, records and anchors a checkpoint for every chain with unsealed events.

    Runs as ``engium_app``: the SECURITY DEFINER functions read every tenant's head and check each
    checkpoint against the chain. The anchors are written before the transaction commits, so a
    checkpoint is never in the database without being anchored; a crash between the two leaves an
    anchored checkpoint the database lacks, which ``engium audit verify`` reports.
    """
    with database.transaction() as session:
        session.execute(text("select pg_advisory_xact_lock(:key)"), {"key": SEAL_LOCK_KEY})
        # The database's clock, like the events' own times: a sealing worker whose clock drifted must not
        # date a checkpoint before the events it covers.
        sealed_at: datetime = session.execute(text("select clock_timestamp()")).scalar_one()
        heads = session.execute(_UNSEALED).all()
        checkpoints = [signer.sign(tenant_id, seq, bytes(head), sealed_at) for tenant_id, seq, head in heads]
        for checkpoint in checkpoints:
            session.execute(
                _RECORD,
                {
                    "tenant_id": checkpoint.tenant_id,
                    "seq": checkpoint.seq,
                    "head_hash": checkpoint.head_hash,
                    "sealed_at": checkpoint.sealed_at,
                    "key_id": checkpoint.key_id,
                    "signature": checkpoint.signature,
                },
            )
        anchors.append(checkpoints)
    return checkpoints


def seal_at(database: Database, signer: SigningKey, anchors: AnchorStore, tenant_id: UUID, seq: int) -> Checkpoint:
    """Signs, records and anchors a checkpoint of one event that a later checkpoint already covers: the one
    that closes a range of months about to be removed (ADR 0030), so the remaining chain has a signed
    hash to continue from. The caller has verified the chain up to a later checkpoint first."""
    with tenant_transaction(database, tenant_id) as session:
        session.execute(text("select pg_advisory_xact_lock(:key)"), {"key": SEAL_LOCK_KEY})
        sealed_at: datetime = session.execute(text("select clock_timestamp()")).scalar_one()
        head = session.execute(
            text("select hash from audit_events where tenant_id = :t and seq = :s"), {"t": tenant_id, "s": seq}
        ).scalar_one()
        checkpoint = signer.sign(tenant_id, seq, bytes(head), sealed_at)
        session.execute(_RECORD, {
            "tenant_id": tenant_id, "seq": seq, "head_hash": checkpoint.head_hash, "sealed_at": sealed_at,
            "key_id": checkpoint.key_id, "signature": checkpoint.signature,
        })
        anchors.append([checkpoint])
    return checkpoint


def seal_with_settings(database: Database, settings: Settings) -> list[Checkpoint]:
    signer = load_or_create_signing_key(signing_key_path(settings))
    return seal(database, signer, DirectoryAnchorStore(anchor_dir(settings)))
