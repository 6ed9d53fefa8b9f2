"""The evidence bundle of an incident's window: a zip an investigator (or the regulator) can check.

* ``incident.json``: the incident, its clock and its timeline;
* ``audit/<tenant>.jsonl``: every audit event of each affected tenant in the window, as stored (hashes
  included, so each line can be checked against the chain);
* ``access/<tenant>.jsonl``: the access log, i.e. the authentication events (sign-ins, failures, MFA,
  sign-outs) and refused requests of the same tenants in the window;
* ``verification.json``: the audit log's verification of those chains now (signed checkpoints, anchors);
* ``manifest.json``: the SHA-256 and size of every other file.

The window is the incident's (``window_start``..``window_end``), defaulting to the 30 days before
awareness and now. Read as the owner role, as ``engium audit verify`` reads every chain.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from sqlalchemy import Connection, text

from engium.audit.checkpoints import DirectoryAnchorStore, anchor_dir
from engium.audit.signing import verifier_keys
from engium.audit.verify import verify_database
from engium.incidents.detectors import owner_engine
from engium.incidents.models import Incident
from engium.kit.database import Database

if TYPE_CHECKING:
    from engium.config import Settings

DEFAULT_LOOKBACK = timedelta(days=30)
ACCESS_ACTIONS = ("auth.%", "request.denied", "apikey.%", "member.%", "invitation.%")
_EVENTS = text(
    "select seq, occurred_at, actor_kind, actor_id, host(ip), user_agent, request_id, action, resource_type, "
    "resource_id, outcome, details, encode(prev_hash, 'hex'), encode(hash, 'hex') from audit_events "
    "where tenant_id = :tenant and occurred_at >= :start and occurred_at <= :end "
    "and (not :access_only or action like any(:access)) order by seq"
)
_COLUMNS = ("seq", "occurred_at", "actor_kind", "actor_id", "ip", "user_agent", "request_id", "action",
            "resource_type", "resource_id", "outcome", "details", "prev_hash", "hash")


@dataclass(frozen=True)
class Bundle:
    path: Path
    files: dict[str, str]  # name -> SHA-256
    window: tuple[datetime, datetime]


def window_of(incident: Incident, now: datetime) -> tuple[datetime, datetime]:
    return incident.window_start or incident.aware_at - DEFAULT_LOOKBACK, incident.window_end or now


def _lines(conn: Connection, tenant: UUID, start: datetime, end: datetime, access_only: bool) -> Iterator[str]:
    rows = conn.execute(_EVENTS, {"tenant": tenant, "start": start, "end": end, "access_only": access_only,
                                  "access": list(ACCESS_ACTIONS)})
    for row in rows:
        yield json.dumps(dict(zip(_COLUMNS, row, strict=True)), default=str, sort_keys=True) + "\n"


def _json(value: Any) -> bytes:
    return (json.dumps(value, default=str, indent=2, sort_keys=True) + "\n").encode()


def write_bundle(database: Database, settings: Settings, incident: Incident, summary: dict[str, Any],
                 now: datetime, out: Path) -> Bundle:
    """``summary``: the incident as the API shows it, timeline included (views.incident_detail)."""
    start, end = window_of(incident, now)
    tenants: Iterable[UUID] = sorted(incident.tenant_ids, key=str)
    files: dict[str, bytes] = {"incident.json": _json(summary)}
    keys = verifier_keys(settings)
    anchors = DirectoryAnchorStore(anchor_dir(settings))
    verification: dict[str, Any] = {"verified_at": now.isoformat(), "tenants": {}}
    with owner_engine(database) as engine:
        with engine.connect() as conn:
            for tenant in tenants:
                files[f"audit/{tenant}.jsonl"] = "".join(_lines(conn, tenant, start, end, False)).encode()
                files[f"access/{tenant}.jsonl"] = "".join(_lines(conn, tenant, start, end, True)).encode()
        for tenant in tenants:
            report = verify_database(engine, keys, anchors, tenant)
            verification["tenants"][str(tenant)] = {
                **report.summary(),
                "findings": [{"seq": f.seq, "reason": f.reason} for t in report.tenants for f in t.findings],
            }
    files["verification.json"] = _json(verification)
    digests = {name: hashlib.sha256(content).hexdigest() for name, content in files.items()}
    manifest = {
        "incident_id": str(incident.id), "window": {"start": start.isoformat(), "end": end.isoformat()},
        "generated_at": now.isoformat(),
        "files": {name: {"sha256": digests[name], "bytes": len(files[name])} for name in sorted(files)},
    }
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            archive.writestr(name, files[name])
        archive.writestr("manifest.json", _json(manifest))
    return Bundle(out, digests, (start, end))


def check_bundle(path: Path) -> list[str]:
    """What does not match the manifest (empty: every file is as listed, and nothing else is there)."""
    problems = []
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        listed = manifest["files"]
        present = set(archive.namelist()) - {"manifest.json"}
        problems += [f"{name}: not in the manifest" for name in sorted(present - set(listed))]
        for name, entry in sorted(listed.items()):
            if name not in present:
                problems.append(f"{name}: missing")
            elif hashlib.sha256(archive.read(name)).hexdigest() != entry["sha256"]:
                problems.append(f"{name}: SHA-256 differs from the manifest")
    return problems
