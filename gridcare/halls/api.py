"""The hall queue's JSON API, for kiosks, the app and other systems. Thin: access, service, answer.

Staff call with a bearer token or their session; the hall's registered devices with
``Authorization: Device <credential>`` (from ``POST /devices/pair``), and only where an operation
names ``DEVICE_OR_STAFF``: a kiosk takes tickets and checks appointments in at its own hall, a pad
rates its counter's ticket. A device anywhere else is no caller at all (401)."""

from __future__ import annotations

import json
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import AuthenticationError
from pydantic import ValidationError as PydanticValidationError

from config.api_auth import DEVICE_OR_STAFF
from gridcare.core.exceptions import InvalidInput, NotFound
from gridcare.customers.rules import mask_phone
from gridcare.halls import selectors
from gridcare.halls.access import (
    counter_get_for_scope,
    device_serves,
    hall_get_for_scope,
    terminal_get_for_scope,
    ticket_get_for_device,
    ticket_get_for_scope,
)
from gridcare.halls.exceptions import NotThisDevice
from gridcare.halls.models import Appointment, CounterStatus, DeviceKind, HallDevice, Source, Ticket
from gridcare.halls.services import appointments, devices, evaluations, terminals, tickets
from gridcare.org.access import Capability, Scope, require, scope_for
from gridcare.org.api import ERRORS, scoped_get
from gridcare.org.models import Hall

router = Router(tags=["halls"])


KindIn = Literal[
    "payment",
    "new_connection",
    "account_change",
    "consultation",
    "invoice",
    "meter_test",
    "complaint",
    "key_account",
]


class TicketIn(Schema):
    business_type: KindIn
    priority: Literal["normal", "elderly", "vip", "appointment"] = "normal"
    phone: str = ""
    account_no: str = ""
    appointment_ref: str = ""
    # A hall's own touch-screen kiosk says so: it issues nothing outside opening hours (409).
    source: Literal["remote", "kiosk"] = "remote"


# The selector's view of a ticket under the API's name (no docstring: it would enter the
# OpenAPI document as the schema's description).
class TicketOut(selectors.TicketView):
    pass


class CalledOut(Schema):
    ticket: TicketOut
    counter_number: int


class FinishIn(Schema):
    outcome: str = ""


class TicketTransferIn(Schema):
    business_type: KindIn | None = None
    counter_id: int | None = None


class EvaluationIn(Schema):
    rating: Literal["very_satisfied", "satisfied", "basically_satisfied", "dissatisfied"]
    reasons: list[str] = []


class EvaluationOut(Schema):
    id: int
    ticket_id: int
    rating: str
    reasons: list[str]
    counter_number: int
    business_type: str


# The selector's line under the API's name (no docstring: see TicketOut).
class TypeLineOut(selectors.TypeLine):
    pass


class CounterLineOut(Schema):
    id: int
    number: int
    status: str
    serving: str | None
    serving_type: str | None
    clerk: str | None
    types: list[str]
    waiting: int


class QueueOut(Schema):
    hall: str
    waiting: int
    longest_wait_minutes: int
    types: list[TypeLineOut]
    counters: list[CounterLineOut]


class CounterOut(Schema):
    id: int
    number: int
    status: str


class DiversionIn(Schema):
    business_type: KindIn
    terminal_id: int | None = None


class DiversionOut(Schema):
    id: int
    terminal_code: str


class TerminalOut(Schema):
    id: int
    code: str
    kind: str
    name: str
    status: str
    usage_count: int


class TerminalStatusIn(Schema):
    status: Literal["in_service", "fault", "paper_out", "off"]
    note: str = ""


class UsageIn(Schema):
    count: int = 1


class FaultIn(Schema):
    description: str


class TaskOut(Schema):
    id: int
    terminal_id: int
    description: str
    status: str


FINISH_BODY = {
    "requestBody": {
        "required": False,
        "content": {"application/json": {"schema": {"type": "object", "properties": {"outcome": {"type": "string"}}}}},
    }
}


