"""Every generated DPA is kept: its canonical JSON, SHA-256 and Ed25519 signature (the audit log's key, as
deletion certificates are signed), and an owner's acceptance of one version. A newer version shows what
changed since the accepted one, line by line.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engium.access.permissions import Role
from engium.access.principal import Principal
from engium.audit import recorder as audit
from engium.audit.actions import AuditAction
from engium.audit.signing import KeyRing, SigningKey
from engium.errors import Conflict, Forbidden, NotFound
from engium.trust.dpa_document import FORMAT, text_lines
from engium.trust.models import DpaAcceptance, DpaVersion


def canonical(document: Mapping[str, Any]) -> str:
    """The exact text that is hashed and signed: sorted keys, no spaces."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), default=str)


def store_version(session: Session, principal: Principal, document: Mapping[str, Any],
                  signer: SigningKey) -> DpaVersion:
    # Two generations at once race for the same number: the primary key refuses the second (409).
    latest = session.execute(select(func.max(DpaVersion.version))).scalar_one_or_none() or 0
    body = canonical({**document, "version": latest + 1})
    row = DpaVersion(tenant_id=principal.tenant_id, version=latest + 1, document=body,
                     sha256=hashlib.sha256(body.encode()).hexdigest(), signature=signer.sign_document(FORMAT, body),
                     key_id=signer.key_id, generated_at=datetime.now(UTC))
    session.add(row)
    session.flush()
    audit.record(session, principal, AuditAction.DPA_GENERATED, resource_type="dpa", resource_id=row.version,
                 details={"version": row.version, "sha256": row.sha256, "key_id": row.key_id})
    return row


def versions(session: Session) -> list[DpaVersion]:
    return list(session.execute(select(DpaVersion).order_by(DpaVersion.version.desc())).scalars())


def get_version(session: Session, version: int) -> DpaVersion:
    row = session.execute(select(DpaVersion).where(DpaVersion.version == version)).scalar_one_or_none()
    if row is None:
        raise NotFound("DPA version not found")
    return row


def acceptances(session: Session) -> dict[int, DpaAcceptance]:
    return {a.version: a for a in session.execute(select(DpaAcceptance)).scalars()}


def accepted_version(session: Session) -> DpaVersion | None:
    """The latest version an owner accepted."""
    accepted = acceptances(session)
    return get_version(session, max(accepted)) if accepted else None


def accept(session: Session, principal: Principal, version: int) -> DpaAcceptance:
    if principal.role is not Role.OWNER:
        raise Forbidden("only the business's owner can accept the DPA")
    row = get_version(session, version)
    if version in acceptances(session):
        raise Conflict("this version is already accepted")
    acceptance = DpaAcceptance(tenant_id=principal.tenant_id, version=version,
                               accepted_by=principal.user_id or principal.id, accepted_at=datetime.now(UTC))
    session.add(acceptance)
    session.flush()
    audit.record(session, principal, AuditAction.DPA_ACCEPTED, resource_type="dpa", resource_id=version,
                 details={"version": version, "sha256": row.sha256})
    return acceptance


def document_of(row: DpaVersion) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(row.document)
    return parsed


def changes_since(accepted: DpaVersion | None, row: DpaVersion) -> list[str]:
    """The unified diff of the shown lines, from the accepted version to ``row`` (empty: nothing accepted,
    the same version, or no change)."""
    if accepted is None or accepted.version == row.version:
        return []
    diff = difflib.unified_diff(text_lines(document_of(accepted)), text_lines(document_of(row)),
                                fromfile=f"version {accepted.version} (accepted)", tofile=f"version {row.version}",
                                lineterm="", n=0)
    return list(diff)


def signature_text(row: DpaVersion) -> str:
    return base64.b64encode(bytes(row.signature)).decode("ascii")


def verify(row: DpaVersion, keys: KeyRing) -> str | None:
    """None when the stored document still matches its hash and signature, else what is wrong."""
    if hashlib.sha256(row.document.encode()).hexdigest() != row.sha256:
        return "the document does not match its SHA-256"
    return keys.document_problem(FORMAT, row.document, row.key_id, bytes(row.signature))
