"""Deletion certificates: what an erasure removed, per store, with counts and the time, signed with the
audit log's Ed25519 key so that anyone holding the published public key can check it offline:

    engium privacy verify-certificate certificate.json --public-key audit-key.pem

The statement names the request and the contact only by their random ids, which point at nothing once the
contact is gone; it carries no name, phone, e-mail or text.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from engium.audit.signing import KeyRing, SigningKey
from engium.privacy.models import PrivacyCertificate, PrivacyRequest

FORMAT = "engium-deletion-certificate-v1"


def statement_text(statement: Mapping[str, Any]) -> str:
    """The exact text that is signed: canonical JSON (sorted keys, no spaces)."""
    return json.dumps(statement, sort_keys=True, separators=(",", ":"), default=str)


def issue_certificate(session: Session, request: PrivacyRequest, counts: Mapping[str, int],
                      signer: SigningKey) -> dict[str, Any]:
    issued_at = datetime.now(UTC)
    statement = {
        "format": FORMAT, "tenant_id": str(request.tenant_id), "request_id": str(request.id),
        "contact_id": str(request.contact_id), "regime": request.regime,
        "received_at": request.received_at.isoformat(), "erased_at": issued_at.isoformat(),
        "erased": dict(sorted(counts.items())),
        "audit_log": "personal values sealed under the person's keys; keys destroyed (crypto-shredded)",
    }
    body = statement_text(statement)
    signature = signer.sign_document(FORMAT, body)
    session.add(PrivacyCertificate(tenant_id=request.tenant_id, request_id=request.id, statement=body,
                                   signature=signature, key_id=signer.key_id, issued_at=issued_at))
    return certificate_document(body, signer.key_id, signature)


def certificate_document(statement: str, key_id: str, signature: bytes) -> dict[str, Any]:
    return {"statement": statement, "key_id": key_id, "signature": base64.b64encode(signature).decode("ascii")}


def verify_certificate(document: Mapping[str, Any], keys: KeyRing) -> tuple[dict[str, Any] | None, str | None]:
    """The statement and ``None`` when the certificate is authentic, else ``None`` and why not."""
    statement, key_id, signature = document.get("statement"), document.get("key_id"), document.get("signature")
    if not isinstance(statement, str) or not isinstance(key_id, str) or not isinstance(signature, str):
        return None, "not a deletion certificate (statement, key_id and signature are required)"
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        return None, "the signature is not base64"
    problem = keys.document_problem(FORMAT, statement, key_id, raw)
    if problem is not None:
        return None, problem
    parsed = json.loads(statement)
    if not isinstance(parsed, dict) or parsed.get("format") != FORMAT:
        return None, "not a deletion certificate"
    return parsed, None
