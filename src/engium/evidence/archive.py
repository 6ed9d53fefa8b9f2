"""Writing the archive: every file hashed (SHA-256) in ``manifest.json``, the manifest signed with the audit
log's Ed25519 key into ``manifest.sig``.

The signature covers the manifest's exact text, and the manifest covers every other file's bytes, so one
signature check and one hash per file prove the whole archive (``evidence/verify.py``). The signed message
is :func:`engium.audit.signing.document_message` with :data:`FORMAT` as its kind: a signature over a
manifest can never pass for a checkpoint or a deletion certificate, nor the other way round.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from engium.audit.signing import SigningKey, format_time, public_key_pem
from engium.evidence.files import EvidenceFile, json_file

FORMAT = "engium-evidence-manifest-v1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
RESERVED = frozenset({MANIFEST, SIGNATURE})

README = """Engium evidence archive
=======================

manifest.json lists every other file of this archive with its SHA-256 and size; manifest.sig holds an
Ed25519 signature of manifest.json's exact bytes, made with the key that signs the audit log's checkpoints.

Check it with the public key you obtained from the operator (not the copy inside this archive):

    engium evidence verify evidence.zip --public-key audit-signing-key.pem

or by hand: the signed message is "27:engium-evidence-manifest-v1," followed by "<N>:<manifest.json>,"
(N: manifest.json's size in bytes); then compare each file's SHA-256 with the manifest. docs/evidence.md
describes every file.
"""


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def manifest_text(files: Iterable[EvidenceFile], header: Mapping[str, Any]) -> str:
    listed = sorted(({"path": f.path, "sha256": sha256_hex(f.content), "bytes": len(f.content)} for f in files),
                    key=lambda entry: str(entry["path"]))
    document = {"format": FORMAT, **header, "files": listed}
    return json.dumps(document, sort_keys=True, indent=2, default=str, ensure_ascii=False) + "\n"


def signature_document(manifest: str, signer: SigningKey) -> dict[str, str]:
    signature = signer.sign_document(FORMAT, manifest)
    return {"format": FORMAT, "key_id": signer.key_id, "algorithm": "Ed25519",
            "signature": base64.b64encode(signature).decode("ascii"),
            # A convenience for reading; a verifier pins the key it obtained independently.
            "public_key_pem": public_key_pem(signer.public_key)}


def build_archive(files: list[EvidenceFile], header: Mapping[str, Any], signer: SigningKey,
                  generated_at: datetime) -> bytes:
    """The zip's bytes: README, the section files, the manifest and its signature."""
    everything = [EvidenceFile("readme.txt", README.encode("utf-8")), *files]
    paths = [f.path for f in everything]
    duplicates = sorted({p for p in paths if paths.count(p) > 1} | (set(paths) & RESERVED))
    if duplicates:
        raise ValueError(f"two sections wrote the same file: {', '.join(duplicates)}")
    manifest = manifest_text(everything, {**header, "generated_at": format_time(generated_at)})
    signature = json_file(SIGNATURE, signature_document(manifest, signer))
    stamp = generated_at.timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in [*everything, EvidenceFile(MANIFEST, manifest.encode("utf-8")), signature]:
            info = zipfile.ZipInfo(item.path, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, item.content)
    return buffer.getvalue()
