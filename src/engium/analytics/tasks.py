"""The analytics job: asking the customer of a resolved conversation for a satisfaction rating."""

from __future__ import annotations

from uuid import UUID

import procrastinate

from engium.analytics import ratings
from engium.assistant.turn import assistant_principal
from engium.conversations import service as conversations
from engium.conversations.outbound import RATING_JOB
from engium.jobs import queue, runtime_of
from engium.tenancy.binding import tenant_transaction


@queue.task(name=RATING_JOB, pass_context=True)
def ask_rating(context: procrastinate.JobContext, tenant_id: str, conversation_id: str) -> None:
    """Asks once; a conversation reopened, erased or already asked since the customer last wrote is left be."""
    tenant = UUID(tenant_id)
    with tenant_transaction(runtime_of(context).database, tenant) as session:
        conversation = conversations.conversation_by_id(session, UUID(conversation_id), for_update=True)
        if conversation is not None:
            ratings.ask_after_resolution(session, assistant_principal(tenant), conversation)
