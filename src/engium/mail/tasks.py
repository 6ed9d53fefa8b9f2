"""The e-mail job: one attempt at sending one queued e-mail (sender.py), retried on the settings' schedule."""

from __future__ import annotations

from uuid import UUID

import procrastinate

from engium.jobs import queue, runtime_of
from engium.kit.jobs import ScheduledRetry, attempt_number, attempt_or_give_up
from engium.mail.sender import MailSender
from engium.mail.service import SEND_JOB


@queue.task(name=SEND_JOB, pass_context=True, retry=ScheduledRetry())
def send(context: procrastinate.JobContext, tenant_id: str, mail_id: str) -> None:
    runtime = runtime_of(context)
    sender = MailSender(runtime.database, runtime.settings.mail, clock=runtime.clock, vault=runtime.vault,
                        refusal=runtime.smtp_address_refusal, on_settled=runtime.mail_settled)
    tenant, mail, attempt = UUID(tenant_id), UUID(mail_id), attempt_number(context)
    # 4xx replies and connection errors raise: retried after the backoff, then failed by give_up; a 5xx
    # reply fails the e-mail at once. An unexpected error (a bug, the database gone) follows the same path.
    attempt_or_give_up(
        context, sender.backoff,
        lambda: sender.attempt(tenant, mail, attempt),
        lambda error: sender.give_up(tenant, mail, error),
    )
