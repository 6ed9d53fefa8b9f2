"""Access review: who can act in the tenant, with what role, MFA state and API keys, and what changed.

A snapshot at export time (members, keys) plus the window's changes from the audit log (members added,
removed or re-roled, keys created or revoked, invitations), so a reviewer can reconcile the two. Member
e-mail addresses are staff data the review needs; no password, TOTP or key material is read (repository.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from engium.audit.actions import AuditAction
from engium.evidence import repository
from engium.evidence.files import EvidenceFile, json_file
from engium.evidence.scope import TenantScope

CHANGES = (
    AuditAction.MEMBER_ADDED, AuditAction.MEMBER_ROLE_CHANGED, AuditAction.MEMBER_REMOVED,
    AuditAction.APIKEY_CREATED, AuditAction.APIKEY_REVOKED, AuditAction.INVITATION_CREATED,
    AuditAction.INVITATION_REVOKED, AuditAction.INVITATION_ACCEPTED, AuditAction.AUTH_MFA_ENABLED,
    AuditAction.SETTINGS_UPDATED,
)


def collect(scope: TenantScope) -> list[EvidenceFile]:
    session, window = scope.session, scope.window
    members = repository.members(session)
    keys = repository.api_keys(session)
    mfa_required = repository.mfa_required(session)
    active_keys = [k for k in keys if k["revoked_at"] is None]
    summary = {
        "as_of": scope.now.isoformat(),
        "mfa_required_by_tenant": mfa_required,
        "members": len(members),
        "members_by_role": _count(m["role"] for m in members),
        "members_without_mfa": [m["email"] for m in members if not m["mfa_enabled"]],
        "api_keys_active": len(active_keys),
        "api_keys_active_by_role": _count(k["role"] for k in active_keys),
        "api_keys_active_never_used": [str(k["id"]) for k in active_keys if k["last_used_at"] is None],
    }
    return [
        json_file("summary.json", summary),
        json_file("members.json", {"as_of": scope.now.isoformat(), "mfa_required_by_tenant": mfa_required,
                                   "members": members}),
        json_file("api-keys.json", {"as_of": scope.now.isoformat(), "api_keys": keys}),
        json_file("invitations.json", {"window": window.as_dict(),
                                       "invitations": repository.invitations(session, window.start, window.end)}),
        json_file("changes.json", {"window": window.as_dict(),
                                   "events": repository.events(session, CHANGES, window.start, window.end)}),
    ]


def _count(values: Iterable[object]) -> dict[str, int]:
    return dict(sorted(Counter(str(v) for v in values).items()))
