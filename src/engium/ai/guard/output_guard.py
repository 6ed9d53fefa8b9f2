"""The last guard step: check a model reply before anyone sees it.

What it looks for, and what it does:

* the conversation's canary, or a long stretch of the system prompt: the prompt leaked, so nothing in
  the reply can be trusted → **block** (send the fallback message);
* credentials: known vendor key formats, and the tenant's stored secret values themselves → **rewrite**
  (the span becomes ``[redacted]``);
* other tenants' identifiers and names, other contacts' email addresses and phone numbers → **rewrite**
  (``[removed]``);
* links (bare URLs, markdown links and images) to hosts outside the tenant's allow list → **rewrite**
  (a markdown link keeps its text, an image disappears: an image URL is fetched without a click, which
  makes it the classic exfiltration channel).

A rewrite that leaves almost nothing of the reply becomes a block. Findings carry a short masked
excerpt for the audit log; secret values are compared in memory and never logged or repeated.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from engium.ai.guard.secret_patterns import SECRET_PATTERNS, masked

Action = Literal["allow", "rewrite", "block"]

DEFAULT_FALLBACK = (
    "Sorry, I can't help with that here. A member of our team will follow up with you."
)
REDACTED = "[redacted]"
REMOVED = "[removed]"
LINK_REMOVED = "[link removed]"
_NGRAM = 8
# A reply may legitimately restate part of the business policy ("cancellations under 24 hours are
# charged 50 %"); reproducing a large share of the prompt, or a long stretch of it, is a leak.
_MIN_SHARED_NGRAMS = 12
_SHARED_FRACTION = 0.25
_MIN_SECRET_LENGTH = 8  # shorter "secrets" would match ordinary words
_MIN_KEPT_FRACTION = 0.3

_WORD = re.compile(r"\w+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE_LIKE = re.compile(r"\+?\d[\d\s().-]{6,}\d")
_MARKDOWN_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_MARKDOWN_LINK = re.compile(r"(?<!!)\[([^\]\n]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_BARE_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>()\[\]\"'`]+", re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;:!?"
_PLACEHOLDERS = re.compile(r"\[(?:redacted|removed|link removed)\]")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)


@dataclass(frozen=True)
class OutputContext:
    """What this reply must not contain. Secret values are excluded from ``repr`` so they never reach logs."""

    canary: str = field(repr=False)
    system_prompt: str = field(repr=False)
    secret_values: Sequence[str] = field(default=(), repr=False)
    forbidden_identifiers: Sequence[str] = field(default=(), repr=False)  # other tenants' ids and names
    forbidden_contacts: Sequence[str] = field(default=(), repr=False)  # other contacts' emails and phones
    allowed_link_hosts: Sequence[str] = ()  # "example.com" also allows its subdomains
    fallback_message: str = DEFAULT_FALLBACK


@dataclass(frozen=True)
class OutputFinding:
    kind: str  # "canary", "system_prompt_overlap", "secret:<format>", "stored_secret", "other_tenant", ...
    excerpt: str  # masked; safe to log


@dataclass(frozen=True)
class OutputVerdict:
    action: Action
    text: str  # what to send: the reply, the rewritten reply, or the fallback message
    findings: tuple[OutputFinding, ...] = ()

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(finding.kind for finding in self.findings))


def _ngrams(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i : i + _NGRAM]) for i in range(len(words) - _NGRAM + 1)}


def _system_prompt_overlap(reply: str, system_prompt: str) -> OutputFinding | None:
    prompt_grams = _ngrams(system_prompt)
    if not prompt_grams:
        return None
    shared = prompt_grams & _ngrams(reply)
    if len(shared) >= max(_MIN_SHARED_NGRAMS, _SHARED_FRACTION * len(prompt_grams)) or (
        len(prompt_grams) < _MIN_SHARED_NGRAMS and len(shared) == len(prompt_grams)
    ):
        example = " ".join(min(shared))
        return OutputFinding("system_prompt_overlap", f"{len(shared)} shared {_NGRAM}-word runs, e.g. '{example}'")
    return None


@dataclass
class _Rewrite:
    text: str
    findings: list[OutputFinding] = field(default_factory=list)

    def replace(self, pattern: re.Pattern[str], kind: str) -> None:
        def substitute(match: re.Match[str]) -> str:
            self.findings.append(OutputFinding(kind, masked(match.group(0))))
            return REDACTED

        self.text = pattern.sub(substitute, self.text)


def _mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _host_allowed(url: str, allowed: Sequence[str]) -> tuple[bool, str]:
    candidate = url if "://" in url else f"https://{url}"
    try:
        host = (urlsplit(candidate).hostname or "").rstrip(".").lower()
    except ValueError:
        return False, "unparseable URL"
    if not host:
        return False, "no host"
    hosts = {h.strip().lower().rstrip(".") for h in allowed if h.strip()}
    return any(host == h or host.endswith("." + h) for h in hosts), host


def _redact_secrets(rewrite: _Rewrite, secret_values: Sequence[str]) -> None:
    for secret in SECRET_PATTERNS:
        rewrite.replace(secret.pattern, f"secret:{secret.name}")
    for number, value in enumerate(secret_values, start=1):
        if len(value) >= _MIN_SECRET_LENGTH and value in rewrite.text:
            rewrite.text = rewrite.text.replace(value, REDACTED)
            # Which stored secret, never any part of it.
            rewrite.findings.append(OutputFinding("stored_secret", f"stored secret #{number}"))


def _remove_identifiers(rewrite: _Rewrite, identifiers: Sequence[str]) -> None:
    for raw in identifiers:
        identifier = raw.strip()
        if not identifier:
            continue
        spellings = [re.escape(identifier)]
        if _UUID.match(identifier):
            spellings.append(identifier.replace("-", ""))  # the same id without hyphens
        pattern = re.compile(rf"(?<!\w)(?:{'|'.join(spellings)})(?!\w)", re.IGNORECASE)
        rewrite.text, count = pattern.subn(REMOVED, rewrite.text)
        if count:
            rewrite.findings.append(OutputFinding("other_tenant", f"{identifier[:3]}***"))


def _remove_contacts(rewrite: _Rewrite, contacts: Sequence[str]) -> None:
    emails = {c.strip().lower() for c in contacts if "@" in c}
    phones = {_digits(c)[-9:] for c in contacts if "@" not in c and len(_digits(c)) >= 7}

    def email(match: re.Match[str]) -> str:
        if match.group(0).lower() in emails:
            rewrite.findings.append(OutputFinding("other_contact_email", _mask_email(match.group(0))))
            return REMOVED
        return match.group(0)

    def phone(match: re.Match[str]) -> str:
        # Compared on the last nine digits, so "+44 7700 900123" matches "07700900123".
        if _digits(match.group(0))[-9:] in phones:
            rewrite.findings.append(OutputFinding("other_contact_phone", f"***{_digits(match.group(0))[-3:]}"))
            return REMOVED
        return match.group(0)

    if emails:
        rewrite.text = _EMAIL.sub(email, rewrite.text)
    if phones:
        rewrite.text = _PHONE_LIKE.sub(phone, rewrite.text)


def _remove_links(rewrite: _Rewrite, allowed: Sequence[str]) -> None:
    def image(match: re.Match[str]) -> str:
        ok, host = _host_allowed(match.group(2), allowed)
        if ok:
            return match.group(0)
        rewrite.findings.append(OutputFinding("image_link", host))
        return ""

    def link(match: re.Match[str]) -> str:
        ok, host = _host_allowed(match.group(2), allowed)
        if ok:
            return match.group(0)
        rewrite.findings.append(OutputFinding("link", host))
        return match.group(1) or LINK_REMOVED

    def bare(match: re.Match[str]) -> str:
        url = match.group(0).rstrip(_TRAILING_PUNCTUATION)
        tail = match.group(0)[len(url) :]
        ok, host = _host_allowed(url, allowed)
        if ok:
            return match.group(0)
        rewrite.findings.append(OutputFinding("link", host))
        return LINK_REMOVED + tail

    rewrite.text = _MARKDOWN_IMAGE.sub(image, rewrite.text)
    rewrite.text = _MARKDOWN_LINK.sub(link, rewrite.text)
    rewrite.text = _BARE_URL.sub(bare, rewrite.text)


def _leaks_canary(reply: str, canary: str) -> bool:
    # The random part alone counts too: a model asked to "print the canary" may drop the prefix.
    lowered = reply.lower()
    random_part = canary.rsplit("-", 1)[-1]
    return bool(canary) and (
        canary.lower() in lowered or (len(random_part) >= 12 and random_part.lower() in lowered)
    )


def check_reply(reply: str, ctx: OutputContext) -> OutputVerdict:
    """Decide what to do with a model reply: send it, send a cleaned version, or send the fallback."""
    if _leaks_canary(reply, ctx.canary):
        return OutputVerdict("block", ctx.fallback_message, (OutputFinding("canary", "canary value in reply"),))
    overlap = _system_prompt_overlap(reply, ctx.system_prompt)
    if overlap is not None:
        return OutputVerdict("block", ctx.fallback_message, (overlap,))

    rewrite = _Rewrite(reply)
    _redact_secrets(rewrite, ctx.secret_values)
    _remove_identifiers(rewrite, ctx.forbidden_identifiers)
    _remove_contacts(rewrite, ctx.forbidden_contacts)
    _remove_links(rewrite, ctx.allowed_link_hosts)
    if not rewrite.findings:
        return OutputVerdict("allow", reply)
    findings = tuple(rewrite.findings)
    kept = len(_WORD.findall(_PLACEHOLDERS.sub(" ", rewrite.text)))
    if kept < _MIN_KEPT_FRACTION * len(_WORD.findall(reply)) or kept < 3:
        return OutputVerdict("block", ctx.fallback_message, findings)
    return OutputVerdict("rewrite", rewrite.text, findings)
