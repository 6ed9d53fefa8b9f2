"""The ``engium`` command line."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import typer

from engium.access.permissions import Role
from engium.cli.audit_commands import audit_app
from engium.cli.evidence_commands import evidence_app
from engium.cli.guard_commands import guard_app
from engium.cli.incident_commands import incident_app, operator_app
from engium.cli.job_worker import attach_job_worker, run_in_foreground
from engium.cli.keys_commands import register as register_key_commands
from engium.cli.knowledge_commands import register as register_knowledge_commands
from engium.cli.mail_commands import mail_app
from engium.cli.operator import existing_tenant_transaction, fail, migrated, open_database, operator_name, settings_for
from engium.cli.privacy_commands import privacy_app
from engium.cli.retention_commands import retention_app
from engium.cli.subprocessor_commands import subprocessors_app
from engium.cli.tenant_commands import register as register_tenant_commands

if TYPE_CHECKING:
    from engium.runtime import Runtime

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Engium: the AI front desk.")
tenant_app = typer.Typer(no_args_is_help=True, help="Manage tenants (businesses).")
user_app = typer.Typer(no_args_is_help=True, help="Manage users.")
apikey_app = typer.Typer(no_args_is_help=True, help="Manage API keys.")
db_app = typer.Typer(no_args_is_help=True, help="Database connection details.")
app.add_typer(tenant_app, name="tenant")
app.add_typer(user_app, name="user")
app.add_typer(apikey_app, name="apikey")
app.add_typer(db_app, name="db")
app.add_typer(audit_app, name="audit")
app.add_typer(guard_app, name="guard")
app.add_typer(retention_app, name="retention")
app.add_typer(privacy_app, name="privacy")
app.add_typer(evidence_app, name="evidence")
app.add_typer(subprocessors_app, name="subprocessors")
app.add_typer(incident_app, name="incident")
app.add_typer(operator_app, name="operator")
app.add_typer(mail_app, name="mail")
register_key_commands(app, tenant_app)
register_knowledge_commands(app)
register_tenant_commands(tenant_app)

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Data directory (default: $ENGIUM_DATA_DIR or ./.engium)"),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON")]


def _fail(message: str) -> None:
    fail(message)


@app.command()
def serve(
    data_dir: DataDir = None,
    host: Annotated[str | None, typer.Option(help="Interface to bind")] = None,
    port: Annotated[int | None, typer.Option(help="TCP port")] = None,
    demo: Annotated[bool, typer.Option("--demo", help="Seed the demo business if it is missing")] = False,
    worker: Annotated[bool, typer.Option(
        "--worker/--no-worker", help="Also run background jobs in this process (--no-worker: `engium worker` "
        "processes run them)")] = True,
) -> None:
    """Migrate the database, then serve the API."""
    import uvicorn

    from engium.app import create_app
    from engium.kit.http_protocol import protocol_with_header_timeout
    from engium.runtime import Runtime

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    with migrated(data_dir) as (settings, database):
        # The options win over the environment, for the banner's URLs as well as for uvicorn.
        settings = settings.model_copy(update={"host": host or settings.host, "port": port or settings.port})
        if demo and not settings.mail.enabled:
            # No SMTP server: the demo's e-mails (a widget visitor's code, a reset link) are written to files.
            outbox = settings.mail.model_copy(update={"outbox_dir": settings.data_dir / "outbox"})
            settings = settings.model_copy(update={"mail": outbox})
        runtime = Runtime(settings=settings, database=database)
        if demo:
            from engium.demo.seed import describe_demo, seed_demo

            seed_demo(runtime)
            typer.echo(describe_demo(runtime), err=True)
        _warm_up_guard(runtime)
        api = create_app(runtime, owns_database=True)
        if worker:
            attach_job_worker(api, runtime)
        uvicorn.run(
            api,
            host=settings.host,
            port=settings.port,
            log_level="info",
            access_log=False,
            # ENGIUM_TRUSTED_PROXIES alone decides whose X-Forwarded-For is believed (context.client_ip_for).
            # Uvicorn's own handling would rewrite the socket peer from that header for any loopback
            # peer (FORWARDED_ALLOW_IPS), letting a local client forge its address past every limit.
            proxy_headers=False,
            http=protocol_with_header_timeout(settings.http_header_timeout_seconds),
            timeout_keep_alive=settings.http_keep_alive_seconds,
        )


@app.command()
def worker(
    data_dir: DataDir = None,
    interval: Annotated[
        float | None, typer.Option(help="Seconds between audit seals (default: $ENGIUM_AUDIT_SEAL_INTERVAL_SECONDS)")
    ] = None,
) -> None:
    """Run background jobs without serving the API: assistant replies, SMS/WhatsApp sends, webhook
    deliveries, audit seals, replay-id purges. Run as many as you like against one database."""
    from engium.runtime import Runtime

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    with migrated(data_dir) as (settings, database):
        if interval is not None:
            settings = settings.model_copy(update={"audit_seal_interval_seconds": interval})
        runtime = Runtime(settings=settings, database=database)
        _warm_up_guard(runtime)
        run_in_foreground(runtime)


def _warm_up_guard(runtime: Runtime) -> None:
    """Load the guard's sentence encoder in the background (about 1.5 s), so that the first customer turn
    after a start is not the one that pays for it. A failure here is logged; the turn would load it again."""
    import threading

    def load() -> None:
        try:
            runtime.guard.detector.warm_up()
        except Exception:  # logged, never fatal: the first turn that needs the encoder retries the load
            logging.getLogger("engium.guard").exception("could not load the guard's learned layer")

    threading.Thread(target=load, name="guard-warm-up", daemon=True).start()


@app.command()
def migrate(
    data_dir: DataDir = None,
    check: Annotated[bool, typer.Option(
        "--check", help="Change nothing: exit 0 when the schema matches this code, 1 when it does not")] = False,
) -> None:
    """Apply database migrations (as the owner role)."""
    if check:
        database = open_database(settings_for(data_dir))
        try:
            status = database.schema_status()
        finally:
            database.close()
        typer.echo(status.describe(), err=not status.matches)
        raise typer.Exit(0 if status.matches else 1)
    with migrated(data_dir):
        typer.echo("database is up to date")


@tenant_app.command("create")
def tenant_create(
    name: Annotated[str, typer.Argument(help="Business name")],
    owner_email: Annotated[str, typer.Option("--owner-email", help="The owner's e-mail address")],
    timezone: Annotated[str, typer.Option(help="IANA time zone")] = "UTC",
    data_dir: DataDir = None,
    as_json: JsonFlag = False,
) -> None:
    """Create a tenant and invite its owner: prints the invitation link to hand over (shown once)."""
    from zoneinfo import available_timezones

    from engium.identity.credentials import PasswordHashing
    from engium.identity.invitations import accept_url
    from engium.provisioning import provision_tenant

    if not 1 <= len(name) <= 200:
        _fail("NAME must be 1 to 200 characters")
    if "@" not in owner_email:
        _fail("--owner-email must be an email address")
    if timezone not in available_timezones():
        _fail(f"unknown time zone {timezone!r}")
    with migrated(data_dir) as (settings, database), database.transaction() as session:
        provisioned = provision_tenant(
            session, PasswordHashing(), name=name, owner_email=owner_email, owner_password=None,
            timezone=timezone, operator=operator_name(),
        )
    issued = provisioned.owner_invitation
    assert issued is not None
    link = accept_url(settings.resolved_public_url, issued.token)
    result = {
        "id": str(provisioned.tenant_id),
        "name": name,
        "owner_email": owner_email,
        "invitation_url": link,
        "invitation_expires_at": issued.invitation.expires_at.isoformat(),
    }
    if as_json:
        typer.echo(json.dumps(result))
    else:
        typer.echo(f"tenant {result['id']} created; owner {owner_email} invited")
        typer.echo(f"invitation link (shown once, valid until {result['invitation_expires_at']}): {link}")
        typer.echo("The owner opens it to set a password, or signs in there if the address already has an account.")


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Option("--email", help="The person's e-mail address")],
    tenant: Annotated[UUID, typer.Option("--tenant", help="Tenant id to invite them to")],
    role: Annotated[Role, typer.Option("--role", help="Role in that tenant")] = Role.AGENT,
    data_dir: DataDir = None,
    as_json: JsonFlag = False,
) -> None:
    """Invite a person to a tenant: prints the invitation link to hand over (shown once)."""
    from engium.errors import Conflict
    from engium.identity.invitations import Inviter, accept_url, invite

    if "@" not in email:
        _fail("--email must be an email address")
    with migrated(data_dir) as (settings, database):
        try:
            with existing_tenant_transaction(database, tenant) as session:
                issued = invite(session, Inviter(None, operator_name()), tenant_id=tenant, email=email, role=role)
        except Conflict as exc:
            _fail(exc.message)
    link = accept_url(settings.resolved_public_url, issued.token)
    result = {
        "invitation_id": str(issued.invitation.id), "email": email, "tenant_id": str(tenant), "role": role.value,
        "invitation_url": link, "invitation_expires_at": issued.invitation.expires_at.isoformat(),
    }
    if as_json:
        typer.echo(json.dumps(result))
    else:
        typer.echo(f"{email} invited to {tenant} as {role.value}")
        typer.echo(f"invitation link (shown once, valid until {result['invitation_expires_at']}): {link}")


@apikey_app.command("create")
def apikey_create(
    tenant: Annotated[UUID, typer.Option("--tenant", help="Tenant id")],
    role: Annotated[Role, typer.Option("--role", help="Role the key acts as")],
    name: Annotated[str, typer.Option("--name", help="A label for the key")] = "cli",
    data_dir: DataDir = None,
    as_json: JsonFlag = False,
) -> None:
    """Create an API key; the secret is printed once and only its hash is stored."""
    from engium.audit.actions import ActorKind
    from engium.identity.api_keys import create_api_key

    with migrated(data_dir) as (_, database), existing_tenant_transaction(database, tenant) as session:
        key, plaintext = create_api_key(
            session, None, tenant_id=tenant, name=name, role=role, operator=(ActorKind.OPERATOR, operator_name())
        )
    if as_json:
        typer.echo(json.dumps({"key": plaintext, "id": str(key.id), "role": role.value}))
    else:
        typer.echo(plaintext)


@db_app.command("url")
def db_url(
    owner: Annotated[bool, typer.Option("--owner", help="The schema owner's URL instead of the app's")] = False,
    data_dir: DataDir = None,
) -> None:
    """Print a libpq connection URL (psql, psycopg). Starts the embedded server and leaves it running."""
    settings = settings_for(data_dir)
    database = open_database(settings, keep_running=True)
    try:
        database.migrate()
        url = database.urls.owner if owner else database.urls.app
    finally:
        database.app_engine.dispose()
    typer.echo(url.replace("postgresql+psycopg://", "postgresql://", 1))


@db_app.command("stop")
def db_stop(data_dir: DataDir = None) -> None:
    """Stop the embedded PostgreSQL (for example after `engium db url` left it running)."""
    from engium.kit.embedded import EmbeddedPostgres

    settings = settings_for(data_dir)
    if not settings.uses_embedded_database:
        _fail("ENGIUM_DATABASE_URL is set; there is no embedded server to stop")
    stopped = EmbeddedPostgres(settings.resolved_data_dir).stop_if_running()
    typer.echo("stopped" if stopped else "not running")


@app.command()
def demo(data_dir: DataDir = None, as_json: JsonFlag = False) -> None:
    """Seed the demo business (a hair salon) if it does not exist yet."""
    from engium.demo.seed import describe_demo, seed_demo
    from engium.runtime import Runtime

    with migrated(data_dir) as (settings, database):
        runtime = Runtime(settings=settings, database=database)
        seeded = seed_demo(runtime)
        if as_json:
            typer.echo(json.dumps(seeded.as_dict()))
        else:
            typer.echo(describe_demo(runtime))


def run() -> None:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    app()
