"""How large a request body each kind of route accepts (enforced by ``kit.body_limit``).

Each cap is the largest body a legitimate client can need, derived from the limits the routes enforce
themselves, so no valid request is refused and no anonymous one can make the server buffer more:

* JSON API (the default), 1 MiB: a conversation message is at most 10,000 characters, an integration
  secret 4,096; every body outside the two routes below is well under 100 KB.
* Tenant settings, 6 MiB: up to 200 FAQs of 500 + 4,000 characters plus the persona and the address
  fields, about 918,000 characters. An encoder that escapes non-ASCII (Python's ``json.dumps`` does by
  default) writes each as a 6-byte ``\\uXXXX``: about 5.3 MiB.
* Pasted documents, 15 MiB + 64 KiB: the text may be 5 MiB in UTF-8 (``knowledge.service.prepare``
  refuses more). Escaped as above, a 2-byte character becomes 6 bytes: at most three times that.
* Uploads, 5 MiB + 64 KiB: the 5 MiB file (``MAX_UPLOAD_BYTES``) and the multipart framing around it,
  boundaries, part headers and the title and kind fields (a 500-character title is at most 2 KB).
* Inbound webhooks, 256 KiB: ``DEFAULT_MAX_BODY_BYTES``, which the channel guard checks again.
"""

from __future__ import annotations

import re

from engium.channels.verify.webhook_common import DEFAULT_MAX_BODY_BYTES
from engium.kit.body_limit import BodyLimit
from engium.knowledge.service import MAX_UPLOAD_BYTES

KiB = 1024
MiB = 1024 * KiB

JSON_MAX_BODY_BYTES = 1 * MiB
SETTINGS_MAX_BODY_BYTES = 6 * MiB
# Escaping non-ASCII as \uXXXX at most triples UTF-8 text (2 bytes -> 6); the rest is title and framing.
PASTED_DOCUMENT_MAX_BODY_BYTES = 3 * MAX_UPLOAD_BYTES + 64 * KiB
UPLOAD_MAX_BODY_BYTES = MAX_UPLOAD_BYTES + 64 * KiB
WEBHOOK_MAX_BODY_BYTES = DEFAULT_MAX_BODY_BYTES


def body_limits(api_prefix: str) -> tuple[BodyLimit, ...]:
    """The caps other than the JSON default, first match wins: uploads before the pasted-document paths
    they would otherwise also match."""
    documents = re.escape(f"{api_prefix}/knowledge/documents")
    return (
        # The staff web app's knowledge forms (engium/web): the same file and text limits as the API. A
        # URL-encoded form escapes each non-ASCII byte as %XX: like JSON's escaping, at most three times.
        BodyLimit(re.compile(r"/knowledge/upload"), UPLOAD_MAX_BODY_BYTES),
        BodyLimit(re.compile(r"/knowledge/documents"), PASTED_DOCUMENT_MAX_BODY_BYTES),
        BodyLimit(re.compile(rf"{documents}(/[^/]+)?/upload"), UPLOAD_MAX_BODY_BYTES),
        BodyLimit(re.compile(rf"{documents}(/[^/]+)?"), PASTED_DOCUMENT_MAX_BODY_BYTES),
        BodyLimit(re.compile(re.escape(f"{api_prefix}/settings")), SETTINGS_MAX_BODY_BYTES),
        BodyLimit(re.compile(r"/webhooks/.*"), WEBHOOK_MAX_BODY_BYTES),
    )
