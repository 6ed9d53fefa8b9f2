"""A customer's message from a provider channel, stored in one round trip (ADR 0051).

The contact (found by the identifier the channel verified, or created), their open conversation on the
channel (locked, or created), the message, the conversation's timestamps, the provider delivery's link to
the message and the live inbox's announcement are one call of ``store_inbound_message`` (migration 0043), a
SECURITY INVOKER function: it runs on the request transaction's own connection under its tenant binding, so
forced row-level security sees and checks every row as it did for the ORM's six to nine statements.

The audit events these changes need are recorded by the caller from what the call returns; their network
values (the sender's IP address and user agent) are sealed under the month's key, whose row is read in the
same round trip (a psycopg pipeline, as the verification reads do) when this transaction has not read it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, LiteralString
from uuid import UUID

import psycopg
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.audit.personal import sealer_of
from engium.audit.recorder import network_key_for
from engium.conversations import repository as repo
from engium.conversations.contacts import IdentifierField
from engium.conversations.schemas import Channel
from engium.crypto.subject_keys import KEY_ROW_SQL, key_row_known, remember_key_row

_STORE: LiteralString = (
    "select stored_contact_id, contact_created, stored_conversation_id, conversation_created, stored_at"
    " from store_inbound_message(%(tenant_id)s::uuid, %(channel)s::text, %(field)s::text, %(identifier)s::text,"
    " %(name)s::text, %(body)s::text, %(contact_id)s::uuid, %(conversation_id)s::uuid, %(message_id)s::uuid,"
    " %(at)s::timestamptz, %(provider)s::text, %(event_id)s::text)"
)


@dataclass(frozen=True)
class StoredArrival:
    contact_id: UUID
    contact_created: bool
    conversation_id: UUID
    conversation_created: bool
    message_id: UUID
    stored_at: datetime


def store_arrival(
    session: Session, actor: Principal, *, channel: Channel, field: IdentifierField, identifier: str, name: str,
    body: str, at: datetime, delivery: tuple[str, str] | None = None,
) -> StoredArrival:
    """Stores the message (``body`` as it is to be stored) for the bound tenant; ``delivery``: the
    (provider, event id) of the claimed ``inbound_deliveries`` row that this message fulfils."""
    tenant_id = actor.tenant_id
    message_id = uuid.uuid4()
    params = {
        "tenant_id": tenant_id, "channel": channel, "field": field, "identifier": identifier, "name": name,
        "body": body, "contact_id": uuid.uuid4(), "conversation_id": uuid.uuid4(), "message_id": message_id,
        "at": at, "provider": delivery[0] if delivery else None, "event_id": delivery[1] if delivery else None,
    }
    key = network_key_for(actor) if sealer_of(session) is not None else None
    if key is not None and key_row_known(session, key.id):
        key = None
    # Rows the ORM holds back would otherwise reach the database after this statement, not before it.
    session.flush()
    connection: psycopg.Connection[Any] = session.connection().connection.driver_connection  # type: ignore[assignment]
    try:
        if key is None:
            row = connection.execute(_STORE, params).fetchone()
            key_row = None
        else:
            with connection.pipeline():
                stored = connection.execute(_STORE, params)
                read_key = connection.execute(KEY_ROW_SQL, {"key_id": key.id})
            row, key_row = stored.fetchone(), read_key.fetchone()
    except psycopg.Error as exc:
        # Wrapped like every ORM statement's error: a lost database answers 503, a violated check 4xx/5xx
        # exactly as the ORM's insert would have.
        raise DBAPIError.instance("store_inbound_message", None, exc, psycopg.Error) from exc
    assert row is not None  # a function call always returns its one row
    if key is not None and key_row is not None:
        remember_key_row(session, key.id, key_row[0])
    contact_id, contact_created, conversation_id, conversation_created, stored_at = row
    repo.announced_elsewhere(session, tenant_id, conversation_id)
    return StoredArrival(contact_id, contact_created, conversation_id, conversation_created, message_id, stored_at)
