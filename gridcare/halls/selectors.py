"""Reads of the hall queue: positions and estimates, the queue, the board, the console, the pad."""

from __future__ import annotations

from collections import Counter as Tally
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy
from pydantic import BaseModel, ConfigDict

from gridcare.core.calendar import is_working_day
from gridcare.core.sql import Columns, fetch
from gridcare.core.timezone import SHANGHAI, business_date, now
from gridcare.customers import rules as customer_rules
from gridcare.halls import rules
from gridcare.halls.models import (
    Appointment,
    AppointmentStatus,
    BusinessType,
    CounterSetup,
    CounterStatus,
    Evaluation,
    HallDevice,
    HallPolicy,
    Terminal,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from gridcare.halls.rules import appointment_rules, check_in_window, clock_text
from gridcare.org.access import Scope
from gridcare.org.models import Counter, Hall

_NOT_LOADED = object()


def policy_for(hall: Hall) -> HallPolicy:
    """The hall's queue policy; the defaults when the hall has none saved. Free when the hall
    was fetched with ``select_related("queue_policy")`` (gridcare.halls.access does)."""
    loaded = hall._state.fields_cache.get("queue_policy", _NOT_LOADED)
    if loaded is _NOT_LOADED:
        loaded = HallPolicy.objects.filter(hall=hall).first()
    return loaded or HallPolicy(hall=hall)


# How many recent handling times of a type feed the estimate.
RECENT_HANDLED = 20


@dataclass(frozen=True)
class TypeCapacity:
    open_counters: int
    idle_counters: int
    recent_minutes: list[float]
    expected_minutes: int


_TICKET = Columns(Ticket, "t")

# Open counters serving each type, whether each is serving someone now, and the latest handling
# times of each type (a window per type). Hand-written (gridcare.core.sql): the ticket view and
# the board ask this on every issue and every refresh.
_OPEN_SQL = """
SELECT cb.businesstype_id, cs.counter_id,
       EXISTS (SELECT 1 FROM halls_ticket c WHERE c.counter_id = cs.counter_id AND c.status = %s)
FROM halls_countersetup_business_types cb
JOIN halls_countersetup cs ON cs.counter_id = cb.countersetup_id
WHERE cs.status = %s AND cb.businesstype_id IN ({types})
"""
_RECENT_SQL = """
SELECT business_type_id, called_at, finished_at FROM (
    SELECT business_type_id, called_at, finished_at,
           ROW_NUMBER() OVER (PARTITION BY business_type_id ORDER BY finished_at DESC) AS n
    FROM halls_ticket
    WHERE business_type_id IN ({types}) AND status = %s AND called_at IS NOT NULL
) recent WHERE n <= %s
"""


def capacities(business_types: list[BusinessType]) -> dict[int, TypeCapacity]:
    """``TypeCapacity`` of several types in two queries."""
    if not business_types:
        return {}
    ids = [b.pk for b in business_types]
    marks = ", ".join(["%s"] * len(ids))
    open_ids: dict[int, list[int]] = {i: [] for i in ids}
    busy: dict[int, int] = dict.fromkeys(ids, 0)
    for type_id, _counter_id, is_busy in fetch(
        _OPEN_SQL.format(types=marks), [TicketStatus.CALLED, CounterStatus.OPEN, *ids]
    ):
        open_ids[type_id].append(_counter_id)
        busy[type_id] += 1 if is_busy else 0
    called, finished = Ticket._meta.get_field("called_at"), Ticket._meta.get_field("finished_at")
    recent: dict[int, list[float]] = {i: [] for i in ids}
    for type_id, start, end in fetch(_RECENT_SQL.format(types=marks), [*ids, TicketStatus.FINISHED, RECENT_HANDLED]):
        start, end = _as_datetime(start, called), _as_datetime(end, finished)
        if start and end:
            recent[type_id].append((end - start).total_seconds() / 60)
    return {
        b.pk: TypeCapacity(
            open_counters=len(open_ids[b.pk]),
            idle_counters=len(open_ids[b.pk]) - busy[b.pk],
            recent_minutes=recent[b.pk],
            expected_minutes=b.expected_minutes,
        )
        for b in business_types
    }


def _as_datetime(value: Any, field: Any) -> datetime | None:
    """A datetime column read by hand, converted as the ORM would (aware, on every database)."""
    column = field.get_col("t")
    for convert in connection.ops.get_db_converters(column) + column.get_db_converters(connection):
        value = convert(value, column, connection)
    converted: datetime | None = value  # what the datetime column's converters return
    return converted


def type_capacity(business_type: BusinessType) -> TypeCapacity:
    """Open and idle counters serving a type, and its recent handling times."""
    return capacities([business_type])[business_type.pk]


def estimate_minutes(capacity: TypeCapacity, ahead: int) -> int:
    return rules.estimate_wait_minutes(
        ahead=ahead,
        open_counters=capacity.open_counters,
        idle_counters=capacity.idle_counters,
        recent_minutes=capacity.recent_minutes,
        expected_minutes=capacity.expected_minutes,
    )


class WaitingRow(NamedTuple):
    """A waiting ticket as positions, estimates and the board need it (no model instance: the
    queue is read on every ticket issued and every board refresh)."""

    id: int
    priority: str
    issued_at: datetime
    business_type_id: int
    target_counter_id: int | None


_ISSUED_AT = Ticket._meta.get_field("issued_at")


def _waiting_today(hall: Hall, at: datetime) -> list[WaitingRow]:
    rows = fetch(
        "SELECT id, priority, issued_at, business_type_id, target_counter_id FROM halls_ticket "
        "WHERE hall_id = %s AND day = %s AND status = %s",
        [hall.pk, connection.ops.adapt_datefield_value(business_date(at)), TicketStatus.WAITING],
    )
    return [WaitingRow(i, p, _as_datetime(issued, _ISSUED_AT), b, c) for i, p, issued, b, c in rows]  # type: ignore[arg-type]  # issued_at is NOT NULL: never None here


def ticket_position(ticket: Ticket, *, at: datetime | None = None) -> int:
    """People ahead of ``ticket`` in its line, in calling order (0 when it is not waiting)."""
    if ticket.status != TicketStatus.WAITING:
        return 0
    at = at or now()
    ageing = timedelta(minutes=policy_for(ticket.hall).ageing_minutes)
    return rules.queue_positions(map(rules.as_waiting, _waiting_today(ticket.hall, at)), now=at, ageing=ageing).get(
        ticket.pk, 0
    )


class TicketView(BaseModel):
    """One ticket as its holder and the API see it (the API's TicketOut is this model)."""

    model_config = ConfigDict(frozen=True)

    id: int
    number: str
    business_type: str
    business_type_name: str
    status: str
    priority: str
    position: int
    estimated_wait_minutes: int
    issued_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump()


def ticket_view(ticket: Ticket) -> TicketView:
    position = ticket_position(ticket)
    waiting = ticket.status == TicketStatus.WAITING
    return TicketView(
        id=ticket.pk,
        number=ticket.number,
        business_type=ticket.business_type.kind,
        business_type_name=ticket.business_type.name,
        status=ticket.status,
        priority=ticket.priority,
        position=position,
        estimated_wait_minutes=estimate_minutes(type_capacity(ticket.business_type), position) if waiting else 0,
        issued_at=ticket.issued_at,
    )


# --- the hall's queue ----------------------------------------------------------------------------


class TypeLine(BaseModel):
    """One business type's line in the hall's queue (the API's TypeLineOut is this model)."""

    kind: str
    name: str
    prefix: str
    waiting: int
    estimated_wait_minutes: int
    longest_wait_minutes: int


@dataclass
class CounterLine:
    id: int
    number: int
    status: str
    status_label: str
    serving: str | None
    serving_type: str | None
    serving_since: datetime | None
    clerk: str | None
    types: list[str] = field(default_factory=list)
    waiting: int = 0


@dataclass
class HallQueue:
    hall: Hall
    types: list[TypeLine]
    counters: list[CounterLine]
    waiting: int
    longest_wait_minutes: int


def hall_queue(hall: Hall) -> HallQueue:
    """Waiting per type with its estimate, and what each counter is doing (HALL-4, HALL-5)."""
    at = now()
    waiting = _waiting_today(hall, at)
    per_type: dict[int, list[WaitingRow]] = {}
    for ticket in waiting:
        per_type.setdefault(ticket.business_type_id, []).append(ticket)
    types = []
    active = list(BusinessType.objects.filter(hall=hall, active=True).order_by("prefix"))
    capacity = capacities(active)
    for business_type in active:
        mine = per_type.get(business_type.pk, [])
        untargeted = sum(1 for t in mine if t.target_counter_id is None)
        types.append(
            TypeLine(
                kind=business_type.kind,
                name=business_type.name,
                prefix=business_type.prefix,
                waiting=len(mine),
                estimated_wait_minutes=estimate_minutes(capacity[business_type.pk], untargeted),
                longest_wait_minutes=_minutes_since(min((t.issued_at for t in mine), default=None), at),
            )
        )
    return HallQueue(
        hall=hall,
        types=types,
        counters=counter_lines(hall, waiting),
        waiting=len(waiting),
        longest_wait_minutes=_minutes_since(min((t.issued_at for t in waiting), default=None), at),
    )


def _minutes_since(moment: datetime | None, at: datetime) -> int:
    return int((at - moment).total_seconds() // 60) if moment else 0


def counter_lines(hall: Hall, waiting: list[WaitingRow]) -> list[CounterLine]:
    serving = {
        t.counter_id: t
        for t in Ticket.objects.filter(hall=hall, status=TicketStatus.CALLED).select_related("business_type")
    }
    setups = {
        s.counter_id: s
        for s in CounterSetup.objects.filter(counter__hall=hall)
        .select_related("clerk__staff")
        .prefetch_related("business_types")
    }
    lines = []
    for counter in Counter.objects.filter(hall=hall).order_by("number"):
        setup = setups.get(counter.pk)
        type_ids = {t.pk for t in setup.business_types.all()} if setup else set()
        current = serving.get(counter.pk)
        status = setup.status if setup else CounterStatus.CLOSED
        clerk = setup.clerk if setup else None
        lines.append(
            CounterLine(
                id=counter.pk,
                number=counter.number,
                status=status,
                status_label=str(CounterStatus(status).label),
                serving=current.number if current else None,
                serving_type=current.business_type.name if current else None,
                serving_since=current.called_at if current else None,
                clerk=_staff_name(clerk),
                types=[t.prefix for t in setup.business_types.all()] if setup else [],
                waiting=sum(
                    1
                    for t in waiting
                    if t.target_counter_id == counter.pk
                    or (t.target_counter_id is None and t.business_type_id in type_ids)
                ),
            )
        )
    return lines


def _staff_name(user: Any) -> str | None:
    if user is None:
        return None
    staff = getattr(user, "staff", None)
    return str(staff.name) if staff else str(user.get_username())


# --- board, console, pad -------------------------------------------------------------------------


@dataclass(frozen=True)
class Announcement:
    event_id: int
    number: str
    counter_number: int
    at: datetime


def recent_calls(hall: Hall, limit: int = 8) -> list[Announcement]:
    """The latest calls and recalls of today, newest first, for the board."""
    events = (
        TicketEvent.objects.filter(
            ticket__hall=hall,
            ticket__day=business_date(),
            type__in=[TicketEvent.Type.CALLED, TicketEvent.Type.RECALLED],
            counter__isnull=False,
        )
        .select_related("ticket", "counter")
        .order_by("-id")[:limit]
    )
    return [
        Announcement(event_id=e.pk, number=e.ticket.number, counter_number=e.counter.number, at=e.created_at)
        for e in events
        if e.counter is not None
    ]


def counter_current(counter: Counter) -> Ticket | None:
    return (
        Ticket.objects.filter(counter=counter, status=TicketStatus.CALLED)
        .select_related("business_type", "account__customer")
        .first()
    )


def counter_setup(counter: Counter) -> CounterSetup | None:
    return CounterSetup.objects.filter(counter=counter).prefetch_related("business_types").first()


# A finished ticket stays on the pad this long for its rating.
PAD_MINUTES = 10


def ticket_to_rate(counter: Counter) -> Ticket | None:
    """The ticket the counter's evaluation pad asks about: the last finished here, if recent and
    not rated yet."""
    last = (
        Ticket.objects.filter(counter=counter, status=TicketStatus.FINISHED)
        .select_related("business_type")
        .order_by("-finished_at")
        .first()
    )
    if last is None or last.finished_at is None or now() - last.finished_at > timedelta(minutes=PAD_MINUTES):
        return None
    if Evaluation.objects.filter(ticket=last).exists():
        return None
    return last


def tickets_numbered(*, scope: Scope, number: str, day: date, limit: int = 20) -> list[Ticket]:
    """The day's tickets numbered ``number`` (A023) in the halls ``scope`` sees: the top bar's
    search. Each hall numbers its own tickets, so one number may be in several halls."""
    found = Ticket.objects.filter(scope.hall_filter(), day=day, number=number.upper())
    related = found.select_related("hall", "business_type", "counter", "account__customer")
    return list(related.order_by("hall__code", "id")[:limit])


def tickets_of_account(*, scope: Scope, account: Any, limit: int = 5) -> list[Ticket]:
    """The account's latest hall visits in the halls the caller sees (the account card), newest first."""
    found = Ticket.objects.filter(scope.hall_filter(), account=account)
    related = found.select_related("hall", "business_type", "counter")
    return list(related.order_by("-issued_at", "-id")[:limit])


def halls_for(scope: Scope) -> QuerySet[Hall]:
    return Hall.objects.filter(scope.hall_filter("")).order_by("code")


def terminals_of(hall: Hall) -> QuerySet[Terminal]:
    open_tasks = Count("tasks", filter=Q(tasks__status="open"))
    return Terminal.objects.filter(hall=hall).annotate(open_tasks=open_tasks).order_by("code")


@dataclass(frozen=True)
class DeviceLine:
    """A device as the manager's devices page lists it."""

    device: HallDevice
    status: str  # paired, pending (a pairing code out), expired (not paired in time), revoked
    status_label: str


_DEVICE_STATUS = {
    "paired": gettext_lazy("已配对"),
    "pending": gettext_lazy("待配对"),
    "expired": gettext_lazy("配对码已过期"),
    "revoked": gettext_lazy("已吊销"),
}


def devices_of(hall: Hall) -> list[DeviceLine]:
    """The hall's devices, live ones first (kiosks, boards, pads by counter), then the revoked."""
    at = now()
    lines = []
    rows = HallDevice.objects.filter(hall=hall).select_related("counter", "registered_by", "revoked_by")
    for device in sorted(rows, key=lambda d: (d.revoked_at is not None, d.kind, d.counter_id or 0, d.pk)):
        if device.revoked_at is not None:
            status = "revoked"
        elif device.pairing_expires_at is not None and device.pairing_expires_at > at:
            status = "pending"
        elif device.credential_digest:
            status = "paired"
        else:
            status = "expired"
        lines.append(DeviceLine(device=device, status=status, status_label=str(_DEVICE_STATUS[status])))
    return lines


# --- appointments of a day, and their counts ---------------------------------------------------


@dataclass(frozen=True)
class AppointmentLine:
    reference: str
    start: str
    end: str
    business_type_name: str
    phone: str  # masked
    status: str
    status_display: str
    ticket_number: str
    can_check_in: bool


def appointments_of_day(hall: Hall, day: date, *, at: datetime | None = None) -> list[AppointmentLine]:
    """The hall's appointments of a day in slot order, phones masked (the guide's tablet)."""
    at = at or now()
    rules = appointment_rules()
    rows = Appointment.objects.filter(hall=hall, day=day).select_related("business_type", "ticket")
    lines = []
    for a in rows.order_by("starts_at", "business_type__prefix", "id"):
        opens, closes = check_in_window(a.day, a.starts_at, a.ends_at, rules)
        lines.append(
            AppointmentLine(
                reference=a.reference,
                start=clock_text(a.starts_at),
                end=clock_text(a.ends_at),
                business_type_name=a.business_type.name,
                phone=customer_rules.mask_phone(a.phone),
                status=a.status,
                status_display=a.get_status_display(),
                ticket_number=a.ticket.number if a.ticket else "",
                can_check_in=a.status == AppointmentStatus.BOOKED and opens <= at <= closes,
            )
        )
    return lines


def appointment_counts(hall: Hall, start: date, end: date) -> dict[str, int]:
    """Appointments of the days ``start``…``end`` by status (the hall figures count the missed)."""
    tally = Tally(Appointment.objects.filter(hall=hall, day__gte=start, day__lte=end).values_list("status", flat=True))
    return {status: tally.get(status, 0) for status in AppointmentStatus.values}


class TicketForFigures(NamedTuple):
    """One ticket as the assessment roll-up reads it (its hall's unit and company included)."""

    hall_id: int
    unit_id: int
    company_id: int
    counter_id: int | None
    clerk_id: int | None  # the user who called it
    status: str
    issued_at: datetime
    first_called_at: datetime | None
    called_at: datetime | None
    finished_at: datetime | None
    rating: str | None  # its evaluation, if the customer gave one


def tickets_for_figures(*, start: date, end: date, halls: list[int] | None = None) -> list[TicketForFigures]:
    """Every ticket of the days ``start``..``end`` (of ``halls``, default all), with its
    evaluation, for the assessment roll-up and the raw check of its figures. Read hall by hall
    through the (hall, day, status) index."""
    chosen = halls if halls is not None else list(Hall.objects.values_list("pk", flat=True))
    found = Ticket.objects.filter(hall_id__in=chosen, day__gte=start, day__lte=end)
    rows = found.exclude(status=TicketStatus.CANCELLED).values_list(
        "hall_id",
        "hall__unit_id",
        "hall__unit__company_id",
        "counter_id",
        "clerk_id",
        "status",
        "issued_at",
        "first_called_at",
        "called_at",
        "finished_at",
        "evaluation__rating",
    )
    return [TicketForFigures(*row) for row in rows.iterator(chunk_size=20_000)]


def tickets_behind_figure(
    *,
    scope: Scope,
    start: date,
    end: date,
    hall_id: int | None = None,
    counter_id: int | None = None,
    clerk_id: int | None = None,
    unit_id: int | None = None,
) -> QuerySet[Ticket]:
    """The tickets an assessment figure was computed from (its drill-down), in the caller's
    scope, newest first."""
    found = Ticket.objects.filter(scope.hall_filter(), day__gte=start, day__lte=end)
    if hall_id is not None:
        found = found.filter(hall_id=hall_id)
    if counter_id is not None:
        found = found.filter(counter_id=counter_id)
    if clerk_id is not None:
        found = found.filter(clerk_id=clerk_id)
    if unit_id is not None:
        found = found.filter(hall__unit_id=unit_id)
    return found.select_related("hall", "counter", "business_type", "evaluation").order_by("-issued_at", "-id")


def first_ticket_day(*, since: date) -> date | None:
    """The first day on or after ``since`` with a ticket (where a first roll-up starts)."""
    found = Ticket.objects.filter(day__gte=since).order_by("day").values_list("day", flat=True).first()
    return found


# --- the customer's side (线上取号 and appointments in the portal) -----------------------------


@dataclass(frozen=True)
class HallLine:
    """A hall as a customer chooses one: where it is, its hours, open now, people waiting."""

    code: str
    name: str
    address: str
    opens_at: str
    closes_at: str
    open_now: bool
    waiting: int


def hall_lines(*, first_units: list[int] | None = None, at: datetime | None = None) -> list[HallLine]:
    """Every hall with its waiting count today (one query for all), the halls of ``first_units``
    (the customer's own supply units) first, then by code."""
    at = at or now()
    local = at.astimezone(SHANGHAI)
    counts = dict(
        Ticket.objects.filter(day=business_date(at), status=TicketStatus.WAITING)
        .values_list("hall_id")
        .annotate(n=Count("id"))
        .values_list("hall_id", "n")
    )
    mine = set(first_units or [])
    halls = sorted(Hall.objects.all(), key=lambda h: (h.unit_id not in mine, h.code))
    return [
        HallLine(
            code=h.code,
            name=h.name,
            address=h.address,
            opens_at=clock_text(h.opens_at),
            closes_at=clock_text(h.closes_at),
            open_now=rules.next_opening(local, opens=h.opens_at, closes=h.closes_at, working_day=is_working_day)
            is None,
            waiting=counts.get(h.pk, 0),
        )
        for h in halls
    ]


def tickets_of_holder(phone: str, *, since: date) -> QuerySet[Ticket]:
    """The tickets taken with ``phone`` from ``since`` on, newest first, with their rating."""
    return (
        Ticket.objects.filter(phone=phone, day__gte=since)
        .select_related("hall", "business_type", "evaluation")
        .order_by("-issued_at", "-id")
    )


def appointments_of_holder(phone: str, *, since: date) -> QuerySet[Appointment]:
    """The appointments booked for ``phone`` on ``since`` or later, soonest first."""
    return (
        Appointment.objects.filter(phone=phone, day__gte=since)
        .select_related("hall", "business_type", "ticket", "account")
        .order_by("day", "starts_at", "id")
    )


def appointment_of_holder(phone: str, reference: str) -> Appointment | None:
    """The appointment of ``reference`` if it was booked for ``phone`` (None otherwise)."""
    code = rules.normalise_reference(reference)[:20]
    if not phone or not code:
        return None
    return (
        Appointment.objects.filter(phone=phone, reference=code)
        .select_related("hall", "business_type", "ticket", "account")
        .first()
    )


@dataclass(frozen=True)
class ServiceHistory:
    """A hall's recorded service for the planners' simulation (PLAN-2): the handling minutes of
    its finished tickets (call to finish), its tickets by priority class, and for the patience
    estimate the minutes customers waited until first called (finished and no-show alike; a
    no-show left some time before) and how many left unserved (no-shows)."""

    handling_minutes: list[float]
    priorities: dict[str, int]
    waited_minutes: float
    left: int


def service_history(
    *, hall: Hall, since: date, business_type_id: int | None = None, limit: int = 20_000
) -> ServiceHistory:
    """The hall's (or one business type's) tickets from ``since`` on, newest ``limit`` first."""
    found = Ticket.objects.filter(hall=hall, day__gte=since).exclude(status=TicketStatus.CANCELLED)
    if business_type_id is not None:
        found = found.filter(business_type_id=business_type_id)
    rows = found.order_by("-issued_at").values_list(
        "status", "priority", "issued_at", "first_called_at", "called_at", "finished_at"
    )[:limit]
    handling: list[float] = []
    priorities: Tally[str] = Tally()
    waited, left = 0.0, 0
    for status, priority, issued_at, first_called_at, called_at, finished_at in rows:
        priorities[priority] += 1
        if status == TicketStatus.FINISHED and called_at and finished_at and finished_at > called_at:
            handling.append((finished_at - called_at).total_seconds() / 60)
        if status in (TicketStatus.FINISHED, TicketStatus.NO_SHOW) and first_called_at:
            waited += max((first_called_at - issued_at).total_seconds() / 60, 0.0)
            left += status == TicketStatus.NO_SHOW
    return ServiceHistory(handling_minutes=handling, priorities=dict(priorities), waited_minutes=waited, left=left)


class PlanningTicket(NamedTuple):
    """A ticket as the staffing plan reads it (PLAN-1): when it came, for what, and when and at
    which counter it was served (times aware, None when it never was)."""

    day: date
    kind: str
    issued_at: datetime
    called_at: datetime | None
    finished_at: datetime | None
    counter_id: int | None
    status: str


def tickets_for_planning(*, hall: Hall, first: date, last: date) -> list[PlanningTicket]:
    """The hall's tickets of the days ``first``..``last`` (cancelled remote tickets are no
    arrivals and are left out), through the (hall, day, status) index."""
    found = Ticket.objects.filter(hall=hall, day__gte=first, day__lte=last).exclude(status=TicketStatus.CANCELLED)
    rows = found.values_list(
        "day", "business_type__kind", "issued_at", "called_at", "finished_at", "counter_id", "status"
    )
    return [PlanningTicket(*row) for row in rows.iterator(chunk_size=20_000)]
