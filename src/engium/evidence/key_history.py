"""Key rotation history: the tenant's data-key versions and the window's rotations; never key material.

Each version shows its state (active, retired), the root key id that wraps it (a name, not a key), when
it was created and last re-wrapped, and how many encryptions it has made (the nonce budget).
"""

from __future__ import annotations

from engium.audit.actions import AuditAction
from engium.evidence import repository
from engium.evidence.files import EvidenceFile, json_file
from engium.evidence.scope import TenantScope

ROTATIONS = (AuditAction.KEY_DATA_ROTATED, AuditAction.KEY_ROOT_ROTATED, AuditAction.CREDENTIAL_ROTATED)


def collect(scope: TenantScope) -> list[EvidenceFile]:
    versions = repository.data_keys(scope.session)
    created = [v["created_at"] for v in versions]
    rewrapped = [v["rewrapped_at"] for v in versions if v["rewrapped_at"] is not None]
    return [
        json_file("data-keys.json", {
            "as_of": scope.now.isoformat(),
            "active_version": next((v["version"] for v in versions if v["state"] == "active"), None),
            "last_data_key_rotation": max(created) if len(created) > 1 else None,
            "last_root_rewrap": max(rewrapped) if rewrapped else None,
            "versions": versions,
        }),
        json_file("rotations.json", {
            "window": scope.window.as_dict(),
            "events": repository.events(scope.session, ROTATIONS, scope.window.start, scope.window.end),
        }),
    ]