def _optional_body(request: HttpRequest, schema: type[FinishIn]) -> FinishIn:
    """An optional body: empty (or a form) means the defaults; JSON is validated."""
    if request.content_type != "application/json" or not request.body.strip():
        return schema(outcome=request.POST.get("outcome", ""))
    try:
        data = json.loads(request.body)
        return schema(**data) if isinstance(data, dict) else schema.model_validate(data)
    except (ValueError, PydanticValidationError) as exc:
        raise InvalidInput(_("提交的数据有误。"), errors={"outcome": _("格式不正确。")}) from exc


def _ticket(ticket: Ticket) -> dict[str, Any]:
    return selectors.ticket_view(ticket).as_dict()


def _device(request: HttpRequest) -> HallDevice | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, HallDevice) else None


def _kiosk(request: HttpRequest, hall_code: str | None = None) -> HallDevice | None:
    """The calling kiosk (None: staff). A device of another kind or hall is no caller here (401)."""
    device = _device(request)
    if device is not None and not device_serves(device, DeviceKind.KIOSK, hall_code=hall_code):
        raise AuthenticationError
    return device


@router.post("/halls/{hall_code}/tickets", response={201: TicketOut, **ERRORS}, auth=DEVICE_OR_STAFF)
def ticket_issue(request: HttpRequest, hall_code: str, payload: TicketIn) -> tuple[int, dict[str, Any]]:
    """``priority: "appointment"`` checks in the booked appointment ``appointment_ref`` of this
    hall and day (its type must be ``business_type``) and answers with its ticket. A kiosk
    (``Authorization: Device …``) takes normal and green-channel tickets of its own hall, in
    opening hours only."""
    kiosk = _kiosk(request, hall_code)
    if kiosk is not None:
        return 201, _ticket(_kiosk_ticket(request, kiosk, payload))
    scope, hall = scoped_get(request, hall_get_for_scope, code=hall_code)
    if payload.priority == "appointment":
        return 201, _ticket(_check_in(payload, scope=scope, actor=request.user, hall=hall))
    ticket = tickets.ticket_issue(
        scope=scope,
        actor=request.user,
        hall=hall,
        kind=payload.business_type,
        source=Source(payload.source),
        **payload.dict(exclude={"business_type", "source"}),
    )
    return 201, _ticket(ticket)


def _kiosk_ticket(request: HttpRequest, kiosk: HallDevice, payload: TicketIn) -> Ticket:
    if payload.priority == "appointment":
        return _check_in(payload, scope=scope_for(None), actor=None, hall=kiosk.hall, device=kiosk)
    return tickets.ticket_issue(
        scope=scope_for(None),
        actor=None,
        hall=kiosk.hall,
        kind=payload.business_type,
        source=Source.KIOSK,
        priority=payload.priority,
        phone=payload.phone,
        device=kiosk,
    )


def _check_in(
    payload: TicketIn, *, scope: Scope, actor: tickets.Actor, hall: Hall, device: HallDevice | None = None
) -> Ticket:
    """Check in the appointment ``appointment_ref`` at ``hall``, by the hall's kiosk (``device``)
    or by staff. An empty or unknown reference is the field's error (422)."""
    if not payload.appointment_ref.strip():
        message = _("预约签到请填写预约号。")
        raise InvalidInput(message, errors={"appointment_ref": message})
    try:
        return appointments.appointment_check_in(
            scope=scope,
            actor=actor,
            reference=payload.appointment_ref,
            hall=hall,
            kind=payload.business_type,
            device=device,
        )
    except NotFound as exc:
        if device is None:
            require(scope, Capability.TICKET_ISSUE)  # a post that may not issue learns nothing about references
        raise InvalidInput(exc.message, errors={"appointment_ref": str(exc.message)}) from None


@router.get("/halls/{hall_code}/queue", response={200: QueueOut, **ERRORS})
def hall_queue(request: HttpRequest, hall_code: str) -> dict[str, Any]:
    hall = hall_get_for_scope(scope=scope_for(request.user), code=hall_code)
    queue = selectors.hall_queue(hall)
    return {
        "hall": hall.code,
        "waiting": queue.waiting,
        "longest_wait_minutes": queue.longest_wait_minutes,
        "types": [t.model_dump() for t in queue.types],
        "counters": [c.__dict__ for c in queue.counters],
    }


