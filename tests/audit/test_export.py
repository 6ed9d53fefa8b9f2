"""An export verifies offline; one changed byte in an event, or an altered signature, is named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engium.audit.export import iter_export_lines, verify_export_lines
from engium.audit.signing import Checkpoint, KeyRing, SigningKey, export_public_keys
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.audit.conftest import append, engium_cli, seal
from tests.conftest import TenantHandle


def _export(runtime: Runtime, tenant: TenantHandle) -> list[str]:
    with tenant_transaction(runtime.database, tenant.id) as session:
        return list(iter_export_lines(session, tenant.id, export_public_keys(runtime.settings)))


@pytest.fixture
def exported(runtime: Runtime, tenant: TenantHandle) -> list[str]:
    for n in range(4):
        append(runtime, tenant.id, details={"n": n, "note": "café"})
        seal(runtime)
    append(runtime, tenant.id)  # one unsealed event at the tail
    return _export(runtime, tenant)


def _event_index(lines: list[str], seq: int) -> int:
    for index, line in enumerate(lines):
        data = json.loads(line)
        if data["type"] == "event" and data["seq"] == seq:
            return index
    raise AssertionError(f"no event {seq}")


def test_export_layout_and_offline_verification(exported: list[str], tenant: TenantHandle) -> None:
    records = [json.loads(line) for line in exported]
    header = records[0]
    assert header["type"] == "header"
    assert header["format"] == "engium-audit-export-v1"
    assert header["tenant_id"] == str(tenant.id)
    assert header["public_keys"][0]["key_id"]
    events = [r for r in records if r["type"] == "event"]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert events[-2]["details"] == {"n": 3, "note": "café"}
    assert len(events[-1]["fields"]) == 14
    assert {"prev_hash", "hash", "occurred_at", "actor_kind", "action", "outcome", "ip"} <= set(events[-1])
    report = verify_export_lines(exported)
    assert report.findings == []
    assert report.events == len(events)
    assert report.checkpoints >= 4
    assert report.unsealed == 1


def _flip(line: str, needle: str) -> str:
    """Changes exactly one byte: the first character after ``needle``."""
    at = line.index(needle) + len(needle)
    replacement = "0" if line[at] != "0" else "1"
    return line[:at] + replacement + line[at + 1:]


@pytest.mark.parametrize("needle", ['"fields":["engium-audit-v1","', '"n":', '"action":"', '"hash":"', '"prev_hash":"'])
def test_one_changed_byte_in_an_event_is_named(exported: list[str], needle: str) -> None:
    seq = json.loads(exported[-3])["seq"]
    index = _event_index(exported, seq)
    tampered = list(exported)
    tampered[index] = _flip(exported[index], needle)
    assert tampered[index] != exported[index]
    first = verify_export_lines(tampered).first
    assert first is not None
    assert first.seq == seq, first


def test_an_altered_checkpoint_signature_is_named(exported: list[str]) -> None:
    index = next(i for i, line in enumerate(exported) if json.loads(line)["type"] == "checkpoint")
    seq = json.loads(exported[index])["seq"]
    tampered = list(exported)
    tampered[index] = _flip(exported[index], '"signature":"')
    first = verify_export_lines(tampered).first
    assert first is not None
    assert first.seq == seq
    assert "signature" in first.reason


def test_a_rewritten_export_fails_against_a_pinned_key(exported: list[str], runtime: Runtime) -> None:
    """Re-signing with another key passes only when the file's own keys are trusted."""
    forger = SigningKey(Ed25519PrivateKey.generate())
    header = json.loads(exported[0])
    header["public_keys"] = forger.key_ring().describe()
    lines = [json.dumps(header) + "\n"]
    for line in exported[1:]:
        data = json.loads(line)
        if data["type"] == "checkpoint":
            original = Checkpoint.from_json({k: v for k, v in data.items() if k != "type"})
            forged = forger.sign(original.tenant_id, original.seq, original.head_hash, original.sealed_at)
            data = {"type": "checkpoint", **forged.to_json()}
        lines.append(json.dumps(data) + "\n")
    assert verify_export_lines(lines).findings == []
    pinned = KeyRing.from_pems(k["public_key_pem"] for k in export_public_keys(runtime.settings))
    first = verify_export_lines(lines, pinned).first
    assert first is not None
    assert "unknown key" in first.reason


def test_cli_export_and_verify_export(tenant: TenantHandle, runtime: Runtime, data_dir: Path, tmp_path: Path) -> None:
    append(runtime, tenant.id)
    seal(runtime)
    target = tmp_path / "audit.jsonl"
    exported = engium_cli(data_dir, "audit", "export", "--tenant", str(tenant.id), "--output", str(target))
    assert exported.returncode == 0, exported.stderr
    checked = engium_cli(None, "audit", "verify-export", str(target))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "export intact" in checked.stdout

    lines = target.read_text().splitlines(keepends=True)
    last = len(lines) - 1
    seq = json.loads(lines[last])["seq"]
    lines[last] = _flip(lines[last], '"hash":"')
    target.write_text("".join(lines))
    broken = engium_cli(None, "audit", "verify-export", str(target))
    assert broken.returncode == 1
    assert f"seq {seq}:" in broken.stdout
