"""``engium privacy verify-certificate``: checks a deletion certificate offline, with no database.

Exit status: 0 authentic, 1 not authentic (forged, altered, or signed by a key not trusted), 2 usage.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from engium.audit.signing import KeyRing
from engium.privacy.certificates import verify_certificate

privacy_app = typer.Typer(no_args_is_help=True, help="Privacy: deletion certificates.")


@privacy_app.command("verify-certificate")
def verify(
    certificate: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The certificate (JSON)")],
    public_key: Annotated[list[Path], typer.Option("--public-key", exists=True, dir_okay=False,
                                                   help="A trusted audit public key (PEM; repeatable)")],
) -> None:
    """Checks the certificate's signature against the audit log's published public key(s)."""
    try:
        document = json.loads(certificate.read_text())
        keys = KeyRing.from_pems(path.read_bytes() for path in public_key)
    except (ValueError, OSError) as exc:
        typer.echo(f"cannot read the certificate or key: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    statement, problem = verify_certificate(document if isinstance(document, dict) else {}, keys)
    if statement is None:
        typer.echo(f"NOT AUTHENTIC: {problem}")
        raise typer.Exit(code=1)
    erased = ", ".join(f"{name} {count}" for name, count in statement["erased"].items() if count)
    typer.echo(f"authentic: request {statement['request_id']} erased at {statement['erased_at']}: {erased}")
