"""The canonical encoding of an audit event, its hash, and a streaming walk over one tenant's chain.

The 14 canonical fields are produced by PostgreSQL (``audit_event_fields``) both when an event is
appended and when it is verified, so timestamp, inet and jsonb text formatting exist in one place
only. The hash is recomputed here, independently of the database, so a verifier does not have to trust
the SQL that wrote the chain: from the fields (an export's, ``canonical``) or, when verifying the
database, from the encoding of them that the verifier's own query builds (``chain_scan``, ADR 0033).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from uuid import UUID

GENESIS = bytes(32)
FORMAT = "engium-audit-v1"
FIELD_NAMES = (
    "format",
    "tenant_id",
    "seq",
    "occurred_at",
    "actor_kind",
    "actor_id",
    "ip",
    "user_agent",
    "request_id",
    "action",
    "resource_type",
    "resource_id",
    "outcome",
    "details",
)
# A walk keeps going after a break (to count events) but stops collecting findings: the first one
# is what an operator acts on, and a rewritten chain would otherwise produce one per event.
MAX_FINDINGS = 100


def canonical(fields: Sequence[str]) -> bytes:
    """``<byte length>:<UTF-8 bytes>,`` per field: unambiguous without any escaping."""
    # For ASCII text the character count is the byte count; skipping the per-field encode makes
    # verification markedly faster, and the result is byte-for-byte the same.
    return "".join(
        [f"{len(v)}:{v}," if v.isascii() else f"{len(v.encode())}:{v}," for v in fields]
    ).encode()


def event_hash(prev: bytes, fields: Sequence[str]) -> bytes:
    return hashlib.sha256(prev + canonical(fields)).digest()


@dataclass(frozen=True, order=True)
class Finding:
    """One broken link: the earliest event of ``tenant_id`` that can no longer be trusted, and why."""

    seq: int
    reason: str
    tenant_id: UUID = field(compare=False)

    def describe(self) -> str:
        return f"tenant {self.tenant_id} seq {self.seq}: {self.reason}"


class ChainWalker:
    """Consumes one tenant's events in ``seq`` order and records every broken link.

    ``wanted`` are the sequence numbers whose stored hashes the caller needs afterwards (those of
    checkpoints); keeping only those lets a chain of any length be checked in constant memory.
    ``start``: the seq and hash the remaining chain continues from once its oldest months were removed
    (ADR 0030): the hash signed by the checkpoint that closes the removed range; the genesis otherwise.
    ``segment``: a walker over one seq range of a chain, walked apart from the rest (in parallel, ADR
    0033): its first event's link is checked when a walker of everything before it joins it (``join``).
    """

    def __init__(
        self,
        tenant_id: UUID,
        wanted: Collection[int] = (),
        start: tuple[int, bytes] = (0, GENESIS),
        *,
        segment: bool = False,
    ) -> None:
        self.tenant_id = tenant_id
        self.events = 0
        self.start_seq, self.start_hash = start
        self.last_seq, self.last_hash = start
        self.hashes: dict[int, bytes] = {}
        self.findings: list[Finding] = []
        # A segment's first event: its seq and prev_hash, linked to the previous segment by ``join``.
        self.opening: tuple[int, bytes] | None = None
        self._segment = segment
        self._wanted = frozenset(wanted)
        # The canonical encoding starts with the format and the tenant: one prefix test checks both.
        self._prefix = canonical([FORMAT, str(tenant_id)])

    def broken(self, seq: int, reason: str) -> None:
        if len(self.findings) < MAX_FINDINGS:
            self.findings.append(Finding(seq, reason, self.tenant_id))

    def _link(self, seq: int, prev_hash: bytes) -> None:
        expected = self.last_seq + 1
        if seq < expected:
            self.broken(seq, f"sequence number {seq} repeats or goes backwards after {self.last_seq}")
        elif seq > expected:
            missing = str(expected) if seq == expected + 1 else f"{expected}..{seq - 1}"
            self.broken(expected, f"event(s) {missing} missing (deleted)")
        elif prev_hash != self.last_hash:
            self.broken(seq, "prev_hash does not link to the previous event's hash")

    def feed(self, seq: int, fields: Sequence[str], prev_hash: bytes, stored_hash: bytes) -> None:
        """One event given by its canonical fields (an export's)."""
        encoded = canonical(fields) if len(fields) == len(FIELD_NAMES) else None
        self.feed_canonical(seq, encoded, prev_hash, stored_hash)

    def feed_canonical(self, seq: int, encoded: bytes | None, prev_hash: bytes, stored_hash: bytes) -> None:
        """One event given by its canonical encoding (``None``: its fields are not the 14 expected)."""
        self.events += 1
        if self._segment and self.events == 1:
            self.opening = (seq, prev_hash)
            self.last_seq = seq
        else:
            self._link(seq, prev_hash)
        # The encoding is prefix-free, so these tests say exactly: format, tenant and seq fields as expected.
        prefix = self._prefix
        if encoded is None or not encoded.startswith(prefix):
            self.broken(seq, "canonical fields are malformed or name another tenant")
        else:
            seq_text = str(seq)
            if not encoded.startswith(f"{len(seq_text)}:{seq_text},".encode(), len(prefix)):
                self.broken(seq, f"canonical seq field {_field_at(encoded, len(prefix))!r} differs from the row's seq")
            # Hash with the row's own prev_hash: one altered event yields one finding, not a cascade.
            elif hashlib.sha256(prev_hash + encoded).digest() != stored_hash:
                self.broken(seq, "content does not match its stored hash (event altered)")
        if seq in self._wanted:
            self.hashes[seq] = stored_hash
        self.last_seq = max(self.last_seq, seq)
        self.last_hash = stored_hash

    def feed_encoded(self, rows: Iterable[tuple[int, bytes | None, bytes, bytes]]) -> None:
        """``feed_canonical`` for every row. An event that passes every check (the next seq, linked to the
        previous hash, format, tenant and seq fields as expected, its hash recomputed and equal) only moves
        the walk on, inline: the checks are the same, without a method call per event. Anything else
        takes ``feed_canonical``, which reports it."""
        sha256, prefix, wanted = hashlib.sha256, self._prefix, self._wanted
        offset = len(prefix)
        linked = self.events > 0 or not self._segment  # a segment's first event is linked by ``join``
        last_seq, last_hash, events = self.last_seq, self.last_hash, self.events
        for seq, encoded, prev_hash, stored_hash in rows:
            if (
                linked
                and seq == last_seq + 1
                and prev_hash == last_hash
                and encoded is not None
                and encoded.startswith(prefix)
                and encoded.startswith(b"%d:%d," % (len(str(seq)), seq), offset)
                and sha256(prev_hash + encoded).digest() == stored_hash
            ):
                events += 1
                if seq in wanted:
                    self.hashes[seq] = stored_hash
            else:
                self.last_seq, self.last_hash, self.events = last_seq, last_hash, events
                self.feed_canonical(seq, encoded, prev_hash, stored_hash)
                events, linked = self.events, True
                seq = self.last_seq
            last_seq, last_hash = seq, stored_hash
        self.last_seq, self.last_hash, self.events = last_seq, last_hash, events

    def feed_all(self, rows: Iterable[tuple[int, Sequence[str], bytes, bytes]]) -> ChainWalker:
        for seq, fields, prev_hash, stored_hash in rows:
            self.feed(seq, fields, prev_hash, stored_hash)
        return self

    def join(self, segment: ChainWalker) -> None:
        """Continues this walk with ``segment``, the walk of the seq range right after everything fed so
        far: the result is what feeding its events here would have given, findings in the same order."""
        if segment.opening is not None:
            self._link(*segment.opening)
        for finding in segment.findings:
            self.broken(finding.seq, finding.reason)
        self.events += segment.events
        self.hashes.update(segment.hashes)
        if segment.events:
            self.last_seq = max(self.last_seq, segment.last_seq)
            self.last_hash = segment.last_hash


def _field_at(encoded: bytes, offset: int) -> str:
    """The field encoded at ``offset`` (for a finding's text), or what is there if it is not one."""
    length, colon, rest = encoded[offset:].partition(b":")
    if colon and length.isdigit():
        return rest[: int(length)].decode(errors="replace")
    return encoded[offset:offset + 40].decode(errors="replace")
