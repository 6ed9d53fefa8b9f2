"""E-mailing one staff notification: the ``notifications.email`` job's work, with the worker's SMTP settings.

The e-mail names the business, what happened and a link into the staff app, never the customer's name or
words: it leaves the system through the operator's relay. The notification's row is locked and its state
checked first, so a retried job never queues a second e-mail.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.mail.service import can_send, queue_mail
from engium.mail.settings import MailSettings
from engium.notifications import repository as repo
from engium.notifications.models import NotificationKind
from engium.notifications.service import COMPONENT, NOT_CONFIGURED, PENDING, QUEUED, TITLES, link
from engium.tenancy import service as tenancy


def email_notification(session: Session, tenant_id: UUID, notification_id: UUID, *, mail: MailSettings,
                       base_url: str) -> str | None:
    """Queues the e-mail of a pending notification; returns its new state (None: nothing was pending)."""
    notification = repo.locked(session, notification_id)
    if notification is None or notification.email_state != PENDING:
        return None
    if not can_send(session, mail):
        notification.email_state = NOT_CONFIGURED
        return NOT_CONFIGURED
    email = {m.user_id: m.email for m in repo.members_with_preferences(session)}.get(notification.user_id)
    if email is None:  # the member left since: nobody to tell
        notification.email_state = NOT_CONFIGURED
        return NOT_CONFIGURED
    business = tenancy.get_settings(session).business_name
    title = TITLES[NotificationKind(notification.kind)]
    body = (f"{title} at {business}.\n\nOpen it in Engium: {link(base_url, notification)}\n\n"
            "You receive this because you are assigned or on call. "
            f"Change your notification settings at {base_url}/notifications.\n")
    notification.email_id = queue_mail(session, Principal.system(tenant_id, COMPONENT), mail, to=email,
                                       subject=f"{business}: {title}", body=body)
    notification.email_state = QUEUED
    return QUEUED
