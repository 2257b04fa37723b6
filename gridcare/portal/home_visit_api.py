"""The app's home service and mobile rounds under /api/v1/portal/ (WO-9; issue 15): ask for a home
visit for a bound account, follow the customer's own requests, cancel one before the visit; the
coming stops of the mobile service vehicle for the 台区 of the customer's accounts. The
customer's token or portal session only; another customer's request is a 404."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from gridcare.core.exceptions import InvalidInput, NotFound
from gridcare.core.paging import api_page
from gridcare.halls.services.home_visits import (
    HomeVisitAsk,
    home_visit_cancel_by_customer,
    home_visit_request_by_customer,
)
from gridcare.org.api import ErrorOut
from gridcare.portal import home_visit_reads as reads
from gridcare.portal import selectors
from gridcare.portal.access import CUSTOMER, request_customer

router = Router(tags=["portal"])

ERRORS = {401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class PortalHomeVisitIn(Schema):
    account_no: str  # a bound account: its address is where the clerk comes
    purpose: str  # account_change, new_connection, meter_test, payment, invoice, consultation
    reason: str  # elderly, disabled, ill, other (other needs a note)
    note: str = ""


class PortalHomeVisitOut(Schema):
    id: int
    account_no: str
    address: str
    purpose: str
    purpose_name: str
    reason: str
    reason_name: str
    note: str
    status: str
    status_label: str
    date: date | None
    start: str | None
    end: str | None
    clerk_name: str | None
    hall_name: str
    outcome_note: str
    created_at: datetime
    can_cancel: bool


class PortalRoundStopOut(Schema):
    id: int
    village: str
    area_name: str
    unit_name: str
    date: date
    start: str
    end: str
    place: str


@router.get("/portal/home-visits", auth=CUSTOMER, response={200: list[PortalHomeVisitOut], **ERRORS})
def portal_home_visits(
    request: HttpRequest, response: HttpResponse, page: int = 1, page_size: int | None = None
) -> list[Any]:
    """The customer's home-service requests (their bound accounts'), newest first."""
    rows = reads.my_visits(request_customer(request))
    return api_page(response, rows, page=page, page_size=page_size, dress=reads.visit_card)


@router.post(
    "/portal/home-visits", auth=CUSTOMER, response={201: PortalHomeVisitOut, 200: PortalHomeVisitOut, **ERRORS}
)
def portal_home_visit_ask(request: HttpRequest, payload: PortalHomeVisitIn) -> tuple[int, dict[str, Any]]:
    """Ask for a visit (201); the account's open request for the same business is answered again
    (200), so a repeated request asks once. The customer's phone is the contact phone."""
    customer = request_customer(request)
    try:
        account = selectors.bound_account(customer, payload.account_no)
    except NotFound:
        message = _("请选择您已绑定的户号。")
        raise InvalidInput(message, errors={"account_no": message}) from None
    ask = HomeVisitAsk(purpose=payload.purpose, reason=payload.reason, note=payload.note, phone=customer.phone)
    visit, created = home_visit_request_by_customer(account=account, ask=ask)
    return (201 if created else 200), reads.visit_card(visit)


@router.post("/portal/home-visits/{visit_id}/cancel", auth=CUSTOMER, response={200: PortalHomeVisitOut, **ERRORS})
def portal_home_visit_cancel(request: HttpRequest, visit_id: int) -> dict[str, Any]:
    """Withdraw a request before the visit begins (409 once it has begun or ended)."""
    visit = reads.my_visit(request_customer(request), visit_id)
    return reads.visit_card(home_visit_cancel_by_customer(visit=visit))


@router.get("/portal/rounds", auth=CUSTOMER, response={200: list[PortalRoundStopOut], **ERRORS})
def portal_rounds(request: HttpRequest) -> list[dict[str, Any]]:
    """The coming stops of the mobile service vehicle for the 台区 of the customer's accounts."""
    return [reads.stop_card(s) for s in reads.coming_stops(request_customer(request))]
