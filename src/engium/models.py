"""Every domain's tables in one MetaData, for Alembic and the schema drift test."""

from engium.analytics import models as _analytics
from engium.assistant import models as _assistant
from engium.audit import models as _audit
from engium.bookings import models as _bookings
from engium.calendars import models as _calendars
from engium.channels import email_models as _email_channels
from engium.channels import models as _channels
from engium.channels import widget_privacy_models as _widget_privacy
from engium.conversations import contact_proof_models as _contact_proofs
from engium.conversations import models as _conversations
from engium.crypto import models as _crypto
from engium.identity import models as _identity
from engium.incidents import models as _incidents
from engium.integrations import models as _integrations
from engium.kit.orm import Base
from engium.knowledge import models as _knowledge
from engium.mail import models as _mail
from engium.notifications import models as _notifications
from engium.privacy import models as _privacy
from engium.tenancy import models as _tenancy
from engium.trust import models as _trust
from engium.webhooks import models as _webhooks

metadata = Base.metadata

__all__ = [
    "_analytics",
    "_assistant",
    "_audit",
    "_bookings",
    "_calendars",
    "_channels",
    "_contact_proofs",
    "_conversations",
    "_crypto",
    "_email_channels",
    "_identity",
    "_incidents",
    "_integrations",
    "_knowledge",
    "_mail",
    "_notifications",
    "_privacy",
    "_tenancy",
    "_trust",
    "_webhooks",
    "_widget_privacy",
    "metadata",
]
