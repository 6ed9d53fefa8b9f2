"""``engium mail test --to ADDRESS``: sends one e-mail through the configured SMTP server, now, and says
what happened in one line, so an operator can check ``ENGIUM_SMTP_*`` before anything depends on it.

Synchronous and outside the database: no tenant, no row, no job; the same client and message as the
``mail.send`` job (mail/smtp.py), so a success here means the job's settings work.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from engium.cli.operator import fail, settings_for
from engium.mail import smtp
from engium.mail.service import NOT_CONFIGURED, InvalidMail, clean_recipient

mail_app = typer.Typer(no_args_is_help=True, help="Outbound e-mail through the operator's SMTP server.")

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Data directory (default: $ENGIUM_DATA_DIR or ./.engium)"),
]
TEST_BODY = ("This is a test e-mail from Engium, sent with `engium mail test` to check the server's SMTP "
             "settings.\nNothing needs to be done.\n")


@mail_app.command("test")
def send_test(
    to: Annotated[str, typer.Option("--to", help="Where to send the test e-mail")],
    data_dir: DataDir = None,
) -> None:
    """Send a test e-mail now; prints one line (exit 1 when the server refused it or could not be reached)."""
    settings = settings_for(data_dir).mail
    if not settings.enabled:
        fail(f"{NOT_CONFIGURED}: set ENGIUM_SMTP_HOST and ENGIUM_MAIL_FROM")
    try:
        recipient = clean_recipient(to)
    except InvalidMail as exc:
        fail(exc.message)
    where = f"{settings.host}:{settings.resolved_port} ({settings.security})"
    outgoing = smtp.Outgoing(uuid.uuid4(), recipient, "Engium test e-mail", TEST_BODY)
    message = smtp.build_message(outgoing, settings.sender, datetime.now(UTC))
    try:
        reply = smtp.send(message, settings)
    except (smtp.SmtpRejected, smtp.SmtpUnavailable) as exc:
        typer.echo(f"failed: {recipient} via {where}: {exc}")
        raise typer.Exit(code=1) from None
    said = smtp.scrub(reply, settings)
    typer.echo(f"sent: {recipient} via {where}, {message['Message-ID']}; the server said: {said}")
