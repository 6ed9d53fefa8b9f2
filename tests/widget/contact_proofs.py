"""Reading the one-time codes a widget visitor is sent (ADR 0043): the texted one from the outbound message the
SMS channel would send, the e-mailed one from what a real aiosmtpd server received."""

from __future__ import annotations

import email
import re
import time

from engium.runtime import Runtime
from tests.assistant.helpers import Salon, rows
from tests.mail.conftest import SmtpServer


def texted_code(runtime: Runtime, salon: Salon, phone: str = "+447700900123") -> str:
    """The code in the newest text queued for ``phone``."""
    found = rows(runtime, salon.tenant, "select m.body from messages m join conversations c on c.id = "
                                        "m.conversation_id join contacts k on k.id = c.contact_id where "
                                        "c.channel = 'sms' and m.direction = 'outbound' and k.phone = :phone "
                                        "order by m.created_at desc limit 1", phone=phone)
    assert found, "no code was texted"
    return only_code(str(found[0][0]))


def emailed_codes(smtp: SmtpServer, address: str) -> list[str]:
    """Every code e-mailed to ``address``, oldest first."""
    codes = []
    for received in smtp.collector.messages:
        if address not in received.recipients:
            continue
        payload = email.message_from_bytes(received.content).get_payload(decode=True)
        assert isinstance(payload, bytes)
        codes.append(only_code(payload.decode()))
    return codes


def only_code(text: str) -> str:
    (code,) = re.findall(r"\b\d{6}\b", text)
    return str(code)


def arriving_code(smtp: SmtpServer, address: str, wait_seconds: float = 20.0) -> str:
    """The code in the first e-mail to ``address`` that a live server's worker sends, once it arrives."""
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        codes = emailed_codes(smtp, address)
        if codes:
            return codes[0]
        time.sleep(0.2)
    raise AssertionError(f"no e-mail reached the SMTP server within {wait_seconds} s")
