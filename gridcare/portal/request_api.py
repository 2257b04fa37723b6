"""The app's requests under /api/v1/portal/ (SELF-2, WO-1, WO-5; issue 15): file a fault report,
a complaint, a question or a suggestion for a bound account (a work order through the one intake,
channel app), follow the customer's own orders (status, promised times, one sentence per step),
answer the call-back of a closed order, rate it once. The customer's token or portal session
only; another customer's order is a 404 like a missing one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from gridcare.core.exceptions import InvalidInput, NotFound
from gridcare.core.paging import api_page
from gridcare.org.api import ErrorOut
from gridcare.portal import request_reads, selectors
from gridcare.portal.access import CUSTOMER, request_customer
from gridcare.workorders.services.customer import customer_intake, workorder_call_back_answer, workorder_rate

router = Router(tags=["portal"])

ERRORS = {401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
APP = "app"


class PortalRequestIn(Schema):
    type: str  # fault (报修), complaint (投诉), inquiry (咨询), suggestion (建议)
    account_no: str  # one of the customer's bound accounts: its address and 台区 are the order's
    text: str
    location: str = ""  # where exactly, when not at the account's address


class PortalRequestOut(Schema):
    number: str
    type: str
    type_label: str
    status: str
    status_label: str
    text: str
    location: str
    account_no: str
    area: str  # the 台区
    received_at: datetime
    closed_at: datetime | None
    can_call_back: bool
    can_rate: bool
    rating_score: int | None
    rating_comment: str


class PortalDeadlineOut(Schema):
    kind: str
    label: str
    due_at: datetime
    met_at: datetime | None
    state: str  # met, open, overdue
    state_label: str


class PortalStepOut(Schema):
    at: datetime
    sentence: str


class PortalRequestDetailOut(PortalRequestOut):
    deadlines: list[PortalDeadlineOut]
    steps: list[PortalStepOut]


class PortalCallBackIn(Schema):
    satisfied: bool
    comment: str = ""


class PortalRatingIn(Schema):
    score: int  # 1-5 stars
    comment: str = ""


class PortalRatingOut(Schema):
    number: str
    score: int
    comment: str


@router.post("/portal/requests", auth=CUSTOMER, response={201: PortalRequestOut, **ERRORS})
def portal_request_file(request: HttpRequest, payload: PortalRequestIn) -> tuple[int, dict[str, Any]]:
    """File a request for a bound account: a work order of its unit, hall and 台区 with the
    customer's phone; the number and the progress come by SMS too."""
    customer = request_customer(request)
    try:
        account = selectors.bound_account(customer, payload.account_no)
    except NotFound:
        message = _("请选择您已绑定的户号。")
        raise InvalidInput(message, errors={"account_no": message}) from None
    order, _suggestion = customer_intake(
        account=account,
        phone=customer.phone,
        type=payload.type,
        text=payload.text,
        location=payload.location,
        channel=APP,
    )
    return 201, request_reads.order_card(order)


@router.get("/portal/requests", auth=CUSTOMER, response={200: list[PortalRequestOut], **ERRORS})
def portal_requests(
    request: HttpRequest, response: HttpResponse, page: int = 1, page_size: int | None = None
) -> list[Any]:
    """The customer's orders (their bound accounts' or their phone's), newest first."""
    rows = request_reads.my_orders(request_customer(request))
    return api_page(response, rows, page=page, page_size=page_size, dress=request_reads.order_card)


@router.get("/portal/requests/{number}", auth=CUSTOMER, response={200: PortalRequestDetailOut, **ERRORS})
def portal_request(request: HttpRequest, number: str) -> dict[str, Any]:
    """One order: its status, promised times and one customer sentence per step."""
    detail = request_reads.order_detail(request_reads.my_order(request_customer(request), number))
    return detail | {
        "deadlines": [d.__dict__ for d in detail["deadlines"]],
        "steps": [s.__dict__ for s in detail["steps"]],
    }


@router.post("/portal/requests/{number}/callback", auth=CUSTOMER, response={200: PortalRequestOut, **ERRORS})
def portal_request_callback(request: HttpRequest, number: str, payload: PortalCallBackIn) -> dict[str, Any]:
    """Answer the call-back of the closed order, once: satisfied ends it, dissatisfied reopens it."""
    order = request_reads.my_order(request_customer(request), number)
    done = workorder_call_back_answer(order=order, satisfied=payload.satisfied, comment=payload.comment, channel=APP)
    return request_reads.order_card(done)


@router.post("/portal/requests/{number}/rating", auth=CUSTOMER, response={201: PortalRatingOut, **ERRORS})
def portal_request_rating(request: HttpRequest, number: str, payload: PortalRatingIn) -> tuple[int, dict[str, Any]]:
    """Rate the closed order 1-5 stars, once (409 the second time, nothing changed)."""
    order = request_reads.my_order(request_customer(request), number)
    rating = workorder_rate(order=order, score=payload.score, comment=payload.comment, channel=APP)
    return 201, {"number": order.number, "score": rating.score, "comment": rating.comment}
