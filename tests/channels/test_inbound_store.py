"""The one-statement inbound store (store_inbound_message, migration 0043, ADR 0051): it runs as the caller under
the transaction's tenant binding, so forced row-level security decides what it sees and may write, exactly as
it did for the ORM's statements; and racing first messages from one number still make one contact."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DataError, DBAPIError

from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.channels.inbound_helpers import ChannelTenant, sms_params, twilio_request
from tests.conftest import TenantHandle, make_tenant

CALL = text(
    "select * from store_inbound_message(cast(:tenant as uuid), 'sms', :field, :identifier, '', 'hello',"
    " cast(:contact as uuid), cast(:conversation as uuid), cast(:message as uuid), now(), null, null)"
)


def _call(tenant: uuid.UUID, identifier: str, field: str = "phone") -> dict[str, Any]:
    return {"tenant": str(tenant), "field": field, "identifier": identifier, "contact": str(uuid.uuid4()),
            "conversation": str(uuid.uuid4()), "message": str(uuid.uuid4())}


def _count(runtime: Runtime, tenant: TenantHandle, table: str) -> int:
    with tenant_transaction(runtime.database, tenant.id) as session:
        return int(session.execute(text(f"select count(*) from {table}")).scalar_one())


def test_it_runs_as_the_caller_not_as_its_owner(runtime: Runtime) -> None:
    with runtime.database.transaction() as session:
        definer = session.execute(text(
            "select prosecdef from pg_proc where proname = 'store_inbound_message'"
        )).scalar_one()
    assert definer is False, "SECURITY INVOKER: row-level security applies to every statement inside"


def test_it_cannot_write_into_another_business(runtime: Runtime, tenant: TenantHandle,
                                               other_tenant: TenantHandle) -> None:
    with pytest.raises(DBAPIError, match="row-level security"), tenant_transaction(runtime.database,
                                                                                  tenant.id) as session:
        session.execute(CALL, _call(other_tenant.id, "+14155550001"))
    assert _count(runtime, other_tenant, "messages") == 0
    assert _count(runtime, other_tenant, "contacts") == 0


def test_it_never_finds_another_businesss_contact(runtime: Runtime, tenant: TenantHandle,
                                                  other_tenant: TenantHandle) -> None:
    with tenant_transaction(runtime.database, other_tenant.id) as session:
        theirs = session.execute(CALL, _call(other_tenant.id, "+14155550002")).one()
    with tenant_transaction(runtime.database, tenant.id) as session:
        ours = session.execute(CALL, _call(tenant.id, "+14155550002")).one()
    assert ours.contact_created
    assert ours.stored_contact_id != theirs.stored_contact_id
    assert ours.conversation_created
    assert ours.stored_conversation_id != theirs.stored_conversation_id
    assert _count(runtime, other_tenant, "messages") == 1
    assert _count(runtime, tenant, "messages") == 1


def test_without_a_bound_tenant_it_stores_nothing(runtime: Runtime, tenant: TenantHandle) -> None:
    with pytest.raises(DBAPIError, match="row-level security"), runtime.database.transaction() as session:
        session.execute(CALL, _call(tenant.id, "+14155550003"))
    assert _count(runtime, tenant, "contacts") == 0


def test_an_unknown_identifier_field_is_refused(runtime: Runtime, tenant: TenantHandle) -> None:
    with pytest.raises(DataError, match="unknown identifier field"), tenant_transaction(runtime.database,
                                                                                        tenant.id) as session:
        session.execute(CALL, _call(tenant.id, "x", field="name; drop table contacts"))
    assert _count(runtime, tenant, "contacts") == 0


def test_a_returning_identifier_finds_its_contact_and_open_conversation(runtime: Runtime,
                                                                        tenant: TenantHandle) -> None:
    with tenant_transaction(runtime.database, tenant.id) as session:
        first = session.execute(CALL, _call(tenant.id, "ext:visitor-1", field="widget_id")).one()
        second = session.execute(CALL, _call(tenant.id, "ext:visitor-1", field="widget_id")).one()
    assert (first.contact_created, first.conversation_created) == (True, True)
    assert (second.contact_created, second.conversation_created) == (False, False)
    assert (second.stored_contact_id, second.stored_conversation_id) == (
        first.stored_contact_id, first.stored_conversation_id)
    # The same clock reading (one transaction's now()): still stored after the first, never beside it.
    assert second.stored_at > first.stored_at
    assert _count(runtime, tenant, "messages") == 2


def test_racing_first_messages_from_one_number_make_one_contact(
    client: TestClient, runtime: Runtime, ct: ChannelTenant
) -> None:
    sender = "+14155550777"

    def deliver(_: int) -> int:
        body, headers = twilio_request(ct.twilio_path(), sms_params("SM" + uuid.uuid4().hex, sender=sender))
        return client.post(ct.twilio_path(), content=body, headers=headers).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(deliver, range(6)))
    assert answers == [200] * 6
    with tenant_transaction(runtime.database, ct.tenant.id) as session:
        contacts = session.execute(text("select count(*) from contacts where phone = :p"), {"p": sender}).scalar_one()
        messages = session.execute(text("select count(*) from messages")).scalar_one()
        linked = session.execute(text("select count(message_id) from inbound_deliveries")).scalar_one()
    assert (contacts, messages, linked) == (1, 6, 6)


def test_another_business_bound_sees_none_of_the_stored_rows(runtime: Runtime, tenant: TenantHandle) -> None:
    stranger = make_tenant(runtime)
    with tenant_transaction(runtime.database, tenant.id) as session:
        session.execute(CALL, _call(tenant.id, "+14155550004"))
    for table in ("contacts", "conversations", "messages"):
        assert _count(runtime, stranger, table) == 0
