"""HTTP for the staff inbox tools: canned responses and the full-text search over message text."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response, status

from engium.access.authentication import Requires
from engium.access.permissions import Permission
from engium.access.principal import Principal
from engium.conversations import canned_responses as canned
from engium.conversations.inbox_schemas import (
    CannedResponseCreate,
    CannedResponseOut,
    CannedResponseUpdate,
    MessageSearchPage,
)
from engium.conversations.schemas import Channel
from engium.conversations.search import MAX_QUERY_LENGTH, SearchFilters, check_query, search_messages
from engium.errors import Unprocessable
from engium.kit.pagination import PageRequest, page_request
from engium.kit.request_fields import IsoDatetime
from engium.kit.transaction import DbSession

router = APIRouter()

ConversationsRead = Annotated[Principal, Requires(Permission.CONVERSATIONS_READ)]
# Canned responses are the business's wording, shared by everyone who answers: a setting.
SettingsWrite = Annotated[Principal, Requires(Permission.SETTINGS_WRITE)]
Paging = Annotated[PageRequest, Depends(page_request)]


@router.get("/canned-responses", response_model=list[CannedResponseOut], tags=["canned responses"])
def list_canned_responses(principal: ConversationsRead, session: DbSession) -> list[CannedResponseOut]:
    return [CannedResponseOut.model_validate(c) for c in canned.list_canned_responses(session)]


@router.post("/canned-responses", response_model=CannedResponseOut, status_code=status.HTTP_201_CREATED,
             tags=["canned responses"])
def create_canned_response(
    body: CannedResponseCreate, principal: SettingsWrite, session: DbSession
) -> CannedResponseOut:
    return CannedResponseOut.model_validate(canned.create_canned_response(session, principal, body))


@router.get("/canned-responses/{canned_response_id:uuid}", response_model=CannedResponseOut, tags=["canned responses"])
def get_canned_response(
    canned_response_id: UUID, principal: ConversationsRead, session: DbSession
) -> CannedResponseOut:
    return CannedResponseOut.model_validate(canned.get_canned_response(session, canned_response_id))


@router.patch("/canned-responses/{canned_response_id:uuid}", response_model=CannedResponseOut,
              tags=["canned responses"])
def update_canned_response(
    canned_response_id: UUID, body: CannedResponseUpdate, principal: SettingsWrite, session: DbSession
) -> CannedResponseOut:
    return CannedResponseOut.model_validate(
        canned.update_canned_response(session, principal, canned_response_id, body)
    )


@router.delete("/canned-responses/{canned_response_id:uuid}", status_code=status.HTTP_204_NO_CONTENT,
               tags=["canned responses"])
def delete_canned_response(canned_response_id: UUID, principal: SettingsWrite, session: DbSession) -> Response:
    canned.delete_canned_response(session, principal, canned_response_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/messages/search", response_model=MessageSearchPage, tags=["conversations"],
    responses={422: {"description": "No word to search for, a control character in it, or `from` not before `to`"}},
)
def search(
    principal: ConversationsRead,
    session: DbSession,
    page: Paging,
    q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_LENGTH,
                            description="Words to find; \"a phrase\", `or` and `-word` work as in a web search")],
    channel: Channel | None = None,
    sent_from: Annotated[IsoDatetime | None, Query(alias="from", description="Sent at or after")] = None,
    sent_before: Annotated[IsoDatetime | None, Query(alias="to", description="Sent before")] = None,
) -> MessageSearchPage:
    if sent_from is not None and sent_before is not None and sent_from >= sent_before:
        raise Unprocessable("`from` must be before `to`", details={"field": "from"})
    filters = SearchFilters(q=check_query(q), channel=channel, sent_from=sent_from, sent_before=sent_before)
    return search_messages(session, principal, filters, page)

