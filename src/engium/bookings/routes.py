"""HTTP for the service catalogue, staff, working hours, free slots and bookings."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Response, status

from engium.access.authentication import Requires
from engium.access.permissions import Permission
from engium.access.principal import Principal
from engium.bookings import catalog, reminder_store, service
from engium.bookings import repository as repo
from engium.bookings.models import Booking
from engium.bookings.schemas import (
    AvailabilityWindow,
    BookingCreate,
    BookingOut,
    BookingStatus,
    BookingUpdate,
    CalendarDate,
    ExceptionCreate,
    ExceptionOut,
    ServiceCreate,
    ServiceOut,
    ServiceUpdate,
    SlotOut,
    SlotsOut,
    StaffCreate,
    StaffOut,
    StaffUpdate,
    WeeklyAvailability,
    WeeklyAvailabilityOut,
)
from engium.kit.pagination import Page, PageRequest, page_request
from engium.kit.request_fields import IsoDate, IsoDatetime, QueryFlag
from engium.kit.transaction import DbSession

router = APIRouter()

CatalogRead = Annotated[Principal, Requires(Permission.CATALOG_READ)]
CatalogWrite = Annotated[Principal, Requires(Permission.CATALOG_WRITE)]
BookingsRead = Annotated[Principal, Requires(Permission.BOOKINGS_READ)]
BookingsWrite = Annotated[Principal, Requires(Permission.BOOKINGS_WRITE)]
Paging = Annotated[PageRequest, Depends(page_request)]


def _staff_out(view: catalog.StaffView) -> StaffOut:
    s = view.staff
    return StaffOut(
        id=s.id, name=s.name, email=s.email, active=s.active, service_ids=view.service_ids, created_at=s.created_at
    )


def booking_out(booking: Booking, zone: ZoneInfo) -> BookingOut:
    # Shown in the business's zone so they line up with the slots a client picked them from.
    return BookingOut(
        id=booking.id,
        service_id=booking.service_id,
        staff_id=booking.staff_id,
        contact_id=booking.contact_id,
        starts_at=booking.starts_at.astimezone(zone),
        ends_at=booking.ends_at.astimezone(zone),
        status="no_show" if booking.status == "no_show" else
        "cancelled" if booking.status == "cancelled" else "confirmed",
        notes=booking.notes,
        created_at=booking.created_at,
        cancelled_at=booking.cancelled_at,
        customer_confirmed_at=booking.customer_confirmed_at,
        no_show_at=booking.no_show_at,
    )


# --- services -------------------------------------------------------------------------------------


@router.get("/services", response_model=list[ServiceOut], tags=["services"])
def list_services(principal: CatalogRead, session: DbSession, active: QueryFlag | None = None) -> list[ServiceOut]:
    return [ServiceOut.model_validate(s) for s in catalog.list_services(session, active=active)]


@router.post("/services", response_model=ServiceOut, status_code=status.HTTP_201_CREATED, tags=["services"])
def create_service(body: ServiceCreate, principal: CatalogWrite, session: DbSession) -> ServiceOut:
    return ServiceOut.model_validate(catalog.create_service(session, principal, body))


@router.get("/services/{service_id:uuid}", response_model=ServiceOut, tags=["services"])
def get_service(service_id: UUID, principal: CatalogRead, session: DbSession) -> ServiceOut:
    return ServiceOut.model_validate(catalog.get_service(session, service_id))


@router.patch("/services/{service_id:uuid}", response_model=ServiceOut, tags=["services"])
def update_service(service_id: UUID, body: ServiceUpdate, principal: CatalogWrite, session: DbSession) -> ServiceOut:
    return ServiceOut.model_validate(catalog.update_service(session, principal, service_id, body))


@router.delete("/services/{service_id:uuid}", status_code=status.HTTP_204_NO_CONTENT, tags=["services"])
def delete_service(service_id: UUID, principal: CatalogWrite, session: DbSession) -> Response:
    catalog.delete_service(session, principal, service_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- staff ----------------------------------------------------------------------------------------


@router.get("/staff", response_model=list[StaffOut], tags=["staff"])
def list_staff(principal: CatalogRead, session: DbSession, active: QueryFlag | None = None) -> list[StaffOut]:
    return [_staff_out(v) for v in catalog.list_staff(session, active=active)]


@router.post("/staff", response_model=StaffOut, status_code=status.HTTP_201_CREATED, tags=["staff"])
def create_staff(body: StaffCreate, principal: CatalogWrite, session: DbSession) -> StaffOut:
    return _staff_out(catalog.create_staff(session, principal, body))


@router.get("/staff/{staff_id:uuid}", response_model=StaffOut, tags=["staff"])
def get_staff(staff_id: UUID, principal: CatalogRead, session: DbSession) -> StaffOut:
    return _staff_out(catalog.get_staff(session, staff_id))


@router.patch("/staff/{staff_id:uuid}", response_model=StaffOut, tags=["staff"])
def update_staff(staff_id: UUID, body: StaffUpdate, principal: CatalogWrite, session: DbSession) -> StaffOut:
    return _staff_out(catalog.update_staff(session, principal, staff_id, body))


@router.delete("/staff/{staff_id:uuid}", status_code=status.HTTP_204_NO_CONTENT, tags=["staff"])
def delete_staff(staff_id: UUID, principal: CatalogWrite, session: DbSession) -> Response:
    catalog.delete_staff(session, principal, staff_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- working hours --------------------------------------------------------------------------------


@router.get("/staff/{staff_id:uuid}/availability", response_model=WeeklyAvailabilityOut, tags=["availability"])
def get_availability(staff_id: UUID, principal: CatalogRead, session: DbSession) -> WeeklyAvailabilityOut:
    rules = catalog.get_week(session, staff_id)
    return WeeklyAvailabilityOut(staff_id=staff_id, rules=[AvailabilityWindow.model_validate(r) for r in rules])


@router.put("/staff/{staff_id:uuid}/availability", response_model=WeeklyAvailabilityOut, tags=["availability"])
def replace_availability(
    staff_id: UUID, body: WeeklyAvailability, principal: CatalogWrite, session: DbSession
) -> WeeklyAvailabilityOut:
    rules = catalog.replace_week(session, principal, staff_id, body)
    return WeeklyAvailabilityOut(staff_id=staff_id, rules=[AvailabilityWindow.model_validate(r) for r in rules])


@router.get("/staff/{staff_id:uuid}/availability-exceptions", response_model=list[ExceptionOut], tags=["availability"])
def list_exceptions(
    staff_id: UUID,
    principal: CatalogRead,
    session: DbSession,
    from_date: Annotated[IsoDate | None, Query(alias="from")] = None,
    to_date: Annotated[IsoDate | None, Query(alias="to")] = None,
) -> list[ExceptionOut]:
    found = catalog.list_exceptions(session, staff_id, from_date=from_date, to_date=to_date)
    return [ExceptionOut.model_validate(e) for e in found]


@router.post(
    "/staff/{staff_id:uuid}/availability-exceptions",
    response_model=ExceptionOut,
    status_code=status.HTTP_201_CREATED,
    tags=["availability"],
)
def add_exception(staff_id: UUID, body: ExceptionCreate, principal: CatalogWrite, session: DbSession) -> ExceptionOut:
    return ExceptionOut.model_validate(catalog.add_exception(session, principal, staff_id, body))


@router.delete(
    "/staff/{staff_id:uuid}/availability-exceptions/{exception_id:uuid}",
    status_code=status.HTTP_204_NO_CONTENT,
    tags=["availability"],
)
def delete_exception(staff_id: UUID, exception_id: UUID, principal: CatalogWrite, session: DbSession) -> Response:
    catalog.delete_exception(session, principal, staff_id, exception_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/availability", response_model=SlotsOut, tags=["availability"])
def free_slots(
    principal: BookingsRead,
    session: DbSession,
    service_id: UUID,
    day: Annotated[CalendarDate, Query(alias="date", description="Local date in the business's time zone")],
    staff_id: UUID | None = None,
) -> SlotsOut:
    found = service.find_slots(session, service_id=service_id, day=day, staff_id=staff_id)
    return SlotsOut(
        service_id=service_id,
        date=day,
        timezone=found.zone.key,
        slots=[
            SlotOut(
                staff_id=s.staff_id,
                starts_at=s.interval.start.astimezone(found.zone),
                ends_at=s.interval.end.astimezone(found.zone),
            )
            for s in found.slots
        ],
    )


# --- bookings -------------------------------------------------------------------------------------


@router.get("/bookings", response_model=Page[BookingOut], tags=["bookings"])
def list_bookings(
    principal: BookingsRead,
    session: DbSession,
    page: Paging,
    starts_from: Annotated[IsoDatetime | None, Query(alias="from")] = None,
    starts_before: Annotated[IsoDatetime | None, Query(alias="to")] = None,
    staff_id: UUID | None = None,
    contact_id: UUID | None = None,
    booking_status: Annotated[BookingStatus | None, Query(alias="status")] = None,
) -> Page[BookingOut]:
    filters = repo.BookingFilters(
        starts_from=starts_from,
        starts_before=starts_before,
        staff_id=staff_id,
        contact_id=contact_id,
        status=booking_status,
    )
    found = service.list_bookings(session, filters, page)
    zone = service.tenant_zone(session)
    return Page[BookingOut](items=[booking_out(b, zone) for b in found.items], next_cursor=found.next_cursor)


@router.post("/bookings", response_model=BookingOut, status_code=status.HTTP_201_CREATED, tags=["bookings"])
def create_booking(body: BookingCreate, principal: BookingsWrite, session: DbSession) -> BookingOut:
    booking = service.create_booking(session, principal, body)
    # Staff booked it: the customer hears of it through their channel (a job, in this transaction). The
    # assistant's own bookings are confirmed in its reply and never come through here.
    reminder_store.queue_confirmation(session, booking)
    return booking_out(booking, service.tenant_zone(session))


@router.get("/bookings/{booking_id:uuid}", response_model=BookingOut, tags=["bookings"])
def get_booking(booking_id: UUID, principal: BookingsRead, session: DbSession) -> BookingOut:
    return booking_out(service.get_booking(session, booking_id), service.tenant_zone(session))


@router.patch("/bookings/{booking_id:uuid}", response_model=BookingOut, tags=["bookings"])
def reschedule_booking(
    booking_id: UUID, body: BookingUpdate, principal: BookingsWrite, session: DbSession
) -> BookingOut:
    booking = service.reschedule_booking(session, principal, booking_id, body)
    return booking_out(booking, service.tenant_zone(session))


@router.post("/bookings/{booking_id:uuid}/cancel", response_model=BookingOut, tags=["bookings"])
def cancel_booking(booking_id: UUID, principal: BookingsWrite, session: DbSession) -> BookingOut:
    booking = service.cancel_booking(session, principal, booking_id)
    return booking_out(booking, service.tenant_zone(session))
