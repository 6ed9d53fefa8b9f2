"""Public widget keys: chosen by the server, never by the tenant.

A widget key names the tenant a website's chat widget writes to. It is public (it sits in the
business's page source), so a key a tenant could choose is a key another tenant could copy: the
resolver refuses a key held by two tenants, and the copy would silence the original's widget. The
server therefore draws every key at random when a widget credential is created and refuses one sent
by the client. Uniqueness across tenants rests on that randomness: this project's isolation rules forbid
a global unique index on a tenant table, and 192 random bits make a collision unthinkable.
"""

from __future__ import annotations

import secrets

METADATA_KEY = "public_widget_key"
PREFIX = "wk_"
RANDOM_BYTES = 24  # 32 URL-safe characters


def new_widget_key() -> str:
    return PREFIX + secrets.token_urlsafe(RANDOM_BYTES)
