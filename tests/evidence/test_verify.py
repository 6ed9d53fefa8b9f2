"""``engium evidence verify``: a genuine archive passes; any change to a file, the manifest or the set of files,
or a key not trusted, fails with exit 1 and names what is wrong."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

from engium.audit.signing import SigningKey, public_key_pem
from engium.cli.main import app
from engium.evidence.archive import build_archive
from engium.evidence.files import EvidenceFile, json_file

SIGNER = SigningKey(Ed25519PrivateKey.generate())
FILES = [json_file("tenants/a/access-review/members.json", {"members": [{"email": "a@example.com"}]}),
         EvidenceFile("platform/migrations/migrations.json", b'{"applied_heads": ["0018"]}\n')]
MEMBERS = "tenants/a/access-review/members.json"


def _archive() -> bytes:
    return build_archive(FILES, {"window": {"from": "2026-01-01", "to": "2026-01-31"}}, SIGNER,
                         datetime(2026, 2, 1, tzinfo=UTC))


def _rewrite(archive: bytes, change: Callable[[dict[str, bytes]], dict[str, bytes]]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        files = {name: opened.read(name) for name in opened.namelist()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name, content in change(files).items():
            out.writestr(name, content)
    return buffer.getvalue()


def _verify(tmp_path: Path, archive: bytes, signer: SigningKey = SIGNER) -> tuple[int, str]:
    path, key = tmp_path / "evidence.zip", tmp_path / "key.pem"
    path.write_bytes(archive)
    key.write_text(public_key_pem(signer.public_key))
    result = CliRunner().invoke(app, ["evidence", "verify", str(path), "--public-key", str(key)])
    return result.exit_code, result.output


def test_a_genuine_archive_verifies(tmp_path: Path) -> None:
    code, output = _verify(tmp_path, _archive())
    assert code == 0, output
    assert "verified: 3 file(s)" in output
    assert SIGNER.key_id in output


def _altered_file(files: dict[str, bytes]) -> dict[str, bytes]:
    return {**files, MEMBERS: files[MEMBERS].replace(b"a@example.com", b"b@example.com")}


def _altered_manifest(files: dict[str, bytes]) -> dict[str, bytes]:
    manifest = json.loads(files["manifest.json"])
    manifest["window"]["to"] = "2026-12-31"
    return {**files, "manifest.json": json.dumps(manifest).encode()}


def _rehashed_manifest(files: dict[str, bytes]) -> dict[str, bytes]:
    """A forger who alters a file and puts its new hash in the manifest still breaks the signature."""
    import hashlib

    changed = _altered_file(files)
    manifest = json.loads(files["manifest.json"])
    for entry in manifest["files"]:
        if entry["path"] == MEMBERS:
            entry["sha256"] = hashlib.sha256(changed[MEMBERS]).hexdigest()
    return {**changed, "manifest.json": json.dumps(manifest).encode()}


@pytest.mark.parametrize(("change", "message"), [
    (_altered_file, f"{MEMBERS}: altered (SHA-256"),
    (_altered_manifest, "manifest signature: the signature is invalid"),
    (_rehashed_manifest, "manifest signature: the signature is invalid"),
    (lambda files: {k: v for k, v in files.items() if k != MEMBERS}, f"{MEMBERS}: listed in the manifest but missing"),
    (lambda files: {**files, "tenants/a/extra.json": b"{}"}, "tenants/a/extra.json: in the archive but not in the"),
    (lambda files: {k: v for k, v in files.items() if k != "manifest.sig"}, "manifest.sig is missing"),
    (lambda files: {k: v for k, v in files.items() if k != "manifest.json"}, "manifest.json is missing"),
], ids=["file", "manifest", "rehashed-manifest", "removed-file", "added-file", "no-signature", "no-manifest"])
def test_tampering_fails_with_a_clear_message(tmp_path: Path, change: Callable[[dict[str, bytes]], dict[str, bytes]],
                                              message: str) -> None:
    code, output = _verify(tmp_path, _rewrite(_archive(), change))
    assert code == 1
    assert "NOT VERIFIED" in output
    assert message in output


def test_every_problem_is_reported_not_only_the_first(tmp_path: Path) -> None:
    def two(files: dict[str, bytes]) -> dict[str, bytes]:
        return {**_altered_file(files), "platform/migrations/migrations.json": b"{}"}

    code, output = _verify(tmp_path, _rewrite(_archive(), two))
    assert code == 1
    assert "2 problem(s)" in output
    assert MEMBERS in output
    assert "platform/migrations/migrations.json: altered" in output


def test_an_archive_signed_by_another_key_is_refused(tmp_path: Path) -> None:
    code, output = _verify(tmp_path, _archive(), SigningKey(Ed25519PrivateKey.generate()))
    assert code == 1
    assert "signed by unknown key" in output


def test_a_file_that_is_not_an_archive_is_refused(tmp_path: Path) -> None:
    code, output = _verify(tmp_path, b"not a zip at all")
    assert code == 1
    assert "not a readable zip archive" in output


def test_a_duplicate_entry_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO(_archive())
    with zipfile.ZipFile(buffer, "a") as archive, pytest.warns(UserWarning, match="Duplicate name"):
        archive.writestr(MEMBERS, b'{"members": []}')
    code, output = _verify(tmp_path, buffer.getvalue())
    assert code == 1
    assert f"{MEMBERS}: 2 entries with this name" in output


def test_a_path_that_could_escape_is_never_written() -> None:
    with pytest.raises(ValueError, match="not an archive path"):
        EvidenceFile("../etc/passwd", b"")


def test_the_signature_checks_by_hand_as_docs_evidence_md_says() -> None:
    import base64

    with zipfile.ZipFile(io.BytesIO(_archive())) as opened:
        manifest, signature = opened.read("manifest.json"), json.loads(opened.read("manifest.sig"))
    message = b"27:engium-evidence-manifest-v1," + str(len(manifest)).encode() + b":" + manifest + b","
    SIGNER.public_key.verify(base64.b64decode(signature["signature"]), message)  # raises if not


def test_the_independent_verifier_in_docs_evidence_md_accepts_an_archive(tmp_path: Path) -> None:
    """The snippet auditors copy from the docs runs as printed, against a real archive."""
    import re
    import subprocess
    import sys

    docs = (Path(__file__).resolve().parents[2] / "docs" / "evidence.md").read_text()
    snippet = re.search(r"A minimal independent verifier.*?```python\n(.*?)```", docs, re.S)
    assert snippet is not None
    (tmp_path / "evidence.zip").write_bytes(_archive())
    (tmp_path / "audit-signing-key.pem.pub").write_text(public_key_pem(SIGNER.public_key))
    run = subprocess.run([sys.executable, "-c", snippet.group(1)], cwd=tmp_path, capture_output=True, text=True,
                         timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    (tmp_path / "evidence.zip").write_bytes(_rewrite(_archive(), _altered_file))
    tampered = subprocess.run([sys.executable, "-c", snippet.group(1)], cwd=tmp_path, capture_output=True,
                              text=True, timeout=60, check=False)
    assert tampered.returncode != 0
