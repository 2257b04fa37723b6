"""The app's hall visits under /api/v1/portal/ (HALL-2, HALL-5, HALL-6; issue 15): the halls (open
now, people waiting, each business's line and wait), a remote ticket for the customer's phone, its
place and wait (poll ``GET /portal/tickets/{id}``), cancelling it, rating the finished visit once;
appointment slots, booking, the customer's bookings and cancelling one. The customer's token or
portal session only; another customer's ticket or booking is a 404 like a missing one."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from gridcare.core.paging import api_page
from gridcare.halls.services.appointments import appointment_book, appointment_cancel, appointment_slots, parse_day
from gridcare.halls.services.evaluations import evaluation_by_holder
from gridcare.halls.services.remote import SYSTEM, remote_ticket_issue, ticket_cancel
from gridcare.org.api import ErrorOut
from gridcare.portal import visit_reads
from gridcare.portal.access import CUSTOMER, request_customer

router = Router(tags=["portal"])

ERRORS = {401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class PortalHallOut(Schema):
    code: str
    name: str
    address: str
    opens_at: str
    closes_at: str
    open_now: bool
    closed_notice: str  # when closed: when the hall opens next
    waiting: int
    stars: str = ""  # the latest star rating, published (公示): "★★★★☆ 四星营业厅（2026年11月）"; "" unrated


class PortalBusinessTypeOut(Schema):
    kind: str
    name: str
    waiting: int
    estimated_wait_minutes: int


class PortalHallDetailOut(PortalHallOut):
    business_types: list[PortalBusinessTypeOut]


class PortalTicketIn(Schema):
    hall: str
    business_type: str
    account_no: str = ""  # one of the customer's bound accounts, or empty


class PortalTicketOut(Schema):
    id: int
    number: str
    hall: str
    hall_name: str
    business_type: str
    business_type_name: str
    status: str
    status_label: str
    position: int  # people ahead (0 once called)
    estimated_wait_minutes: int
    counter_number: int | None  # the counter that called it
    issued_at: datetime
    can_cancel: bool
    can_rate: bool
    rating: str | None
    rating_label: str


class PortalVisitRatingIn(Schema):
    rating: str  # very_satisfied, satisfied, basically_satisfied, dissatisfied
    reasons: list[str] = []  # with basically_satisfied or dissatisfied only


class PortalVisitRatingOut(Schema):
    ticket_id: int
    rating: str
    rating_label: str
    reasons: list[str]


class PortalSlotOut(Schema):
    start: str
    end: str
    capacity: int
    booked: int
    free: int


class PortalSlotsOut(Schema):
    hall: str
    date: date
    business_type: str
    slots: list[PortalSlotOut]


class PortalAppointmentIn(Schema):
    hall: str
    business_type: str
    date: str  # YYYY-MM-DD
    start: str  # HH:MM, a slot's start
    account_no: str = ""


class PortalAppointmentOut(Schema):
    reference: str
    hall: str
    hall_name: str
    hall_address: str
    business_type: str
    business_type_name: str
    date: date
    start: str
    end: str
    status: str
    status_label: str
    account_no: str
    ticket_number: str
    can_cancel: bool


def _card(ticket: Any) -> dict[str, Any]:
    return visit_reads.ticket_card(ticket)


@router.get("/portal/halls", auth=CUSTOMER, response={200: list[PortalHallOut], 401: ErrorOut})
def portal_halls(request: HttpRequest) -> list[dict[str, Any]]:
    """Every hall: address, hours, open now (or when it opens), people waiting; the halls of the
    customer's own supply units first."""
    return [c.as_dict() for c in visit_reads.hall_cards(request_customer(request))]


@router.get("/portal/halls/{hall_code}", auth=CUSTOMER, response={200: PortalHallDetailOut, **ERRORS})
def portal_hall(request: HttpRequest, hall_code: str) -> dict[str, Any]:
    """One hall and the business taken remotely there, each with its line and the wait estimate."""
    card, types = visit_reads.hall_detail(visit_reads.hall_of(hall_code))
    return card.as_dict() | {"business_types": [t.__dict__ for t in types]}


@router.post("/portal/tickets", auth=CUSTOMER, response={201: PortalTicketOut, **ERRORS})
def portal_ticket_take(request: HttpRequest, payload: PortalTicketIn) -> tuple[int, dict[str, Any]]:
    """Take a ticket for the customer's phone (线上取号). 409 with the hall's sentence outside its
    opening hours, for a second waiting ticket at the hall, or past the day's remote tickets."""
    customer = request_customer(request)
    hall, account = visit_reads.hall_and_account(customer, payload.hall, payload.account_no)
    ticket = remote_ticket_issue(hall=hall, kind=payload.business_type, phone=customer.phone, account=account)
    return 201, _card(ticket)


