"""What a reply must not contain, for the output guard (ai.guard.output_guard.OutputContext).

The output guard compares a reply with explicit lists. Some lists cannot be written down in advance,
so they are computed from the reply itself, as "everything of this shape that is not allowed":

* **Other tenants' identifiers.** The app role cannot see other tenants (RLS), so their ids cannot be
  listed. Every UUID in a reply (with or without hyphens) that is not one of this turn's own ids (the
  tenant, conversation, contact, message and the ids in the reply's sources) is forbidden, and so is
  any token shaped like a tenant's public id (12 URL-safe base64 characters mixing upper case, lower
  case and digits) other than this tenant's own.
* **Other people's contact details.** E-mail addresses and phone numbers in a reply are allowed only
  when they are the business's own published ones (settings, or an address at one of its link hosts)
  or the current customer's own; every other one is removed (compared on the last nine digits).
* **Stored credentials.** Decrypting a secret is access-logged (``credential.used``), so the vault is
  not opened for every reply. Vendor key formats are caught by pattern. A stored secret is decrypted
  only when the reply holds a token-like run of 16+ characters that contains the credential's stored
  ``last4`` hint; then that credential alone is decrypted and compared. Secrets shorter than 16
  characters have no hint (integrations.service.HINT_MIN_LENGTH) and are caught by pattern only.
* **Links** outside the tenant's allow list (``tenant_settings.link_allow_list`` and its website's
  host) are removed by the output guard itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy.orm import Session

from engium.ai.guard.output_guard import OutputContext
from engium.assistant.phrasebook import say
from engium.assistant.turn import Reply, TurnContext
from engium.crypto.keyring import DataKeyRing
from engium.integrations import service as integrations
from engium.tenancy.service import get_tenant

SAFE_FALLBACK = say("en", "safe_fallback")  # the English; replies use the customer's language
OUTPUT_GUARD_CALLER = integrations.SystemCaller("assistant.output_guard")

_UUID = re.compile(
    r"(?<![0-9A-Za-z])[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}(?![0-9A-Za-z])"
)
_PUBLIC_ID = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{12}(?![A-Za-z0-9_-])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d\s().-]{6,}\d")
_DATE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}")
_TOKEN = re.compile(r"[A-Za-z0-9_\-+/=.]{16,}")
_MIN_PHONE_DIGITS = 9


def _plain_uuid(text: str) -> str:
    return text.replace("-", "").lower()


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _allowed_ids(ctx: TurnContext, reply: Reply) -> set[str]:
    ids = {ctx.tenant_id, ctx.conversation_id, ctx.contact_id, ctx.message_id}
    allowed = {_plain_uuid(str(i)) for i in ids}
    for source in reply.sources:
        allowed.update(_plain_uuid(found) for found in _UUID.findall(source))
    return allowed


def foreign_identifiers(text: str, ctx: TurnContext, reply: Reply, own_public_id: str) -> list[str]:
    allowed = _allowed_ids(ctx, reply)
    found = [m for m in _UUID.findall(text) if _plain_uuid(m) not in allowed]
    for token in _PUBLIC_ID.findall(text):
        mixed = any(c.isupper() for c in token) and any(c.islower() for c in token) and any(c.isdigit() for c in token)
        if mixed and token != own_public_id:
            found.append(token)
    return list(dict.fromkeys(found))


def _host_allowed(domain: str, hosts: Iterable[str]) -> bool:
    return any(domain == h or domain.endswith("." + h) for h in hosts)


def foreign_contacts(text: str, ctx: TurnContext) -> list[str]:
    business = ctx.business
    emails = {e.strip().lower() for e in (business.email, ctx.contact_email) if e}
    phones = {_digits(p)[-_MIN_PHONE_DIGITS:] for p in (business.phone, ctx.contact_phone) if p and _digits(p)}
    found: list[str] = []
    for email in _EMAIL.findall(text):
        lowered = email.lower()
        if lowered not in emails and not _host_allowed(lowered.rsplit("@", 1)[1], business.link_hosts):
            found.append(email)
    for phone in _PHONE.findall(text):
        digits = _digits(phone)
        if len(digits) >= _MIN_PHONE_DIGITS and not _DATE.search(phone) and digits[-_MIN_PHONE_DIGITS:] not in phones:
            found.append(phone)
    return list(dict.fromkeys(found))


def stored_secrets_in(session: Session, vault: DataKeyRing | None, text: str) -> list[str]:
    """The stored secrets that may appear in ``text``, decrypted only when their hint does."""
    tokens = _TOKEN.findall(text)
    if vault is None or not tokens:
        return []
    found: list[str] = []
    for credential in integrations.list_credentials(session):
        if credential.last4 and any(credential.last4 in token for token in tokens):
            secret = integrations.reveal_secret(session, vault, OUTPUT_GUARD_CALLER, credential.id,
                                                purpose="output_guard")
            found.append(secret.reveal_text())
    return found


def output_context(
    session: Session, ctx: TurnContext, reply: Reply, *, canary: str, system_prompt: str, vault: DataKeyRing | None
) -> OutputContext:
    own_public_id = get_tenant(session).public_id
    return OutputContext(
        canary=canary,
        system_prompt=system_prompt,
        secret_values=tuple(stored_secrets_in(session, vault, reply.text)),
        forbidden_identifiers=tuple(foreign_identifiers(reply.text, ctx, reply, own_public_id)),
        forbidden_contacts=tuple(foreign_contacts(reply.text, ctx)),
        allowed_link_hosts=ctx.business.link_hosts,
        fallback_message=say(ctx.language, "safe_fallback"),
    )
