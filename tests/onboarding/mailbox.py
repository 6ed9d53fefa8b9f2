"""Reading what the real SMTP server (tests/mail/conftest.py) received: the link an e-mail carries."""

from __future__ import annotations

import email
import re
from email.message import Message

from tests.mail.conftest import SmtpServer

LINK = re.compile(r"(https?://\S+)")


def messages_to(server: SmtpServer, address: str) -> list[Message]:
    found = []
    for received in server.collector.messages:
        if address in received.recipients:
            found.append(email.message_from_bytes(received.content))
    return found


def body_of(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def link_in(message: Message) -> str:
    found = LINK.search(body_of(message))
    assert found is not None, body_of(message)
    return found.group(1)


def path_of(link: str) -> str:
    """The link's path and query, for the in-process client (the host is the server's public URL)."""
    return "/" + link.split("://", 1)[1].split("/", 1)[1]
