"""Personal values inside audit events, sealed under the key of the person they belong to (ADR 0021).

The audit log is append-only, so it can never forget anything written into it in clear. What identifies a
customer (their IP address and user agent, a phone number, an excerpt of what they wrote, the hash of a
prompt that held their words) is therefore encrypted before the event is hashed, under a key of theirs kept
in the vault (``crypto/subject_keys.py``). An erasure destroys the key: the values become unreadable, the
ciphertext stays, and the chain, which covers the ciphertext, still verifies.

An event's ``details`` then carry a ``personal`` list, one entry per key::

    {"personal": [{"key": "<key id>", "fields": ["ip", "user_agent"], "sealed": "<base64>"}]}

``fields`` names what is inside (names are not personal); ``sealed`` is the AES-256-GCM ciphertext of the
values as JSON. Two kinds of key: a ``contact`` key per customer (content), and ``network`` keys per
customer and calendar month (IP addresses and user agents), which retention destroys month by month.

The audit package sits below the vault, so the sealing itself is a :class:`PersonalDataSealer` that the
composition root installs on the database's sessions (``install_sealer``). A session without one stores
no personal value at all: the entry says ``"withheld": true`` instead of carrying ciphertext.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal, Protocol
from uuid import UUID

from sqlalchemy.orm import Session, sessionmaker

PERSONAL_FIELD = "personal"
SEALER_INFO_KEY = "engium_personal_data_sealer"
# Names the deterministic key ids: one key per (kind, person, month), found again without a lookup table.
_KEY_NAMESPACE = UUID("6f1d8f0e-3c1b-5b7e-9a52-2f0d6a7c4e11")

KeyKind = Literal["contact", "network"]


@dataclass(frozen=True)
class SealingKey:
    """Which key seals a group of values: whose, and for which month (network keys)."""

    kind: KeyKind
    contact_id: UUID | None
    period: date | None = None

    @classmethod
    def of_contact(cls, contact_id: UUID) -> SealingKey:
        return cls("contact", contact_id)

    @classmethod
    def network(cls, contact_id: UUID | None, at: datetime | None = None) -> SealingKey:
        moment = at or datetime.now(UTC)
        return cls("network", contact_id, date(moment.year, moment.month, 1))

    @property
    def id(self) -> UUID:
        period = self.period.isoformat() if self.period else "-"
        return uuid.uuid5(_KEY_NAMESPACE, f"{self.kind}:{self.contact_id or '-'}:{period}")


class PersonalDataSealer(Protocol):
    def seal(self, session: Session, tenant_id: UUID, key: SealingKey, plaintext: bytes) -> str:
        """Encrypts under the key (created on first use); returns the sealed value as text."""

    def open(self, session: Session, tenant_id: UUID, key_id: UUID, sealed: str) -> bytes | None:
        """The plaintext, or None when the key is gone (erased, expired) or the value does not open."""


def install_sealer(sessions: sessionmaker[Session], sealer: PersonalDataSealer) -> None:
    """Every session the factory makes from now on seals personal values with ``sealer``."""
    info = dict(sessions.kw.get("info") or {})
    info[SEALER_INFO_KEY] = sealer
    sessions.configure(info=info)


def sealer_of(session: Session) -> PersonalDataSealer | None:
    found: PersonalDataSealer | None = session.info.get(SEALER_INFO_KEY)
    return found


def seal_groups(
    session: Session, tenant_id: UUID, groups: Sequence[tuple[SealingKey, Mapping[str, Any]]]
) -> list[dict[str, Any]]:
    """The ``personal`` entries for ``groups`` of values, each under its key."""
    sealer = sealer_of(session)
    entries: list[dict[str, Any]] = []
    for key, values in groups:
        entry: dict[str, Any] = {"key": str(key.id), "fields": sorted(values)}
        if sealer is None:
            entry["withheld"] = True
        else:
            plaintext = json.dumps(dict(values), default=str, sort_keys=True).encode()
            entry["sealed"] = sealer.seal(session, tenant_id, key, plaintext)
        entries.append(entry)
    return entries


PersonalState = Literal["none", "present", "erased", "withheld"]


@dataclass(frozen=True)
class RevealedPersonal:
    """The personal values of one event, as far as their keys still exist."""

    values: dict[str, Any]
    state: PersonalState
    # Fields whose key is gone: they existed and can no longer be read.
    erased_fields: tuple[str, ...] = ()


def reveal(session: Session, tenant_id: UUID, details: Mapping[str, Any]) -> RevealedPersonal:
    """Opens an event's sealed values with the keys that still exist."""
    entries = details.get(PERSONAL_FIELD)
    if not isinstance(entries, list) or not entries:
        return RevealedPersonal({}, "none")
    sealer = sealer_of(session)
    if sealer is None:
        return RevealedPersonal({}, "withheld")
    values: dict[str, Any] = {}
    erased: list[str] = []
    withheld = False
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        fields = [str(f) for f in entry.get("fields") or ()]
        sealed = entry.get("sealed")
        if not isinstance(sealed, str):
            withheld = True
            continue
        opened = sealer.open(session, tenant_id, UUID(str(entry.get("key"))), sealed)
        if opened is None:
            erased.extend(fields)
            continue
        values.update(json.loads(opened))
    state: PersonalState = "present" if values else "erased" if erased else "withheld" if withheld else "none"
    return RevealedPersonal(values, state, tuple(sorted(erased)))
