"""Which customers' events may go to endpoints the business marked as sharing personal data (for example
a marketing tool): none of those who opted out of sale or sharing (CCPA "Do Not Sell or Share", Global
Privacy Control).

Consent lives in ``privacy/``, which sits above this package (it reads the endpoints for the record of
processing), so the check is installed by the composition root on the database's sessions, like the audit
sealer. A session without one fails closed: sharing endpoints receive no event about any customer.
"""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from sqlalchemy.orm import Session, sessionmaker

SHARING_INFO_KEY = "engium_sharing_check"


class SharingCheck(Protocol):
    def __call__(self, session: Session, contact_id: UUID) -> bool:
        """Whether the contact opted out of sale or sharing."""


def install_sharing_check(sessions: sessionmaker[Session], check: SharingCheck) -> None:
    info = dict(sessions.kw.get("info") or {})
    info[SHARING_INFO_KEY] = check
    sessions.configure(info=info)


def may_share(session: Session, contact_id: UUID) -> bool:
    check: SharingCheck | None = session.info.get(SHARING_INFO_KEY)
    return check is not None and not check(session, contact_id)
