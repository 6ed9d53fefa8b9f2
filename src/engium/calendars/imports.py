"""Busy time imported from a staff member's own calendar (Google's or Outlook's private ICS address).

The address is a credential (Google's secret address carries its key in the path), so it is sealed with the
tenant's data key and never shown again: the API shows its scheme and host. It is checked by the SSRF guard
when it is saved (a clear 422) and again before every fetch (DNS may have changed).

A refresh (the periodic ``calendars.refresh`` job every ``REFRESH_EVERY``, or one asked for through the API)
is two short transactions around the network call, as a webhook delivery is: the first stamps the attempt
and decrypts the address, the second parses what came back and replaces the import's busy spans, or records
why it could not (the spans of the last good fetch stay). A refresh records ``calendar_import.refreshed``
with counts and the outcome, never the address or the calendar's content.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engium import jobs
from engium.access.principal import Principal
from engium.audit.actions import ActorKind, AuditAction
from engium.audit.recorder import record
from engium.bookings import calendar_data
from engium.bookings.catalog import require_staff
from engium.calendars import fetch, ics
from engium.calendars.models import CalendarImport
from engium.calendars.schemas import CalendarImportCreate
from engium.crypto.envelope import CipherContext, key_version_of
from engium.crypto.keyring import DataKeyRing
from engium.crypto.rotation import ReencryptedBatch
from engium.crypto.secret import SecretBytes
from engium.errors import Conflict, NotFound, Unprocessable
from engium.kit.database import Database
from engium.kit.time_zones import zone_or_utc
from engium.tenancy.binding import tenant_transaction
from engium.tenancy.service import get_settings
from engium.webhooks import ssrf
from engium.webhooks.settings import WebhookSettings

log = logging.getLogger(__name__)

TABLE = "calendar_imports"
RESOURCE = "calendar_import"
NOT_FOUND = "Calendar import not found"
COMPONENT = "calendars.import"
REFRESH_JOB = "calendars.refresh_import"
REFRESH_EVERY = timedelta(minutes=15)
# The spans kept: from a day back (an event under way) to this far ahead, which covers what is booked.
HORIZON = timedelta(days=90)
MAX_PER_TENANT = 200
Clock = Callable[[], datetime]


def _context(row: CalendarImport) -> CipherContext:
    return CipherContext(row.tenant_id, TABLE, "url_ciphertext", str(row.id))


def list_imports(session: Session) -> list[CalendarImport]:
    stmt = select(CalendarImport).order_by(CalendarImport.created_at, CalendarImport.id).limit(MAX_PER_TENANT)
    return list(session.execute(stmt).scalars())


def get_import(session: Session, import_id: UUID) -> CalendarImport:
    found = session.execute(select(CalendarImport).where(CalendarImport.id == import_id)).scalar_one_or_none()
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


def create_import(session: Session, vault: DataKeyRing, settings: WebhookSettings, principal: Principal,
                  body: CalendarImportCreate, resolver: ssrf.Resolver | None = None) -> CalendarImport:
    require_staff(session, body.staff_id)
    try:
        fetch.check_address(body.url, settings, resolver)
    except ssrf.UnsafeDestination as exc:
        raise Unprocessable(str(exc), details={"field": "url"}) from None
    if len(list_imports(session)) >= MAX_PER_TENANT:
        raise Conflict(f"A business can keep at most {MAX_PER_TENANT} calendar imports; delete one first")
    row = CalendarImport(tenant_id=principal.tenant_id, id=uuid.uuid4(), staff_id=body.staff_id,
                         url_ciphertext=b"", url_hint=fetch.address_hint(body.url), busy_span_count=0,
                         created_at=datetime.now(UTC))
    row.url_ciphertext = vault.encrypt(session, _context(row), SecretBytes.from_text(body.url))
    session.add(row)
    session.flush()
    record(session, principal, AuditAction.CALENDAR_IMPORT_CREATED, resource_type=RESOURCE, resource_id=row.id,
           details={"staff_id": row.staff_id, "host": row.url_hint})
    jobs.defer(session, REFRESH_JOB, tenant_id=str(row.tenant_id), import_id=str(row.id))
    return row


def delete_import(session: Session, principal: Principal, import_id: UUID) -> None:
    """Removes the import and, with it (ON DELETE CASCADE), the busy time it blocked."""
    row = get_import(session, import_id)
    session.delete(row)
    session.flush()
    record(session, principal, AuditAction.CALENDAR_IMPORT_DELETED, resource_type=RESOURCE, resource_id=import_id,
           details={"staff_id": row.staff_id})


def request_refresh(session: Session, principal: Principal, import_id: UUID) -> CalendarImport:
    row = get_import(session, import_id)
    record(session, principal, AuditAction.CALENDAR_IMPORT_REFRESH_REQUESTED, resource_type=RESOURCE,
           resource_id=import_id)
    jobs.defer(session, REFRESH_JOB, tenant_id=str(row.tenant_id), import_id=str(row.id))
    return row


def due_imports(session: Session, now: datetime) -> list[UUID]:
    """The bound tenant's imports not attempted for ``REFRESH_EVERY``, oldest attempt first."""
    stmt = (
        select(CalendarImport.id)
        .where(or_(CalendarImport.last_attempt_at.is_(None), CalendarImport.last_attempt_at <= now - REFRESH_EVERY))
        .order_by(CalendarImport.last_attempt_at.asc().nulls_first())
        .limit(MAX_PER_TENANT)
    )
    return list(session.execute(stmt).scalars())


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ImportRefresher:
    """One fetch of one import: stamp and decrypt, fetch through the guard, then store what it found."""

    database: Database
    vault: DataKeyRing
    settings: WebhookSettings
    clock: Clock = utc_now
    resolver: ssrf.Resolver | None = None

    def refresh(self, tenant_id: UUID, import_id: UUID) -> bool:
        """False when the import is gone (deleted since the job was queued)."""
        with tenant_transaction(self.database, tenant_id) as session:
            row = session.execute(
                select(CalendarImport).where(CalendarImport.id == import_id).with_for_update(skip_locked=True)
            ).scalar_one_or_none()
            if row is None:
                return False
            row.last_attempt_at = self.clock()
            url = self.vault.decrypt(session, _context(row), row.url_ciphertext).reveal_text()
        fetched = fetch.fetch_calendar(url, self.settings, self.resolver)
        with tenant_transaction(self.database, tenant_id) as session:
            row = session.execute(
                select(CalendarImport).where(CalendarImport.id == import_id).with_for_update()
            ).scalar_one_or_none()
            if row is None:
                return False
            self._settle(session, row, fetched)
        return True

    def _settle(self, session: Session, row: CalendarImport, fetched: fetch.Fetched) -> None:
        now = self.clock()
        error = fetched.error
        spans: list[tuple[datetime, datetime]] = []
        if fetched.body is not None:
            zone = zone_or_utc(get_settings(session).timezone)
            try:
                spans = ics.busy_spans(fetched.body, zone, now - timedelta(days=1), now + HORIZON)
            except ics.CalendarUnreadable as exc:
                error = str(exc)
        if error is None:
            calendar_data.replace_imported_busy(session, row.tenant_id, row.id, row.staff_id, spans)
            row.last_success_at, row.last_error, row.busy_span_count = now, None, len(spans)
        else:
            row.last_error = error[:300]
        session.flush()
        record(session, None, AuditAction.CALENDAR_IMPORT_REFRESHED, resource_type=RESOURCE, resource_id=row.id,
               tenant_id=row.tenant_id, actor=(ActorKind.SYSTEM, COMPONENT),
               details={"staff_id": row.staff_id, "succeeded": error is None, "busy_spans": len(spans)})
        if error is not None:
            log.info("calendar import %s of tenant %s not refreshed: %s", row.id, row.tenant_id, error)


class CalendarImportReencryption:
    """Moves every import address of the bound tenant onto its active data-key version (``keys rotate``)."""

    name = TABLE

    def reencrypt_batch(
        self, session: Session, vault: DataKeyRing, tenant_id: UUID, after: str | None, limit: int
    ) -> ReencryptedBatch:
        active = vault.active_version(session, tenant_id)
        stmt = select(CalendarImport).order_by(CalendarImport.id).limit(limit).with_for_update()
        if after is not None:
            stmt = stmt.where(CalendarImport.id > UUID(after))
        rows = list(session.execute(stmt).scalars())
        changed = 0
        for row in rows:
            if key_version_of(row.url_ciphertext) != active:
                address = vault.decrypt(session, _context(row), row.url_ciphertext)
                row.url_ciphertext = vault.encrypt(session, _context(row), address)
                changed += 1
        session.flush()
        return ReencryptedBatch(last=str(rows[-1].id) if rows else None, changed=changed)
