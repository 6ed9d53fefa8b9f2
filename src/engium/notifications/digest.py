"""The daily digest: once a day, after ``DIGEST_HOUR`` in the business's time zone, each member who asked
for it gets one e-mail counting what they were notified of in the last 24 hours, with a link to each.

The hourly job may run on several workers at once, and twice in an hour after a retry: the member's
preference row is locked (``skip locked``) and stamped with the local day it went out, in the same
transaction as the e-mail it queues, so each member gets at most one digest a day. A day with nothing to
report sends nothing (but is stamped, so a late notification does not start a second digest that day).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.audit.actions import AuditAction
from engium.audit.recorder import record
from engium.kit.time_zones import zone_or_utc
from engium.mail.service import can_send, queue_mail
from engium.mail.settings import MailSettings
from engium.notifications import repository as repo
from engium.notifications.models import NotificationKind
from engium.notifications.service import COMPONENT, TITLES, link
from engium.tenancy import service as tenancy

DIGEST_HOUR = 8
MAX_LINKS = 50


def send_digests(session: Session, tenant_id: UUID, now: datetime, *, mail: MailSettings, base_url: str) -> int:
    """Queues the bound tenant's digests that are due at ``now``; returns how many were queued."""
    if not can_send(session, mail):
        return 0
    settings = tenancy.get_settings(session)
    local = now.astimezone(zone_or_utc(settings.timezone))
    if local.hour < DIGEST_HOUR:
        return 0
    principal = Principal.system(tenant_id, COMPONENT)
    sent = 0
    emails = {member.user_id: member.email for member in repo.members_with_preferences(session)}
    for preference in repo.digest_subscribers(session):
        if preference.last_digest_on == local.date():
            continue
        preference.last_digest_on = local.date()
        email = emails.get(preference.user_id)
        items = repo.since(session, preference.user_id, now - timedelta(days=1))
        if email is None or not items:
            continue
        counts = Counter(NotificationKind(item.kind) for item in items)
        lines = [f"- {TITLES[kind]}: {count}" for kind, count in sorted(counts.items())]
        links = [f"- {TITLES[NotificationKind(item.kind)]}: {link(base_url, item)}" for item in items[:MAX_LINKS]]
        body = (f"What happened at {settings.business_name} in the last 24 hours:\n\n" + "\n".join(lines)
                + "\n\n" + "\n".join(links)
                + f"\n\nAll notifications: {base_url}/notifications\n")
        mail_id = queue_mail(session, principal, mail, to=email,
                             subject=f"{settings.business_name}: your daily summary", body=body)
        record(session, principal, AuditAction.NOTIFICATION_DIGEST_SENT, resource_type="notification_preferences",
               resource_id=preference.user_id, details={"mail_id": mail_id, "notifications": len(items)})
        sent += 1
    session.flush()
    return sent
