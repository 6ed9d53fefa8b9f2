"""The service catalogue, staff and their working hours (weekly rules and dated exceptions).

Functions take the session and, for changes, the acting principal explicitly, and never commit. Every
change records its audit event here, in the same transaction; details hold ids, field names and counts.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from psycopg import errors as pg_errors
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.audit.actions import AuditAction
from engium.audit.recorder import record
from engium.bookings import repository as repo
from engium.bookings.models import AvailabilityException, AvailabilityRule, Service, StaffMember
from engium.bookings.schemas import (
    ExceptionCreate,
    ServiceCreate,
    ServiceUpdate,
    StaffCreate,
    StaffUpdate,
    WeeklyAvailability,
)
from engium.errors import Conflict, NotFound, Unprocessable

# Far enough from datetime's limits that adding a day or a duration can never overflow into a 500.
EARLIEST_YEAR, LATEST_YEAR = 1900, 9998


@dataclass(frozen=True)
class StaffView:
    staff: StaffMember
    service_ids: list[UUID]


def _violation(exc: DBAPIError, kind: type[Exception]) -> bool:
    return isinstance(exc.orig, kind)


def _changed_fields(row: object, changes: dict[str, Any]) -> list[str]:
    return sorted(field for field, value in changes.items() if getattr(row, field) != value)


def check_year(moment: date, field: str) -> None:
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise Unprocessable(f"{field} must be between the years {EARLIEST_YEAR} and {LATEST_YEAR}")


# --- services -------------------------------------------------------------------------------------


def list_services(session: Session, *, active: bool | None = None) -> list[Service]:
    return repo.list_services(session, active=active)


def get_service(session: Session, service_id: UUID) -> Service:
    service = repo.get_service(session, service_id)
    if service is None:
        raise NotFound("Service not found")
    return service


def _flush_catalog(session: Session, name: str) -> None:
    try:
        session.flush()
    except DBAPIError as exc:
        # The pre-check can race with a concurrent create; the unique constraint is the real guard.
        if _violation(exc, pg_errors.UniqueViolation):
            raise Conflict(f"A service named {name!r} already exists") from exc
        raise


def create_service(session: Session, principal: Principal, body: ServiceCreate) -> Service:
    if repo.service_name_taken(session, body.name):
        raise Conflict(f"A service named {body.name!r} already exists")
    service = Service(tenant_id=principal.tenant_id, id=uuid.uuid4(), **body.model_dump())
    session.add(service)
    _flush_catalog(session, body.name)
    session.refresh(service)
    record(
        session,
        principal,
        AuditAction.SERVICE_CREATED,
        resource_type="service",
        resource_id=service.id,
        details={"duration_minutes": service.duration_minutes, "active": service.active},
    )
    return service


def update_service(session: Session, principal: Principal, service_id: UUID, body: ServiceUpdate) -> Service:
    service = repo.get_service(session, service_id, for_update=True)
    if service is None:
        raise NotFound("Service not found")
    changes = body.model_dump(exclude_unset=True)
    new_name = changes.get("name")
    if new_name is not None and repo.service_name_taken(session, new_name, except_id=service_id):
        raise Conflict(f"A service named {new_name!r} already exists")
    changed = _changed_fields(service, changes)
    for key, value in changes.items():
        setattr(service, key, value)
    _flush_catalog(session, service.name)
    if changed:
        record(
            session,
            principal,
            AuditAction.SERVICE_UPDATED,
            resource_type="service",
            resource_id=service.id,
            details={"fields": changed},
        )
    return service


def delete_service(session: Session, principal: Principal, service_id: UUID) -> None:
    if repo.get_service(session, service_id, for_update=True) is None:
        raise NotFound("Service not found")
    # Bookings keep their history, so a booked service is retired rather than deleted.
    message = "This service has bookings and cannot be deleted; set active to false to retire it instead"
    if repo.service_has_bookings(session, service_id):
        raise Conflict(message)
    try:
        repo.delete_service(session, service_id)
    except DBAPIError as exc:
        if _violation(exc, pg_errors.ForeignKeyViolation):
            raise Conflict(message) from exc
        raise
    record(session, principal, AuditAction.SERVICE_DELETED, resource_type="service", resource_id=service_id)


# --- staff ----------------------------------------------------------------------------------------


def _checked_service_ids(session: Session, service_ids: Iterable[UUID]) -> list[UUID]:
    wanted = list(dict.fromkeys(service_ids))
    unknown = [s for s in wanted if s not in repo.existing_service_ids(session, wanted)]
    if unknown:
        # 404 like any other reference to something this tenant does not have (a contact, a staff member).
        raise NotFound("Unknown service ids", details={"service_ids": [str(s) for s in unknown]})
    return wanted


def list_staff(session: Session, *, active: bool | None = None) -> list[StaffView]:
    staff = repo.list_staff(session, active=active)
    offered = repo.service_ids_by_staff(session, [s.id for s in staff])
    return [StaffView(s, offered[s.id]) for s in staff]


def require_staff(session: Session, staff_id: UUID, *, for_update: bool = False) -> StaffMember:
    staff = repo.get_staff(session, staff_id, for_update=for_update)
    if staff is None:
        raise NotFound("Staff member not found")
    return staff


def get_staff(session: Session, staff_id: UUID) -> StaffView:
    staff = require_staff(session, staff_id)
    return StaffView(staff, repo.service_ids_by_staff(session, [staff_id])[staff_id])


def create_staff(session: Session, principal: Principal, body: StaffCreate) -> StaffView:
    service_ids = _checked_service_ids(session, body.service_ids)
    staff = StaffMember(
        tenant_id=principal.tenant_id,
        id=uuid.uuid4(),
        name=body.name,
        email=str(body.email) if body.email else None,
        active=body.active,
    )
    session.add(staff)
    session.flush()
    repo.replace_staff_services(session, principal.tenant_id, staff.id, service_ids)
    session.refresh(staff)
    record(
        session,
        principal,
        AuditAction.STAFF_CREATED,
        resource_type="staff",
        resource_id=staff.id,
        details={"active": staff.active, "service_ids": service_ids},
    )
    return get_staff(session, staff.id)


def update_staff(session: Session, principal: Principal, staff_id: UUID, body: StaffUpdate) -> StaffView:
    # The row lock serialises concurrent edits, so two replacements of the service list cannot interleave.
    staff = require_staff(session, staff_id, for_update=True)
    changes = body.model_dump(exclude_unset=True)
    details: dict[str, Any] = {}
    if "service_ids" in changes:
        before = set(repo.service_ids_by_staff(session, [staff_id])[staff_id])
        service_ids = _checked_service_ids(session, changes.pop("service_ids"))
        repo.replace_staff_services(session, principal.tenant_id, staff_id, service_ids)
        if set(service_ids) != before:
            details["service_ids"] = service_ids
    if "email" in changes:
        changes["email"] = str(changes["email"]) if changes["email"] else None
    changed = _changed_fields(staff, changes) + (["service_ids"] if "service_ids" in details else [])
    for key, value in changes.items():
        setattr(staff, key, value)
    session.flush()
    if changed:
        record(
            session,
            principal,
            AuditAction.STAFF_UPDATED,
            resource_type="staff",
            resource_id=staff_id,
            details={"fields": sorted(changed), **details},
        )
    return get_staff(session, staff_id)


def delete_staff(session: Session, principal: Principal, staff_id: UUID) -> None:
    require_staff(session, staff_id, for_update=True)
    message = "This staff member has bookings and cannot be deleted; set active to false instead"
    if repo.staff_has_bookings(session, staff_id):
        raise Conflict(message)
    try:
        repo.delete_staff(session, staff_id)
    except DBAPIError as exc:
        if _violation(exc, pg_errors.ForeignKeyViolation):
            raise Conflict(message) from exc
        raise
    record(session, principal, AuditAction.STAFF_DELETED, resource_type="staff", resource_id=staff_id)


# --- working hours --------------------------------------------------------------------------------


def get_week(session: Session, staff_id: UUID) -> list[AvailabilityRule]:
    require_staff(session, staff_id)
    return repo.rules_for(session, [staff_id])


def replace_week(
    session: Session, principal: Principal, staff_id: UUID, body: WeeklyAvailability
) -> list[AvailabilityRule]:
    # Locked so two concurrent PUTs cannot both delete and then both insert, leaving a union of weeks.
    require_staff(session, staff_id, for_update=True)
    before = repo.rules_for(session, [staff_id])
    rules = [
        AvailabilityRule(
            tenant_id=principal.tenant_id,
            id=uuid.uuid4(),
            staff_id=staff_id,
            weekday=r.weekday,
            start_time=r.start_time,
            end_time=r.end_time,
        )
        for r in body.rules
    ]
    repo.replace_rules(session, staff_id, rules)
    if _week(before) != _week(rules):
        record(
            session,
            principal,
            AuditAction.AVAILABILITY_UPDATED,
            resource_type="staff",
            resource_id=staff_id,
            details={"rules": len(rules), "previous_rules": len(before)},
        )
    return repo.rules_for(session, [staff_id])


def _week(rules: Iterable[AvailabilityRule]) -> set[tuple[int, object, object]]:
    return {(r.weekday, r.start_time, r.end_time) for r in rules}


def list_exceptions(
    session: Session, staff_id: UUID, *, from_date: date | None = None, to_date: date | None = None
) -> list[AvailabilityException]:
    require_staff(session, staff_id)
    return repo.exceptions_for(session, [staff_id], from_date=from_date, to_date=to_date)


def add_exception(
    session: Session, principal: Principal, staff_id: UUID, body: ExceptionCreate
) -> AvailabilityException:
    require_staff(session, staff_id)
    check_year(body.on_date, "on_date")
    exception = AvailabilityException(
        tenant_id=principal.tenant_id, id=uuid.uuid4(), staff_id=staff_id, **body.model_dump()
    )
    session.add(exception)
    session.flush()
    record(
        session,
        principal,
        AuditAction.AVAILABILITY_EXCEPTION_CREATED,
        resource_type="availability_exception",
        resource_id=exception.id,
        details={"staff_id": staff_id, "on_date": exception.on_date.isoformat(), "kind": exception.kind},
    )
    return exception


def delete_exception(session: Session, principal: Principal, staff_id: UUID, exception_id: UUID) -> None:
    require_staff(session, staff_id)
    if repo.get_exception(session, staff_id, exception_id) is None:
        raise NotFound("Availability exception not found")
    repo.delete_exception(session, exception_id)
    record(
        session,
        principal,
        AuditAction.AVAILABILITY_EXCEPTION_DELETED,
        resource_type="availability_exception",
        resource_id=exception_id,
        details={"staff_id": staff_id},
    )


# --- free slots -----------------------------------------------------------------------------------
