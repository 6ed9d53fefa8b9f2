"""A business's own SMTP sender in tests: its settings pointing at a test server, and the runtime whose settings
open loopback to the SSRF rules (as the outbound webhook tests do)."""

from __future__ import annotations

from typing import Any

from engium.mail.settings import MailSettings
from engium.runtime import Runtime
from engium.webhooks.settings import WebhookSettings
from tests.job_queue import runtime_with
from tests.mail.conftest import SmtpServer

PASSWORD = "Tenant-Pw-5e0c9a71-never-shown"
SENDER_FROM = "Salon Rosa <bookings@salon-rosa.example>"
# The operator sends nothing in these tests unless one says so: every e-mail here needs the tenant's sender.
NO_OPERATOR = MailSettings(retry_delays_seconds=[60.0], retry_jitter=0.0, timeout_seconds=5.0,
                           connect_timeout_seconds=2.0)


def local_runtime(runtime: Runtime, mail: MailSettings = NO_OPERATOR) -> Runtime:
    """The test settings that open loopback to the SSRF rules, as the outbound webhook tests do."""
    return runtime_with(runtime, mail=mail, webhooks=WebhookSettings(allow_private_networks=True, allow_http=True))


def sender_body(server: SmtpServer, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"host": "127.0.0.1", "port": server.port, "security": "none", "username": "salon-rosa",
                            "password": PASSWORD, "from_address": SENDER_FROM}
    return body | changes
