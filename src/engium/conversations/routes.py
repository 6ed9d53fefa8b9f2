"""HTTP for contacts, conversations, messages, escalation and handoff."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import BaseModel
from sqlalchemy import Row as SaRow

from engium.access.authentication import Requires
from engium.access.permissions import Permission
from engium.access.principal import Principal
from engium.access.read_transaction import ReadsWith, ReadTransaction
from engium.conversations import contacts, service
from engium.conversations import repository as repo
from engium.conversations.list_read_route import CONVERSATION_FIELDS, conversation_page
from engium.conversations.models import Contact, Conversation, Message
from engium.conversations.schemas import (
    AssignRequest,
    Channel,
    ContactCreate,
    ContactOut,
    ContactUpdate,
    ConversationCreate,
    ConversationOut,
    ConversationStatus,
    ConversationUpdate,
    EscalateRequest,
    MessageCreate,
    MessageOut,
)
from engium.kit.pagination import Page, PageRequest, encode_cursor, page_json, page_request
from engium.kit.transaction import DbSession

router = APIRouter()

ContactsRead = Annotated[Principal, Requires(Permission.CONTACTS_READ)]
ContactsWrite = Annotated[Principal, Requires(Permission.CONTACTS_WRITE)]
ConversationsRead = Annotated[Principal, Requires(Permission.CONVERSATIONS_READ)]
ConversationsWrite = Annotated[Principal, Requires(Permission.CONVERSATIONS_WRITE)]
ContactsReadTransaction = Annotated[ReadTransaction, ReadsWith(Permission.CONTACTS_READ)]
ConversationsReadTransaction = Annotated[ReadTransaction, ReadsWith(Permission.CONVERSATIONS_READ)]
Paging = Annotated[PageRequest, Depends(page_request)]

Row = TypeVar("Row", Contact, Conversation, Message, SaRow[Any])
Out = TypeVar("Out", bound=BaseModel)
CONTACT_FIELDS = tuple(ContactOut.model_fields)


def _page(rows: list[Row], page: PageRequest, out: type[Out], key: Callable[[Row], datetime]) -> Page[Out]:
    """Repositories return one row past the limit; its presence means there is a next page."""
    items = rows[: page.limit]
    next_cursor = encode_cursor(key(items[-1]), items[-1].id) if len(rows) > page.limit else None
    return Page(items=[out.model_validate(row) for row in items], next_cursor=next_cursor)


# Contacts


@router.get("/contacts", response_model=Page[ContactOut], tags=["contacts"])
async def list_contacts(
    read: ContactsReadTransaction,
    page: Paging,
    q: Annotated[str | None, Query(max_length=200, description="Matches name, email or phone")] = None,
) -> Response:
    # On the event loop like the conversation list (ADR 0034).
    params = repo.contact_page_params(cursor=page.cursor, limit=page.limit, q=q.strip() if q else None)
    query, columns = repo.contact_page_sql(params)
    rows = await read.fetch_and_commit(query, params)
    return page_json(rows, columns, page, CONTACT_FIELDS, sort_key="created_at")


@router.post("/contacts", response_model=ContactOut, status_code=status.HTTP_201_CREATED, tags=["contacts"])
def create_contact(body: ContactCreate, principal: ContactsWrite, session: DbSession) -> ContactOut:
    return ContactOut.model_validate(contacts.create_contact(session, principal, body))


@router.get("/contacts/{contact_id:uuid}", response_model=ContactOut, tags=["contacts"])
def get_contact(contact_id: UUID, principal: ContactsRead, session: DbSession) -> ContactOut:
    return ContactOut.model_validate(contacts.view_contact(session, principal, contact_id))


@router.patch("/contacts/{contact_id:uuid}", response_model=ContactOut, tags=["contacts"])
def update_contact(
    contact_id: UUID, body: ContactUpdate, principal: ContactsWrite, session: DbSession
) -> ContactOut:
    return ContactOut.model_validate(contacts.update_contact(session, principal, contact_id, body))


@router.delete("/contacts/{contact_id:uuid}", status_code=status.HTTP_204_NO_CONTENT, tags=["contacts"])
def delete_contact(contact_id: UUID, principal: ContactsWrite, session: DbSession) -> Response:
    contacts.delete_contact(session, principal, contact_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# Conversations


@router.get("/conversations", response_model=Page[ConversationOut], tags=["conversations"])
async def list_conversations(
    read: ConversationsReadTransaction,
    page: Paging,
    status_filter: Annotated[ConversationStatus | None, Query(alias="status")] = None,
    channel: Channel | None = None,
    assignee_user_id: UUID | None = None,
    contact_id: UUID | None = None,
) -> Response:
    # The hot read (ADR 0034): on the event loop, rows straight to the JSON Page[ConversationOut] would give.
    # A plain request (no filter) is answered by list_read_route.ConversationListRoute before it gets here
    # (ADR 0049), with the same conversation_page; this route answers the rest and describes the document.
    filters = {"status": status_filter, "channel": channel, "assignee_user_id": assignee_user_id,
               "contact_id": contact_id}
    rows, columns = await conversation_page(read, page, filters)
    return page_json(rows, columns, page, CONVERSATION_FIELDS, sort_key="last_message_at")


@router.post(
    "/conversations", response_model=ConversationOut, status_code=status.HTTP_201_CREATED, tags=["conversations"]
)
def create_conversation(
    body: ConversationCreate, principal: ConversationsWrite, session: DbSession
) -> ConversationOut:
    return ConversationOut.model_validate(service.create_conversation(session, principal, body))


@router.get("/conversations/{conversation_id:uuid}", response_model=ConversationOut, tags=["conversations"])
def get_conversation(conversation_id: UUID, principal: ConversationsRead, session: DbSession) -> ConversationOut:
    return ConversationOut.model_validate(service.view_conversation(session, principal, conversation_id))


@router.patch("/conversations/{conversation_id:uuid}", response_model=ConversationOut, tags=["conversations"])
def update_conversation(
    conversation_id: UUID, body: ConversationUpdate, principal: ConversationsWrite, session: DbSession
) -> ConversationOut:
    return ConversationOut.model_validate(
        service.update_conversation(session, principal, conversation_id, body)
    )


@router.post("/conversations/{conversation_id:uuid}/escalate", response_model=ConversationOut, tags=["conversations"])
def escalate(
    conversation_id: UUID, body: EscalateRequest, principal: ConversationsWrite, session: DbSession
) -> ConversationOut:
    return ConversationOut.model_validate(service.escalate(session, principal, conversation_id, body.reason))


@router.post("/conversations/{conversation_id:uuid}/assign", response_model=ConversationOut, tags=["conversations"])
def assign(
    conversation_id: UUID, body: AssignRequest, principal: ConversationsWrite, session: DbSession
) -> ConversationOut:
    return ConversationOut.model_validate(service.assign(session, principal, conversation_id, body.user_id))


@router.post("/conversations/{conversation_id:uuid}/resolve", response_model=ConversationOut, tags=["conversations"])
def resolve(conversation_id: UUID, principal: ConversationsWrite, session: DbSession) -> ConversationOut:
    return ConversationOut.model_validate(service.resolve(session, principal, conversation_id))


# Messages


@router.get(
    "/conversations/{conversation_id:uuid}/messages", response_model=Page[MessageOut], tags=["conversations"]
)
def list_messages(
    conversation_id: UUID, principal: ConversationsRead, session: DbSession, page: Paging
) -> Page[MessageOut]:
    rows = service.list_messages(session, principal, conversation_id, page)
    return _page(rows, page, MessageOut, lambda message: message.created_at)


@router.post(
    "/conversations/{conversation_id:uuid}/messages",
    response_model=MessageOut,
    status_code=status.HTTP_201_CREATED,
    tags=["conversations"],
)
def post_message(
    conversation_id: UUID, body: MessageCreate, principal: ConversationsWrite, session: DbSession
) -> MessageOut:
    return MessageOut.model_validate(service.post_message(session, principal, conversation_id, body))