@router.get("/tickets/{ticket_id}", response={200: TicketOut, **ERRORS})
def ticket_detail(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    return _ticket(ticket_get_for_scope(scope=scope_for(request.user), ticket_id=ticket_id))


@router.post("/counters/{counter_id}/call-next", response={200: CalledOut, 204: None, **ERRORS})
def counter_call_next(request: HttpRequest, counter_id: int) -> Any:
    scope, counter = scoped_get(request, counter_get_for_scope, counter_id=counter_id)
    ticket = tickets.counter_call_next(scope=scope, actor=request.user, counter=counter)
    if ticket is None:
        return HttpResponse(status=204)
    return 200, {"ticket": _ticket(ticket), "counter_number": counter.number}


def _counter_status(request: HttpRequest, counter_id: int, status: CounterStatus) -> dict[str, Any]:
    scope, counter = scoped_get(request, counter_get_for_scope, counter_id=counter_id)
    setup = tickets.counter_set_status(scope=scope, actor=request.user, counter=counter, status=status)
    return {"id": counter.pk, "number": counter.number, "status": setup.status}


@router.post("/counters/{counter_id}/pause", response={200: CounterOut, **ERRORS})
def counter_pause(request: HttpRequest, counter_id: int) -> dict[str, Any]:
    return _counter_status(request, counter_id, CounterStatus.PAUSED)


@router.post("/counters/{counter_id}/resume", response={200: CounterOut, **ERRORS})
def counter_resume(request: HttpRequest, counter_id: int) -> dict[str, Any]:
    return _counter_status(request, counter_id, CounterStatus.OPEN)


@router.post("/counters/{counter_id}/close", response={200: CounterOut, **ERRORS})
def counter_close(request: HttpRequest, counter_id: int) -> dict[str, Any]:
    return _counter_status(request, counter_id, CounterStatus.CLOSED)


@router.post("/tickets/{ticket_id}/recall", response={200: TicketOut, **ERRORS})
def ticket_recall(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    scope, ticket = scoped_get(request, ticket_get_for_scope, ticket_id=ticket_id)
    return _ticket(tickets.ticket_recall(scope=scope, actor=request.user, ticket=ticket))


@router.post("/tickets/{ticket_id}/no-show", response={200: TicketOut, **ERRORS})
def ticket_no_show(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    scope, ticket = scoped_get(request, ticket_get_for_scope, ticket_id=ticket_id)
    return _ticket(tickets.ticket_no_show(scope=scope, actor=request.user, ticket=ticket))


@router.post("/tickets/{ticket_id}/finish", response={200: TicketOut, **ERRORS}, openapi_extra=FINISH_BODY)
def ticket_finish(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    """Body optional: ``{"outcome": "..."}``; a counter button may post nothing."""
    scope, ticket = scoped_get(request, ticket_get_for_scope, ticket_id=ticket_id)
    outcome = _optional_body(request, FinishIn).outcome
    return _ticket(tickets.ticket_finish(scope=scope, actor=request.user, ticket=ticket, outcome=outcome))


@router.post("/tickets/{ticket_id}/transfer", response={200: TicketOut, **ERRORS})
def ticket_transfer(request: HttpRequest, ticket_id: int, payload: TicketTransferIn) -> dict[str, Any]:
    scope, ticket = scoped_get(request, ticket_get_for_scope, ticket_id=ticket_id)
    ticket = tickets.ticket_transfer(
        scope=scope, actor=request.user, ticket=ticket, kind=payload.business_type, counter_id=payload.counter_id
    )
    return _ticket(ticket)


@router.post("/tickets/{ticket_id}/evaluation", response={201: EvaluationOut, **ERRORS}, auth=DEVICE_OR_STAFF)
def ticket_evaluate(request: HttpRequest, ticket_id: int, payload: EvaluationIn) -> tuple[int, dict[str, Any]]:
    """The customer's rating, from the evaluation pad of the ticket's counter only
    (``Authorization: Device …``); staff get 403 and nothing is written."""
    device = _device(request)
    if device is None:
        ticket_get_for_scope(scope=scope_for(request.user), ticket_id=ticket_id)  # 404 outside the scope
        raise NotThisDevice(_("服务评价只能由客户在窗口的评价器上提交。"))
    if device.kind != DeviceKind.PAD:
        raise AuthenticationError
    ticket = ticket_get_for_device(device=device, ticket_id=ticket_id)
    evaluation = evaluations.evaluation_submit(
        device=device, ticket=ticket, rating=payload.rating, reasons=payload.reasons
    )
    return 201, {
        "id": evaluation.pk,
        "ticket_id": ticket.pk,
        "rating": evaluation.rating,
        "reasons": evaluation.reasons,
        "counter_number": evaluation.counter.number,
        "business_type": evaluation.business_type.kind,
    }


@router.post("/halls/{hall_code}/diversions", response={201: DiversionOut, **ERRORS})
def diversion_record(request: HttpRequest, hall_code: str, payload: DiversionIn) -> tuple[int, dict[str, Any]]:
    scope, hall = scoped_get(request, hall_get_for_scope, code=hall_code)
    terminal = terminal_get_for_scope(scope=scope, terminal_id=payload.terminal_id) if payload.terminal_id else None
    diversion = terminals.diversion_record(
        scope=scope, actor=request.user, hall=hall, kind=payload.business_type, terminal=terminal
    )
    return 201, {"id": diversion.pk, "terminal_code": diversion.terminal.code if diversion.terminal else ""}


@router.get("/halls/{hall_code}/terminals", response={200: list[TerminalOut], **ERRORS})
def terminal_list(request: HttpRequest, hall_code: str) -> list[Any]:
    scope, hall = scoped_get(request, hall_get_for_scope, code=hall_code)  # not the caller's hall: 404 first
    require(scope, Capability.TERMINALS_VIEW)
    return list(selectors.terminals_of(hall))


@router.post("/terminals/{terminal_id}/status", response={200: TerminalOut, **ERRORS})
def terminal_status(request: HttpRequest, terminal_id: int, payload: TerminalStatusIn) -> Any:
    scope, terminal = scoped_get(request, terminal_get_for_scope, terminal_id=terminal_id)
    return terminals.terminal_set_status(
        scope=scope, actor=request.user, terminal=terminal, status=payload.status, note=payload.note
    )


@router.post("/terminals/{terminal_id}/usage", response={200: TerminalOut, **ERRORS})
def terminal_usage(request: HttpRequest, terminal_id: int, payload: UsageIn) -> Any:
    scope, terminal = scoped_get(request, terminal_get_for_scope, terminal_id=terminal_id)
    return terminals.terminal_record_use(scope=scope, actor=request.user, terminal=terminal, count=payload.count)


@router.post("/terminals/{terminal_id}/fault", response={201: TaskOut, **ERRORS})
def terminal_fault(request: HttpRequest, terminal_id: int, payload: FaultIn) -> tuple[int, Any]:
    scope, terminal = scoped_get(request, terminal_get_for_scope, terminal_id=terminal_id)
    task = terminals.terminal_report_fault(
        scope=scope, actor=request.user, terminal=terminal, description=payload.description
    )
    return 201, task


# --- appointments (预约办电) ------------------------------------------------------------------------


class SlotOut(Schema):
    start: str
    end: str
    capacity: int
    booked: int
    free: int


class SlotsOut(Schema):
    hall: str
    date: str
    business_type: str
    slots: list[SlotOut]


class AppointmentIn(Schema):
    business_type: KindIn
    date: str
    start: str
    phone: str
    account_no: str = ""


class AppointmentOut(Schema):
    reference: str
    hall: str
    hall_name: str
    business_type: str
    business_type_name: str
    date: str
    start: str
    end: str
    phone: str
    status: str
    ticket_number: str | None


class CancelIn(Schema):
    phone: str = ""
    reason: str = ""


def _appointment(appointment: Appointment) -> dict[str, Any]:
    """The appointment as the app shows it; the phone masked (CUST-4)."""
    return {
        "reference": appointment.reference,
        "hall": appointment.hall.code,
        "hall_name": appointment.hall.name,
        "business_type": appointment.business_type.kind,
        "business_type_name": appointment.business_type.name,
        "date": appointment.day.isoformat(),
        "start": f"{appointment.starts_at:%H:%M}",
        "end": f"{appointment.ends_at:%H:%M}",
        "phone": mask_phone(appointment.phone),
        "status": appointment.status,
        "ticket_number": appointment.ticket.number if appointment.ticket else None,
    }


@router.get("/halls/{hall_code}/appointment-slots", response={200: SlotsOut, **ERRORS})
def appointment_slots(request: HttpRequest, hall_code: str, date: str, business_type: str) -> dict[str, Any]:
    """Free places per half-hour slot of a day (``date=YYYY-MM-DD``) and business type."""
    scope, hall = scoped_get(request, hall_get_for_scope, code=hall_code)
    slots = appointments.appointment_slots(scope=scope, hall=hall, kind=business_type, day=date)
    return {
        "hall": hall.code,
        "date": appointments.parse_day(date).isoformat(),
        "business_type": business_type,
        "slots": [slot.as_dict() for slot in slots],
    }


@router.post("/halls/{hall_code}/appointments", response={201: AppointmentOut, **ERRORS})
def appointment_book(request: HttpRequest, hall_code: str, payload: AppointmentIn) -> tuple[int, dict[str, Any]]:
    scope, hall = scoped_get(request, hall_get_for_scope, code=hall_code)
    appointment = appointments.appointment_book(
        scope=scope,
        actor=request.user,
        hall=hall,
        kind=payload.business_type,
        day=payload.date,
        start=payload.start,
        phone=payload.phone,
        account_no=payload.account_no,
    )
    return 201, _appointment(appointment)


@router.post("/appointments/{reference}/cancel", response={200: AppointmentOut, **ERRORS})
def appointment_cancel(request: HttpRequest, reference: str, payload: CancelIn) -> dict[str, Any]:
    """With ``phone``: the customer's own cancellation (the phone must be the booking's); without:
    hall staff cancel."""
    appointment = appointments.appointment_cancel(
        scope=scope_for(request.user),
        actor=request.user,
        reference=reference,
        phone=payload.phone,
        reason=payload.reason,
    )
    return _appointment(appointment)


@router.post("/appointments/{reference}/check-in", response={201: TicketOut, **ERRORS}, auth=DEVICE_OR_STAFF)
def appointment_check_in(request: HttpRequest, reference: str) -> tuple[int, dict[str, Any]]:
    """By hall staff, or by the hall's kiosk for appointments of its own hall."""
    kiosk = _kiosk(request)
    ticket = appointments.appointment_check_in(
        scope=scope_for(request.user), actor=request.user if kiosk is None else None, reference=reference, device=kiosk
    )
    return 201, _ticket(ticket)


# --- pairing a device that calls the API ------------------------------------------------------------


class PairIn(Schema):
    code: str


class PairedOut(Schema):
    credential: str
    kind: str
    hall: str
    counter_number: int | None
    name: str


@router.post("/devices/pair", response={201: PairedOut, **ERRORS}, auth=None)
def device_pair(request: HttpRequest, payload: PairIn) -> tuple[int, dict[str, Any]]:
    """A device exchanges the one-time pairing code from the hall manager's devices page for its
    credential (answered once; send it as ``Authorization: Device <credential>``). No sign-in:
    the code is the permission. A used, expired or revoked code: 404, nothing changed."""
    device, credential = devices.device_pair(code=payload.code.strip())
    return 201, {
        "credential": credential,
        "kind": device.kind,
        "hall": device.hall.code,
        "counter_number": device.counter.number if device.counter else None,
        "name": device.name,
    }


from gridcare.halls.home_api import router as home_router  # noqa: E402 - home service and mobile rounds (WO-9)

router.add_router("", home_router)
