"""``engium evidence verify``: the manifest's signature, then every file against the manifest, offline.

Every problem is reported, not only the first: an auditor learns at once which files were altered, which
are missing and which were slipped in. No file is extracted to disk; entries are read and hashed in memory.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from engium.audit.signing import KeyRing
from engium.evidence.archive import FORMAT, MANIFEST, SIGNATURE

_CHUNK = 1 << 16


@dataclass
class ArchiveCheck:
    problems: list[str] = field(default_factory=list)
    files_checked: int = 0
    manifest: dict[str, Any] | None = None
    key_id: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def _digest(archive: zipfile.ZipFile, name: str) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with archive.open(name) as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _check_signature(archive: zipfile.ZipFile, manifest: str, keys: KeyRing, check: ArchiveCheck) -> None:
    if SIGNATURE not in archive.namelist():
        check.problems.append(f"{SIGNATURE} is missing: the manifest is not signed")
        return
    try:
        document = json.loads(archive.read(SIGNATURE))
        key_id, signature = str(document["key_id"]), base64.b64decode(document["signature"], validate=True)
    except (ValueError, KeyError, TypeError, binascii.Error, zipfile.BadZipFile):
        check.problems.append(f"{SIGNATURE} is not a readable signature document")
        return
    check.key_id = key_id
    problem = keys.document_problem(FORMAT, manifest, key_id, signature)
    if problem is not None:
        check.problems.append(f"manifest signature: {problem}")


def _listed(manifest: dict[str, Any], check: ArchiveCheck) -> dict[str, dict[str, Any]]:
    entries = manifest.get("files")
    if manifest.get("format") != FORMAT or not isinstance(entries, list):
        check.problems.append(f"{MANIFEST} is not an evidence manifest ({FORMAT})")
        return {}
    listed: dict[str, dict[str, Any]] = {}
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str) or not isinstance(
                entry.get("sha256"), str):
            check.problems.append(f"{MANIFEST} has a malformed file entry: {entry!r}"[:300])
            continue
        listed[entry["path"]] = entry
    return listed


def verify_archive(source: Path | IO[bytes], keys: KeyRing) -> ArchiveCheck:
    check = ArchiveCheck()
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        check.problems.append(f"not a readable zip archive ({exc})")
        return check
    with archive:
        names = archive.namelist()
        for name, count in Counter(names).items():
            if count > 1:
                check.problems.append(f"{name}: {count} entries with this name (only one can have been signed)")
        if MANIFEST not in names:
            check.problems.append(f"{MANIFEST} is missing: nothing can be verified")
            return check
        try:
            manifest_text = archive.read(MANIFEST).decode("utf-8")
            parsed = json.loads(manifest_text)
        except (UnicodeDecodeError, ValueError, zipfile.BadZipFile):
            check.problems.append(f"{MANIFEST} is not readable JSON")
            return check
        _check_signature(archive, manifest_text, keys, check)
        if not isinstance(parsed, dict):
            check.problems.append(f"{MANIFEST} is not an evidence manifest ({FORMAT})")
            return check
        check.manifest = parsed
        listed = _listed(parsed, check)
        present = set(names)
        for path, entry in sorted(listed.items()):
            if path not in present:
                check.problems.append(f"{path}: listed in the manifest but missing from the archive")
                continue
            try:
                found, size = _digest(archive, path)
            except (zipfile.BadZipFile, OSError) as exc:
                check.problems.append(f"{path}: altered (the entry is corrupt: {exc})")
                continue
            check.files_checked += 1
            if found != entry["sha256"]:
                check.problems.append(f"{path}: altered (SHA-256 {found}, the manifest says {entry['sha256']})")
            elif entry.get("bytes") != size:
                check.problems.append(f"{path}: altered ({size} bytes, the manifest says {entry.get('bytes')})")
        for extra in sorted(present - set(listed) - {MANIFEST, SIGNATURE}):
            check.problems.append(f"{extra}: in the archive but not in the manifest (added after signing)")
    return check
