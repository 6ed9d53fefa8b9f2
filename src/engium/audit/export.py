"""A tenant's audit log as self-verifying JSON Lines, and the offline verifier for such a file.

Layout: one ``header`` line, then every ``checkpoint`` line, then every ``event`` line in seq order.
Checkpoints come first so a verifier knows which hashes to keep while streaming events once, and
because checkpoints read before the events can never name an event the export lacks.

A chain whose oldest months were removed (ADR 0030), or an export of one range of it (the archive a
retention run writes before removing months), starts after an event it does not contain: the header's
``after`` names that event's seq and hash, and a valid signed checkpoint among the lines must close it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.orm import Session

from engium.audit.chain import FIELD_NAMES, GENESIS, ChainWalker, Finding
from engium.audit.signing import Checkpoint, KeyRing
from engium.audit.verify import check_checkpoints

EXPORT_FORMAT = "engium-audit-export-v1"

_CHECKPOINTS = text(
    "select tenant_id, seq, head_hash, sealed_at, key_id, signature from audit_checkpoints "
    "where tenant_id = :tenant_id and seq <= :through order by seq"
)
_EVENTS = text(
    "select audit_event_fields(e), e.prev_hash, e.hash from audit_events e "
    "where e.tenant_id = :tenant_id and e.seq > :after and e.seq <= :through order by e.seq"
)
_LAST_PRUNED = text(
    "select last_seq, checkpoint_hash from audit_pruned_ranges where tenant_id = :tenant_id "
    "order by last_seq desc limit 1"
)
_NO_END = 2**63 - 1
# Readable copies of canonical fields, for people and tools reading the export; the verifier checks
# they agree with the hashed fields, so editing one is as detectable as editing the fields.
_READABLE = ("seq", "occurred_at", "actor_kind", "actor_id", "ip", "action", "resource_type", "resource_id", "outcome")


def _dumps(data: Mapping[str, Any]) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def readable(fields: Sequence[str]) -> dict[str, Any]:
    named = dict(zip(FIELD_NAMES, fields, strict=True))
    out: dict[str, Any] = {key: named[key] for key in _READABLE}
    out["seq"] = int(named["seq"])
    out["ip"] = named["ip"] or None
    out["details"] = json.loads(named["details"])
    return out


def iter_export_lines(
    session: Session, tenant_id: UUID, public_keys: Sequence[Mapping[str, str]], *,
    after: tuple[int, bytes] | None = None, through: int | None = None,
) -> Iterator[str]:
    """JSON Lines (each with its trailing newline) of one tenant's chain: what is left of it, or the
    events after ``after`` (seq, hash) up to ``through``.

    ``session`` is an ``engium_app`` session bound to ``tenant_id``: RLS shows it exactly that
    tenant's events and checkpoints. ``public_keys`` comes from ``signing.export_public_keys``.
    """
    if after is None:
        pruned = session.execute(_LAST_PRUNED, {"tenant_id": tenant_id}).first()
        after = (int(pruned[0]), bytes(pruned[1])) if pruned is not None else (0, bytes(32))
    header: dict[str, Any] = {
        "type": "header",
        "format": EXPORT_FORMAT,
        "tenant_id": str(tenant_id),
        "public_keys": [{"key_id": k["key_id"], "public_key_pem": k["public_key_pem"]} for k in public_keys],
    }
    if after[0]:
        header["after"] = {"seq": after[0], "hash": after[1].hex()}
    yield _dumps(header) + "\n"
    bounds = {"tenant_id": tenant_id, "after": after[0], "through": _NO_END if through is None else through}
    for row in session.execute(_CHECKPOINTS, bounds):
        checkpoint = Checkpoint(row[0], int(row[1]), bytes(row[2]), row[3], row[4], bytes(row[5]))
        yield _dumps({"type": "checkpoint", **checkpoint.to_json()}) + "\n"
    rows = session.execute(_EVENTS, bounds, execution_options={"yield_per": 2_000})
    for fields, prev_hash, stored_hash in rows:
        event = {"type": "event", **readable(fields), "fields": list(fields)}
        event.update(prev_hash=bytes(prev_hash).hex(), hash=bytes(stored_hash).hex())
        yield _dumps(event) + "\n"


@dataclass
class ExportReport:
    tenant_id: UUID | None = None
    events: int = 0
    checkpoints: int = 0
    unsealed: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def first(self) -> Finding | None:
        return min(self.findings) if self.findings else None


class _ExportWalk:
    def __init__(self, pinned: KeyRing | None) -> None:
        self.pinned = pinned
        self.keys = KeyRing()
        self.report = ExportReport()
        self.tenant_id = UUID(int=0)
        self.checkpoints: list[Checkpoint] = []
        self.walker: ChainWalker | None = None
        self.start = (0, GENESIS)

    def broken(self, seq: int, reason: str) -> None:
        self.report.findings.append(Finding(seq, reason, self.tenant_id))

    def next_seq(self) -> int:
        return self.walker.last_seq + 1 if self.walker else self.start[0] + 1

    def header(self, data: Mapping[str, Any]) -> None:
        if data.get("format") != EXPORT_FORMAT:
            raise ValueError(f"not an {EXPORT_FORMAT} file")
        self.tenant_id = self.report.tenant_id = UUID(data["tenant_id"])
        after = data.get("after")
        if after is not None:
            self.start = (int(after["seq"]), bytes.fromhex(after["hash"]))
        # A key shipped inside the export proves nothing about who wrote it; pinning a key obtained
        # earlier (or out of band) is what makes the signatures meaningful.
        self.keys = self.pinned or KeyRing.from_pems(k["public_key_pem"] for k in data["public_keys"])

    def checkpoint(self, data: Mapping[str, Any], number: int) -> None:
        if self.walker is not None:
            self.broken(self.next_seq(), f"line {number}: checkpoint after the events (export reordered)")
            return
        checkpoint = Checkpoint.from_json({k: v for k, v in data.items() if k != "type"})
        if checkpoint.tenant_id != self.tenant_id:
            self.broken(checkpoint.seq, f"line {number}: checkpoint of another tenant")
            return
        self.checkpoints.append(checkpoint)

    def event(self, data: Mapping[str, Any], number: int) -> None:
        if self.walker is None:
            self.walker = ChainWalker(self.tenant_id, {c.seq for c in self.checkpoints}, self.start)
        fields = data.get("fields")
        if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields) or len(fields) < 3:
            self.broken(self.next_seq(), f"line {number}: malformed canonical fields")
            return
        seq = int(fields[2]) if fields[2].isdigit() else self.next_seq()
        try:
            prev_hash, stored_hash = bytes.fromhex(data["prev_hash"]), bytes.fromhex(data["hash"])
            agrees = len(fields) == len(FIELD_NAMES) and readable(fields) == {
                k: data.get(k) for k in (*_READABLE, "details")
            }
        except (KeyError, TypeError, ValueError):
            self.broken(seq, f"line {number}: malformed hashes or fields")
            return
        if not agrees:
            self.broken(seq, "readable copy of the event disagrees with its hashed fields")
        self.walker.feed(seq, fields, prev_hash, stored_hash)

    def finish(self) -> ExportReport:
        walker = self.walker or ChainWalker(self.tenant_id, start=self.start)
        self.report.findings.extend(walker.findings)
        findings, verified = check_checkpoints(walker, self.checkpoints, self.keys)
        self.report.findings.extend(findings)
        self.report.events, self.report.checkpoints = walker.events, len(self.checkpoints)
        self.report.unsealed = max(walker.last_seq - verified, 0)
        return self.report


def verify_export_lines(lines: Iterable[str], pinned: KeyRing | None = None) -> ExportReport:
    """Verifies an export without any database; ``pinned`` replaces the keys the file names."""
    walk = _ExportWalk(pinned)
    for number, line in enumerate(lines, start=1):
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise TypeError("not a JSON object")
            kind = data.get("type")
            if number == 1:
                if kind != "header":
                    raise ValueError("the first line must be the header")
                walk.header(data)
            elif kind == "checkpoint":
                walk.checkpoint(data, number)
            elif kind == "event":
                walk.event(data, number)
            else:
                walk.broken(walk.next_seq(), f"line {number}: unknown record type {kind!r}")
        except (ValueError, KeyError, TypeError) as exc:
            if number == 1:
                walk.broken(0, f"line 1: unusable header ({exc})")
                return walk.report
            walk.broken(walk.next_seq(), f"line {number}: unreadable record ({type(exc).__name__})")
    return walk.finish()
