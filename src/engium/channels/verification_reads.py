"""Everything a signed webhook needs before its signature can be checked, in one round trip (ADR 0048).

Resolving the URL's public id, binding the transaction to that tenant, asking whether it is suspended,
reading its public base URL, the credentials of the provider's kind and its data-key rows were five round
trips (with ``BEGIN``) through the ORM. They are independent of each other except for the binding, so
they go out as one psycopg pipeline on the request transaction's own connection (as jobs.defer uses it):
PostgreSQL runs them in order, so the reads after the first run under the binding it made, and forced
RLS decides what they see, exactly as before. An unknown public id binds ``''`` (no tenant): the reads
then see nothing, and the caller refuses before any use of them. Nothing is written here; the
signature is checked by the caller, in Python, before any write.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, LiteralString
from uuid import UUID

import psycopg
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from engium.channels.store import MAX_PUBLIC_ID_CHARS, RESOLVE_AND_BIND_SQL
from engium.crypto.repository import DataKeyRow
from engium.errors import TenantSuspended
from engium.integrations.models import IntegrationCredential
from engium.integrations.schemas import CredentialKind

_RESOLVE_AND_BIND: LiteralString = RESOLVE_AND_BIND_SQL.replace(":p", "%(p)s")
_BASE_URL: LiteralString = "select public_base_url from tenant_settings"
_COLUMNS = ("tenant_id", "id", "kind", "name", "ciphertext", "key_version", "last4", "config", "created_at",
            "rotated_at", "previous_ciphertext", "previous_valid_until")
_CREDENTIALS: LiteralString = (
    "select tenant_id, id, kind, name, ciphertext, key_version, last4, metadata, created_at, rotated_at,"
    " previous_ciphertext, previous_valid_until from integration_credentials where kind = %(k)s order by name"
)
_DATA_KEYS: LiteralString = "select version, wrapped_key, root_key_id, encryptions from tenant_data_keys"


@dataclass(frozen=True)
class VerificationReads:
    tenant_id: UUID
    public_base_url: str | None
    # The tenant's credentials of the requested kind, as read (detached: nothing here is ever written).
    credentials: list[IntegrationCredential]
    data_keys: dict[int, DataKeyRow]


def read_for_verification(session: Session, public_id: str, kind: CredentialKind) -> VerificationReads | None:
    """The tenant behind ``public_id`` (the transaction now bound to it) and what verifying its ``kind``
    webhooks needs; None for an unknown id. A suspended business is refused (:class:`TenantSuspended`)."""
    if not public_id or len(public_id) > MAX_PUBLIC_ID_CHARS or not public_id.isascii():
        return None
    connection: psycopg.Connection[Any] = session.connection().connection.driver_connection  # type: ignore[assignment]
    try:
        with connection.pipeline():
            bound = connection.execute(_RESOLVE_AND_BIND, {"p": public_id})
            settings = connection.execute(_BASE_URL)
            credentials = connection.execute(_CREDENTIALS, {"k": kind.value})
            keys = connection.execute(_DATA_KEYS)
        tenant = bound.fetchone()
        settings_row = settings.fetchone()
        credential_rows = credentials.fetchall()
        key_rows = keys.fetchall()
    except psycopg.Error as exc:
        # Wrapped like every ORM statement's error, so an unreachable database still answers 503.
        raise DBAPIError.instance("webhook verification reads", None, exc, psycopg.Error) from exc
    if tenant is None or tenant[0] is None:
        return None
    if tenant[-1]:
        raise TenantSuspended()
    return VerificationReads(
        tenant_id=tenant[0],
        public_base_url=settings_row[0] if settings_row else None,
        credentials=[IntegrationCredential(**dict(zip(_COLUMNS, row, strict=True))) for row in credential_rows],
        data_keys={int(v): DataKeyRow(int(v), bytes(w), str(r), int(e)) for v, w, r, e in key_rows},
    )
