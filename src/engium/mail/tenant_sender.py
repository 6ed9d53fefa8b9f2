"""A business's own SMTP sender (ADR 0046): its e-mails leave through its server, else through the operator's.

The non-secret half (host, port, security, username, From) is a ``tenant_mail_senders`` row; the password is
a vault credential (kind ``smtp``, name "sender"), encrypted like every other integration secret, decrypted
only to send (access-logged ``credential.used``) and never returned: the API says only that it is set.

The host is the business's choice, so it passes the SSRF rules of outbound webhooks (webhooks/ssrf.py, handed
in by the composition root as an :data:`AddressRefusal`, since webhooks/ sits above mail/): every address it
resolves to must be public (the test settings open loopback the way the webhook tests do), checked when it is
saved and again before every send. Plain text (``none``) is for a relay on this host only, as for
the operator's settings: a password never crosses a network in clear.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, SecretStr, StringConstraints, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.audit import recorder as audit
from engium.audit.actions import AuditAction
from engium.crypto.keyring import DataKeyRing
from engium.errors import NotFound, Unprocessable
from engium.integrations import service as credentials
from engium.integrations.schemas import CredentialCreate, CredentialKind, CredentialRotate
from engium.mail.models import TenantMailSender
from engium.mail.settings import DEFAULT_PORTS, MailSettings, Security, is_loopback, parse_sender

CREDENTIAL_NAME = "sender"
COMPONENT = "mail.sender"
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Why an address may not be reached (a sentence for the business), or None when it may.
AddressRefusal = Callable[[IPAddress], str | None]
# (host, port) -> every address the host resolves to. Replaceable for tests.
Resolver = Callable[[str, int], list[str]]
OneWord = Annotated[str, StringConstraints(min_length=1, max_length=253, pattern=r"^[^\s\x00-\x1f\x7f]+$")]


class SenderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    host: OneWord
    # Unset: 587 for starttls, 465 for tls, 25 for none.
    port: int | None = Field(default=None, ge=1, le=65535)
    security: Security = "starttls"
    username: Annotated[str, StringConstraints(min_length=1, max_length=320, pattern=r"^[^\s\x00-\x1f\x7f]+$")]
    password: Annotated[SecretStr, Field(min_length=8, max_length=1024)]
    # "reservations@salon.example" or "Salon <reservations@salon.example>": one header-safe address.
    from_address: Annotated[str, StringConstraints(min_length=3, max_length=320)]

    @field_validator("from_address")
    @classmethod
    def _one_sender(cls, value: str) -> str:
        parse_sender(value)
        return value


class SenderOut(BaseModel):
    host: str
    port: int
    security: str
    username: str
    from_address: str
    # The password is write-only: a response only says that one is stored.
    password_set: bool
    updated_at: datetime


def sender_row(session: Session) -> TenantMailSender | None:
    """The bound tenant's sender (RLS), if it configured one."""
    return session.execute(select(TenantMailSender)).scalar_one_or_none()


def shown(row: TenantMailSender) -> SenderOut:
    return SenderOut(host=row.host, port=row.port, security=row.security, username=row.username,
                     from_address=row.from_address, password_set=True, updated_at=row.updated_at)


def system_resolver(host: str, port: int) -> list[str]:
    return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)})


def check_host(host: str, security: str, refusal: AddressRefusal, resolver: Resolver | None = None) -> None:
    """Raises :class:`Unprocessable` with the rule broken: a non-public address, or plain text off this host."""
    if security == "none" and not is_loopback(host):
        raise Unprocessable("security 'none' (plain text) is only allowed for a relay on this host; use starttls "
                            "or tls")
    resolve = resolver or system_resolver
    try:
        candidates = [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        try:
            candidates = resolve(host, DEFAULT_PORTS[security])
        except (OSError, UnicodeError):
            raise Unprocessable("the SMTP host name could not be resolved") from None
    if not candidates:
        raise Unprocessable("the SMTP host name could not be resolved")
    for candidate in candidates:
        try:
            reason = refusal(ipaddress.ip_address(candidate))
        except ValueError:
            reason = "an invalid address"
        if reason is not None:
            raise Unprocessable(f"the SMTP host resolves to {reason}; only public mail servers can be used")


def configure(session: Session, vault: DataKeyRing, principal: Principal, body: SenderIn,
              refusal: AddressRefusal) -> TenantMailSender:
    """Creates or replaces the bound tenant's sender; the password goes into the vault (rotated, no grace)."""
    check_host(body.host, body.security, refusal)
    row = sender_row(session)
    if row is None:
        credential = credentials.create_credential(session, vault, principal, CredentialCreate(
            kind=CredentialKind.SMTP, name=CREDENTIAL_NAME, secret=body.password))
        row = TenantMailSender(tenant_id=principal.tenant_id, credential_id=credential.id)
        session.add(row)
    else:
        credentials.rotate_credential(session, vault, principal, row.credential_id,
                                      CredentialRotate(secret=body.password, grace_period_hours=0.0))
    row.host, row.port, row.security = body.host.lower(), body.port or DEFAULT_PORTS[body.security], body.security
    row.username, row.from_address, row.updated_at = body.username, body.from_address, datetime.now(UTC)
    session.flush()
    audit.record(session, principal, AuditAction.MAIL_SENDER_CONFIGURED, resource_type="mail_sender",
                 resource_id=principal.tenant_id,
                 details={"host": row.host, "port": row.port, "security": row.security, "password_set": True})
    return row


def remove(session: Session, principal: Principal) -> None:
    row = sender_row(session)
    if row is None:
        raise NotFound("No e-mail sender is configured")
    # Deleting the credential deletes the sender row with it (on delete cascade).
    credentials.delete_credential(session, principal, row.credential_id)
    audit.record(session, principal, AuditAction.MAIL_SENDER_REMOVED, resource_type="mail_sender",
                 resource_id=principal.tenant_id, details={"host": row.host})


def has_sender(session: Session) -> bool:
    return sender_row(session) is not None


def settings_for(session: Session, vault: DataKeyRing | None, operator: MailSettings,
                 refusal: AddressRefusal) -> MailSettings:
    """The settings the bound tenant's e-mails are sent with: its own server when it has one (host checked
    again, password decrypted and access-logged), else the operator's. Timeouts and retries stay the operator's.
    Raises :class:`Unprocessable` when the tenant's host is no longer acceptable (it resolved elsewhere)."""
    row = sender_row(session)
    if row is None or vault is None:
        return operator
    check_host(row.host, row.security, refusal)
    password = credentials.reveal_secret(session, vault, credentials.SystemCaller(COMPONENT), row.credential_id,
                                         purpose="mail_send")
    return operator.model_copy(update={
        "host": row.host, "port": row.port, "security": row.security, "username": row.username,
        "password": SecretStr(password.reveal_text()), "mail_from": row.from_address,
    })
