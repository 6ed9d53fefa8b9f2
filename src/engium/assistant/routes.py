"""HTTP for the assistant's hand-over: staff give an escalated conversation back to the assistant."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter

from engium.access.authentication import Requires
from engium.access.permissions import Permission
from engium.access.principal import Principal
from engium.assistant.escalation import hand_back
from engium.conversations.schemas import ConversationOut
from engium.kit.transaction import DbSession

router = APIRouter()

ConversationsWrite = Annotated[Principal, Requires(Permission.CONVERSATIONS_WRITE)]


@router.post(
    "/conversations/{conversation_id:uuid}/handback",
    response_model=ConversationOut,
    tags=["conversations"],
    responses={409: {"description": "The conversation is not escalated"}},
)
def handback(conversation_id: UUID, principal: ConversationsWrite, session: DbSession) -> ConversationOut:
    """Ends a hand-over: status back to "open", and the assistant answers the customer's next message."""
    return ConversationOut.model_validate(hand_back(session, principal, conversation_id))