@router.get("/portal/tickets", auth=CUSTOMER, response={200: list[PortalTicketOut], **ERRORS})
def portal_tickets(
    request: HttpRequest, response: HttpResponse, page: int = 1, page_size: int | None = None
) -> list[Any]:
    """The customer's tickets of the last 30 days, newest first (the total in X-Total-Count)."""
    rows = visit_reads.my_tickets(request_customer(request))
    return api_page(response, rows, page=page, page_size=page_size, dress=_card)


@router.get("/portal/tickets/{ticket_id}", auth=CUSTOMER, response={200: PortalTicketOut, **ERRORS})
def portal_ticket(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    """The ticket's status, place and wait now (poll it every few seconds while it waits)."""
    return _card(visit_reads.my_ticket(request_customer(request), ticket_id))


@router.post("/portal/tickets/{ticket_id}/cancel", auth=CUSTOMER, response={200: PortalTicketOut, **ERRORS})
def portal_ticket_cancel(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    """Give a waiting ticket up (409 once called or ended)."""
    customer = request_customer(request)
    ticket = visit_reads.my_ticket(customer, ticket_id)
    return _card(ticket_cancel(ticket=ticket, phone=customer.phone))


@router.post("/portal/tickets/{ticket_id}/rating", auth=CUSTOMER, response={201: PortalVisitRatingOut, **ERRORS})
def portal_ticket_rating(
    request: HttpRequest, ticket_id: int, payload: PortalVisitRatingIn
) -> tuple[int, dict[str, Any]]:
    """Rate the finished visit on the halls' scale, once (409 if rated here or on the counter's pad)."""
    customer = request_customer(request)
    ticket = visit_reads.my_ticket(customer, ticket_id)
    evaluation = evaluation_by_holder(
        ticket=ticket, phone=customer.phone, rating=payload.rating, reasons=payload.reasons
    )
    return 201, {
        "ticket_id": ticket.pk,
        "rating": evaluation.rating,
        "rating_label": str(evaluation.get_rating_display()),
        "reasons": evaluation.reasons,
    }


@router.get("/portal/halls/{hall_code}/appointment-slots", auth=CUSTOMER, response={200: PortalSlotsOut, **ERRORS})
def portal_slots(request: HttpRequest, hall_code: str, date: str, business_type: str) -> dict[str, Any]:
    """The free places of each half-hour slot of a day (``date=YYYY-MM-DD``) and business."""
    hall = visit_reads.hall_of(hall_code)
    slots = appointment_slots(scope=SYSTEM, hall=hall, kind=visit_reads.booking_kind(business_type), day=date)
    return {
        "hall": hall.code,
        "date": parse_day(date),
        "business_type": business_type,
        "slots": [s.as_dict() for s in slots],
    }


@router.get("/portal/appointments", auth=CUSTOMER, response={200: list[PortalAppointmentOut], **ERRORS})
def portal_appointments(
    request: HttpRequest, response: HttpResponse, page: int = 1, page_size: int | None = None
) -> list[Any]:
    """The customer's bookings from 30 days back on, soonest first."""
    rows = visit_reads.my_appointments(request_customer(request))
    return api_page(response, rows, page=page, page_size=page_size, dress=visit_reads.appointment_card)


@router.post("/portal/appointments", auth=CUSTOMER, response={201: PortalAppointmentOut, **ERRORS})
def portal_appointment_book(request: HttpRequest, payload: PortalAppointmentIn) -> tuple[int, dict[str, Any]]:
    """Book a slot for the customer's phone: the hall's limits (places per slot, days ahead,
    working days, one booking per phone, day and business); the reminder comes the day before."""
    customer = request_customer(request)
    hall, account = visit_reads.hall_and_account(customer, payload.hall, payload.account_no)
    appointment = appointment_book(
        scope=SYSTEM,
        actor=None,
        hall=hall,
        kind=visit_reads.booking_kind(payload.business_type),
        day=payload.date,
        start=payload.start,
        phone=customer.phone,
        account_no=account.account_no if account else "",
    )
    return 201, visit_reads.appointment_card(appointment)


@router.post("/portal/appointments/{reference}/cancel", auth=CUSTOMER, response={200: PortalAppointmentOut, **ERRORS})
def portal_appointment_cancel(request: HttpRequest, reference: str) -> dict[str, Any]:
    """Cancel one of the customer's bookings (409 once checked in or past its time)."""
    customer = request_customer(request)
    found = visit_reads.my_appointment(customer, reference)
    appointment = appointment_cancel(scope=SYSTEM, actor=None, reference=found.reference, phone=customer.phone)
    return visit_reads.appointment_card(appointment)
