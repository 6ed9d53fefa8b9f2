"""Shapes of credentials that must never appear in an assistant reply, and how to show one safely.

Each pattern is the vendor's documented or long-observed key format (the same families secret scanners
such as GitHub push protection and gitleaks look for). Matching is deliberately specific: a reply
that merely says "sk-" or "AKIA" is not a leak.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engium.identity.credentials import API_KEY_PREFIX


@dataclass(frozen=True)
class SecretPattern:
    name: str
    pattern: re.Pattern[str]


SECRET_PATTERNS: tuple[SecretPattern, ...] = (
    SecretPattern("pem_private_key", re.compile(
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY"
        r"(?: BLOCK)?-----|\Z)")),
    SecretPattern("anthropic_api_key", re.compile(r"\bsk-ant-[A-Za-z0-9_-]{20,}")),
    SecretPattern("openai_api_key", re.compile(r"\bsk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}")),
    SecretPattern("stripe_secret_key", re.compile(r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}")),
    SecretPattern("aws_access_key_id", re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA|AIDA|AROA)[A-Z0-9]{16}\b")),
    SecretPattern("aws_secret_access_key", re.compile(
        r"(?i)\baws_?secret(?:_?access)?_?key\b\s*[:=]\s*[\"']?[A-Za-z0-9/+=]{40}")),
    SecretPattern("github_token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})")),
    SecretPattern("slack_token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    SecretPattern("slack_webhook", re.compile(r"https://hooks\.slack\.com/services/[A-Za-z0-9/]{20,}")),
    SecretPattern("google_api_key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}")),
    SecretPattern("sendgrid_api_key", re.compile(r"\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}")),
    SecretPattern("jwt", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
    SecretPattern("engium_api_key", re.compile(rf"\b{re.escape(API_KEY_PREFIX)}[A-Za-z0-9_-]{{20,}}")),
)


def masked(secret: str) -> str:
    """Enough to recognise which secret it was (its first four characters and length), never the secret."""
    return f"{secret[:4]}… ({len(secret)} chars)"
