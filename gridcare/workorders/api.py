"""The work-order API: intake from every channel and one endpoint per transition."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from gridcare.core.exceptions import Forbidden
from gridcare.core.paging import api_page
from gridcare.core.timezone import now
from gridcare.org.access import scope_for
from gridcare.org.api import ERRORS, ErrorOut, scoped_get
from gridcare.workorders import selectors, services
from gridcare.workorders.access import connection_get_for_scope, order_get_for_scope
from gridcare.workorders.models import Status

router = Router(tags=["workorders"])


class OrderIn(Schema):
    channel: str
    text: str
    type: str | None = None
    complaint_class: str | None = None
    urgency: str | None = None  # the agent's: high, normal or low; danger words force high
    account_no: str | None = None
    phone: str | None = None
    feeder: str | None = None
    transformer_area: str | None = None
    area_type: Literal["urban", "rural", "remote"] | None = None
    location: str = ""
    complaint_cause: str | None = None  # a cause's code (GET /complaint-causes), of the complaint's class


class DeadlineOut(Schema):
    kind: str
    label: str
    due_at: datetime
    met_at: datetime | None
    provisional: bool  # reckoned over a year without a holiday notice (Monday-Friday assumed)


class OwnerOut(Schema):
    employee_no: str
    name: str


class SuggestionOut(Schema):
    type: str
    complaint_class: str | None
    urgency: str
    confidence: float


class OrderOut(Schema):
    id: int
    number: str
    channel: str
    type: str
    complaint_class: str | None
    complaint_cause: str | None  # the cause's code, once chosen (at intake or closing)
    complaint_cause_name: str | None
    urgency: str
    status: str
    text: str
    account_no: str | None
    supply_unit: str | None
    incident: int | None
    outage: int | None  # the fault outage on record the incident is (notices), once confirmed
    paused: bool
    received_at: datetime
    deadlines: list[DeadlineOut]
    owner: OwnerOut | None
    suggestion: SuggestionOut | None


class NoteIn(Schema):
    note: str = ""


class CloseIn(Schema):
    note: str = ""
    # Closing a complaint without a cause chosen at intake needs one of its class (422 without).
    complaint_cause: str | None = None


class CauseOut(Schema):
    code: str
    name: str
    complaint_class: str
    position: int


class DispatchIn(Schema):
    unit: str | None = None
    hall: str | None = None
    crew: str = ""
    note: str = ""


class ReasonIn(Schema):
    reason: str


class HandOverIn(Schema):
    to: str  # the new owner's employee number
    reason: str


class CallBackIn(Schema):
    reached: bool
    satisfied: bool | None = None
    note: str = ""


class VerifyIn(Schema):
    employee_no: str
    note: str


@router.post("/workorders", response={201: OrderOut, **ERRORS})
def workorder_create(request: HttpRequest, payload: OrderIn) -> tuple[int, dict[str, Any]]:
    scope = scope_for(request.user)
    order, suggestion = services.workorder_intake(
        scope=scope, actor=request.user, data=services.NewOrder(**payload.dict())
    )
    return 201, selectors.order_card(order, suggestion.as_dict())


@router.get("/workorders", response={200: list[OrderOut], 422: ErrorOut})
def workorder_list(
    request: HttpRequest,
    response: HttpResponse,
    status: str = "",
    type: str = "",
    q: str = "",
    page: int = 1,
    page_size: int | None = None,
) -> list[dict[str, Any]]:
    """Pages of ``?page=`` / ``?page_size=``; the total is in the X-Total-Count header."""
    orders = selectors.order_list(scope=scope_for(request.user), status=status, type=type, q=q)
    rows = orders.prefetch_related("deadlines")
    return api_page(response, rows, page=page, page_size=page_size, dress=selectors.order_card)


@router.get("/workorders/overdue", response={200: list[OrderOut], 422: ErrorOut})
def workorder_overdue(
    request: HttpRequest, response: HttpResponse, page: int = 1, page_size: int | None = None
) -> list[dict[str, Any]]:
    orders = selectors.orders_overdue(scope=scope_for(request.user), at=now())
    return api_page(response, orders, page=page, page_size=page_size, dress=selectors.order_card)


@router.get("/complaint-causes", response={200: list[CauseOut], 403: ErrorOut})
def complaint_cause_list(request: HttpRequest, complaint_class: str = "") -> list[dict[str, Any]]:
    """The causes offered at intake and closing (active), by class and position; ``complaint_class``
    narrows them to one class. Every staff post."""
    if not scope_for(request.user).is_staff:
        raise Forbidden(_("只有员工可以查看投诉原因。"))
    return [
        {"code": code, "name": name, "complaint_class": klass, "position": position}
        for code, name, klass, position in selectors.cause_choices(complaint_class=complaint_class)
    ]


@router.get("/workorders/{number}", response={200: OrderOut, 404: ErrorOut})
def workorder_detail(request: HttpRequest, number: str) -> dict[str, Any]:
    return selectors.order_card(order_get_for_scope(scope=scope_for(request.user), number=number))


def _move(request: HttpRequest, number: str, to: Status, note: str = "", **kwargs: Any) -> dict[str, Any]:
    scope, order = scoped_get(request, order_get_for_scope, number=number)
    order = services.workorder_transition(scope=scope, actor=request.user, order=order, to=to, note=note, **kwargs)
    return selectors.order_card(order)


@router.post("/workorders/{number}/accept", response={200: OrderOut, **ERRORS})
def workorder_accept(request: HttpRequest, number: str, payload: NoteIn) -> dict[str, Any]:
    return _move(request, number, Status.ACCEPTED, payload.note)


@router.post("/workorders/{number}/dispatch", response={200: OrderOut, **ERRORS})
def workorder_dispatch(request: HttpRequest, number: str, payload: DispatchIn) -> dict[str, Any]:
    target = services.DispatchTarget(unit=payload.unit, hall=payload.hall, crew=payload.crew)
    return _move(request, number, Status.DISPATCHED, payload.note, target=target)


@router.post("/workorders/{number}/arrive", response={200: OrderOut, **ERRORS})
def workorder_arrive(request: HttpRequest, number: str, payload: NoteIn) -> dict[str, Any]:
    return _move(request, number, Status.ARRIVED, payload.note)


@router.post("/workorders/{number}/restore", response={200: OrderOut, **ERRORS})
def workorder_restore(request: HttpRequest, number: str, payload: NoteIn) -> dict[str, Any]:
    return _move(request, number, Status.RESTORED, payload.note)


@router.post("/workorders/{number}/reply", response={200: OrderOut, **ERRORS})
def workorder_reply(request: HttpRequest, number: str, payload: NoteIn) -> dict[str, Any]:
    return _move(request, number, Status.REPLIED, payload.note)


@router.post("/workorders/{number}/close", response={200: OrderOut, **ERRORS})
def workorder_close(request: HttpRequest, number: str, payload: CloseIn) -> dict[str, Any]:
    """Closes the order; a complaint is put down to ``complaint_cause`` (required when none was
    chosen at intake and its class offers causes; replaces the intake's when given)."""
    return _move(request, number, Status.CLOSED, payload.note, cause=payload.complaint_cause or "")


@router.post("/workorders/{number}/confirm-outage", response={200: OrderOut, **ERRORS})
def workorder_confirm_outage(request: HttpRequest, number: str) -> dict[str, Any]:
    """The order's incident is an outage of its 台区/feeder: it becomes (or joins) the fault outage on record."""
    scope, order = scoped_get(request, order_get_for_scope, number=number)
    services.incident_confirm(scope=scope, actor=request.user, order=order)
    return selectors.order_card(order_get_for_scope(scope=scope, number=number))


@router.post("/workorders/{number}/call-back", response={200: OrderOut, **ERRORS})
def workorder_call_back(request: HttpRequest, number: str, payload: CallBackIn) -> dict[str, Any]:
    scope, order = scoped_get(request, order_get_for_scope, number=number)
    order = services.workorder_call_back(scope=scope, actor=request.user, order=order, **payload.dict())
    return selectors.order_card(order)


@router.post("/workorders/{number}/reopen", response={200: OrderOut, **ERRORS})
def workorder_reopen(request: HttpRequest, number: str, payload: ReasonIn) -> dict[str, Any]:
    scope, order = scoped_get(request, order_get_for_scope, number=number)
    order = services.workorder_reopen(scope=scope, actor=request.user, order=order, reason=payload.reason)
    return selectors.order_card(order)


@router.post("/workorders/{number}/contact", response={200: OrderOut, **ERRORS})
def workorder_contact(request: HttpRequest, number: str, payload: NoteIn) -> dict[str, Any]:
    order = order_get_for_scope(scope=scope_for(request.user), number=number)
    return selectors.order_card(services.workorder_contact(actor=request.user, order=order, note=payload.note))


@router.post("/workorders/{number}/pause", response={200: OrderOut, **ERRORS})
def workorder_pause(request: HttpRequest, number: str, payload: ReasonIn) -> dict[str, Any]:
    scope, order = scoped_get(request, order_get_for_scope, number=number)
    return selectors.order_card(
        services.workorder_pause(scope=scope, actor=request.user, order=order, reason=payload.reason)
    )


@router.post("/workorders/{number}/resume", response={200: OrderOut, **ERRORS})
def workorder_resume(request: HttpRequest, number: str) -> dict[str, Any]:
    scope, order = scoped_get(request, order_get_for_scope, number=number)
    return selectors.order_card(services.workorder_resume(scope=scope, actor=request.user, order=order))


@router.post("/workorders/{number}/hand-over", response={200: OrderOut, **ERRORS})
def workorder_hand_over(request: HttpRequest, number: str, payload: HandOverIn) -> dict[str, Any]:
    scope, order = scoped_get(request, order_get_for_scope, number=number)
    order = services.workorder_hand_over(
        scope=scope, actor=request.user, order=order, to_employee_no=payload.to, reason=payload.reason
    )
    return selectors.order_card(order)


@router.post("/workorders/{number}/verify", response={201: dict[str, Any], **ERRORS})
def workorder_verify(request: HttpRequest, number: str, payload: VerifyIn) -> tuple[int, dict[str, Any]]:
    scope, order = scoped_get(request, order_get_for_scope, number=number)
    finding = services.complaint_verify(
        scope=scope, actor=request.user, order=order, employee_no=payload.employee_no, note=payload.note
    )
    return 201, {"order": order.number, "staff": finding.staff.employee_no, "consequence": finding.consequence}


class ConnectionIn(Schema):
    applicant: str
    address: str
    category: Literal["residential", "low_voltage", "high_voltage_single", "high_voltage_dual"]
    supply_unit: str
    phone: str = ""
    capacity_kva: Decimal = Decimal(0)
    account_manager: str | None = None


class StepOut(Schema):
    stage: str
    finished_at: datetime
    on_time: bool


class ConnectionOut(Schema):
    number: str
    applicant: str
    category: str
    stage: str
    stage_label: str
    applied_at: datetime
    due_at: datetime
    stage_due_at: datetime | None
    provisional: bool  # due_at or stage_due_at reckoned over a year without a holiday notice
    stage_overdue: bool
    completed_at: datetime | None
    on_time: bool | None
    account_manager: str | None
    steps: list[StepOut]


@router.post("/new-connections", response={201: ConnectionOut, **ERRORS})
def connection_create(request: HttpRequest, payload: ConnectionIn) -> tuple[int, dict[str, Any]]:
    scope = scope_for(request.user)
    connection = services.new_connection_apply(
        scope=scope, actor=request.user, data=services.NewApplication(**payload.dict())
    )
    return 201, selectors.connection_card(connection)


@router.get("/new-connections", response={200: list[ConnectionOut], 422: ErrorOut})
def connection_list(
    request: HttpRequest, response: HttpResponse, mine: bool = False, page: int = 1, page_size: int | None = None
) -> list[dict[str, Any]]:
    rows = selectors.connection_list(scope=scope_for(request.user), mine=mine)
    return api_page(response, rows, page=page, page_size=page_size, dress=selectors.connection_card)


@router.post("/new-connections/{number}/advance", response={200: ConnectionOut, **ERRORS})
def connection_advance(request: HttpRequest, number: str, payload: NoteIn) -> dict[str, Any]:
    scope, connection = scoped_get(request, connection_get_for_scope, number=number)
    connection = services.new_connection_advance(
        scope=scope, actor=request.user, connection=connection, note=payload.note
    )
    return selectors.connection_card(connection)
