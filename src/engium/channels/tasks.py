"""The channels' jobs: sending a queued SMS or WhatsApp reply, turning an e-mail reply into an e-mail, and
purging old replay ids."""

from __future__ import annotations

from uuid import UUID

import procrastinate

from engium.channels.email_replies import queue_email_reply
from engium.channels.sender import ChannelSender
from engium.conversations.outbound import EMAIL_REPLY_JOB, SEND_JOB
from engium.jobs import queue, runtime_of
from engium.kit.jobs import ScheduledRetry, attempt_number, attempt_or_give_up


def _sender(context: procrastinate.JobContext) -> ChannelSender:
    runtime = runtime_of(context)
    return ChannelSender(runtime.database, runtime.vault, runtime.settings.channels, clock=runtime.clock)


@queue.task(name=SEND_JOB, pass_context=True, retry=ScheduledRetry())
def send(context: procrastinate.JobContext, tenant_id: str, message_id: str) -> None:
    sender = _sender(context)
    tenant, message, attempt = UUID(tenant_id), UUID(message_id), attempt_number(context)
    attempt_or_give_up(
        context, sender.backoff,
        lambda: sender.attempt(tenant, message, attempt),
        lambda error: sender.give_up(tenant, message, attempt, error),
    )


@queue.task(name=EMAIL_REPLY_JOB, pass_context=True)
def email_reply(context: procrastinate.JobContext, tenant_id: str, message_id: str) -> None:
    """An e-mail conversation's reply becomes a queued e-mail (its own job, mail.send, sends and retries it)."""
    runtime = runtime_of(context)
    queue_email_reply(runtime.database, runtime.settings.mail, UUID(tenant_id), UUID(message_id))


@queue.task(name="channels.purge_replay_ids", pass_context=True, queue="maintenance",
            queueing_lock="channels.purge_replay_ids")
def purge_replay_ids(context: procrastinate.JobContext, timestamp: int) -> None:
    """Verified provider event ids are kept for replay protection, then purged (never before 7 days)."""
    _sender(context).purge_once()
