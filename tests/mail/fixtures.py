"""An e-mail row for the populated tenant of the cross-tenant suites (tests/tenancy/fixtures.py)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from engium.mail.models import OutboundMail


def add_mail_row(session: Session, tenant_id: uuid.UUID, contact_id: uuid.UUID) -> None:
    """A sent e-mail: settled, so no test's worker ever sends it anywhere."""
    session.add(OutboundMail(
        tenant_id=tenant_id, id=uuid.uuid4(), contact_id=contact_id, recipient="ada@example.com",
        subject="Your code", body="", status="sent", attempts=1, smtp_message_id="<m@example.com>",
        sent_at=datetime.now(UTC),
    ))
    session.flush()
