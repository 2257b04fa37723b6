"""Demo set-up of the four demo halls: business types, what each counter serves, terminals, the
hall's devices (a kiosk, a display board, a pad per counter), demo clerk N signed in at counter N,
a few appointments for today and the next working day, and each hall's history: several weeks of
tickets, calls and ratings (``seed_history``, below).

Idempotent: types and terminals are found by their codes; counters already set up are left alone;
a hall that has devices gets no more; a day that already has appointments (or tickets) in a hall
gets no more.
The devices are registered unpaired: the hall manager pairs a browser from /halls/<hall>/devices/.
"""

from __future__ import annotations

import calendar
import heapq
import json
import math
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from gridcare.core.bulk import insert_rows, reserve_ids
from gridcare.core.calendar import is_working_day
from gridcare.core.timezone import SHANGHAI, business_date, now
from gridcare.customers.models import Account
from gridcare.halls.events import appointment_event
from gridcare.halls.figures import EDGE_DAYS, wait_target_minutes
from gridcare.halls.models import (
    Appointment,
    AppointmentEvent,
    BusinessType,
    CounterSetup,
    CounterStatus,
    DeviceKind,
    Evaluation,
    HallDevice,
    Kind,
    Priority,
    Rating,
    Source,
    TerminalKind,
    Ticket,
    TicketEvent,
    TicketSequence,
    TicketStatus,
)
from gridcare.halls.rules import Waiting, call_order_key, ticket_number
from gridcare.halls.selectors import policy_for
from gridcare.halls.services.appointments import new_reference, slot_end
from gridcare.halls.services.devices import device_register
from gridcare.halls.services.setup import counter_configure, hall_setup_defaults
from gridcare.halls.services.terminals import terminal_register
from gridcare.org.models import Counter, Hall

# Counter 1 takes the key accounts and the long business, counter 2 the quick business, the rest
# everything but key accounts.
LONG = [Kind.KEY_ACCOUNT, Kind.NEW_CONNECTION, Kind.ACCOUNT_CHANGE, Kind.COMPLAINT, Kind.METER_TEST]
QUICK = [Kind.PAYMENT, Kind.INVOICE, Kind.CONSULTATION]
GENERAL = [k for k in Kind if k != Kind.KEY_ACCOUNT]


def counter_kinds(number: int) -> list[str]:
    if number == 1:
        return [str(k) for k in LONG]
    if number == 2:
        return [str(k) for k in QUICK]
    return [str(k) for k in GENERAL]


@transaction.atomic
def seed_halls() -> int:
    """Set up every hall that has no business types yet; returns how many were set up."""
    done = 0
    for hall in Hall.objects.order_by("code"):
        if BusinessType.objects.filter(hall=hall).exists():
            continue
        configure_hall(hall)
        done += 1
    seed_devices()
    seat_demo_clerks()
    seed_appointments()
    return done


def seed_devices() -> int:
    """Register the screens of every hall that has none: 取号机, 叫号屏, and N号窗口评价器 for each
    counter; returns how many were registered."""
    made = 0
    for hall in Hall.objects.order_by("code"):
        if HallDevice.objects.filter(hall=hall).exists():
            continue
        device_register(scope=None, actor=None, hall=hall, kind=DeviceKind.KIOSK, name="取号机")
        device_register(scope=None, actor=None, hall=hall, kind=DeviceKind.BOARD, name="叫号屏")
        made += 2
        for counter in Counter.objects.filter(hall=hall).order_by("number"):
            device_register(
                scope=None,
                actor=None,
                hall=hall,
                kind=DeviceKind.PAD,
                name=f"{counter.number}号窗口评价器",
                counter_id=counter.pk,
            )
            made += 1
    return made


def seat_demo_clerks() -> int:
    """Demo clerk hNN.cN signed in at counter N of hall HNN where nobody is (README: "clerk N
    sits at counter N"); returns how many were seated."""
    users = {u.username: u for u in get_user_model().objects.filter(username__regex=r"^h[0-9]+\.c[0-9]+$")}
    seated = 0
    setups = CounterSetup.objects.filter(clerk__isnull=True).exclude(status=CounterStatus.CLOSED)
    for setup in setups.select_related("counter__hall"):
        user = users.get(f"{setup.counter.hall.code.lower()}.c{setup.counter.number}")
        if user is not None:
            setup.clerk = user
            setup.save(update_fields=["clerk"])
            seated += 1
    return seated


def configure_hall(hall: Hall) -> None:
    hall_setup_defaults(hall=hall)
    for counter in Counter.objects.filter(hall=hall):
        if not CounterSetup.objects.filter(counter=counter).exists():
            counter_configure(counter=counter, kinds=counter_kinds(counter.number), status=CounterStatus.OPEN)
    terminal_register(hall=hall, code=f"{hall.code}-T1", kind=TerminalKind.PAYMENT, name="自助缴费机1")
    terminal_register(hall=hall, code=f"{hall.code}-T2", kind=TerminalKind.ALL_IN_ONE, name="自助服务一体机")


# (start, business type, phone) of the demo bookings of one hall and day.
DEMO_APPOINTMENTS = (
    (time(9, 0), Kind.NEW_CONNECTION, "13900001001"),
    (time(9, 30), Kind.PAYMENT, "13900001002"),
    (time(10, 30), Kind.ACCOUNT_CHANGE, "13900001003"),
    (time(14, 0), Kind.METER_TEST, "13900001004"),
    (time(15, 30), Kind.CONSULTATION, "13900001005"),
)


def demo_days(today: date) -> list[date]:
    """Today when the halls work today, and the next working day."""
    days = [today] if _working(today) else []
    day = today + timedelta(days=1)
    for _n in range(30):
        if _working(day):
            return [*days, day]
        day += timedelta(days=1)
    return days


def _working(day: date) -> bool:
    return is_working_day(day)  # Monday to Friday in a year without a holiday notice


def seed_appointments() -> int:
    """Book the demo appointments (as if booked earlier through the app) where a hall has none
    that day; returns how many were made."""
    made = 0
    at = now()
    for hall in Hall.objects.order_by("code"):
        types = {t.kind: t for t in BusinessType.objects.filter(hall=hall, active=True)}
        for day in demo_days(business_date(at)):
            if Appointment.objects.filter(hall=hall, day=day).exists():
                continue
            for start, kind, phone in DEMO_APPOINTMENTS:
                if kind not in types or not hall.opens_at <= start < slot_end(start) <= hall.closes_at:
                    continue
                appointment = Appointment.objects.create(
                    hall=hall,
                    business_type=types[kind],
                    day=day,
                    starts_at=start,
                    ends_at=slot_end(start),
                    phone=phone,
                    reference=new_reference(),
                    created_at=at,
                )
                appointment_event(
                    appointment=appointment, type=AppointmentEvent.Type.BOOKED, actor=None, at=at, demo=True
                )
                made += 1
    return made


# --- history: several weeks of tickets, calls and ratings -------------------------------------------
#
# Each hall's past working days (GRIDCARE_DEMO_HISTORY_WEEKS back from today, Asia/Shanghai) and
# today up to now, simulated a day at a time: customers arrive, take the day's numbers of their
# business type, the counters call them in the hall's own calling order (rules.call_order_key),
# serve them or mark them absent (过号), and a share rate the service on the pad. The rows are
# those the services write (ticket_issue, counter_call_next, ticket_recall, ticket_no_show,
# ticket_finish, evaluation_submit): the ticket with its times, one event per step, the rating.
# A day that already has tickets in a hall is left alone, so a second run adds nothing.
#
# Where the numbers come from (../shared/data, read once to derive them, never at run time):
# - bank_calls_5min.csv (Weinberg, Brown and Stroud 2007, fpp3::bank_calls: 164 weekdays of
#   five-minute arrival counts, 2003): the hour profile and the weekday effect below; the days at
#   the month's edges have 1.05 times the arrivals of the other days (1.08 on days 1-4).
# - anonymous_bank_february.tsv (Technion SEE "Anonymous Bank", February 1999): handling times
#   are long tailed, lognormal rather than exponential; for the PS calls served by an agent the
#   median is 118 s and the mean 185 s, so sigma = sqrt(2 ln(185/118)) = 0.95.
# What a hall adds to a call centre (not in the data): bills are paid at the month's edges, so
# payments and invoices come EDGE_PAYMENT times as often then; the lunch hour is quiet; and a
# customer who gives up leaves the hall, to be called and marked absent (过号) later.

# Share of the day's arrivals per hour (bank_calls_5min.csv, weekdays 07:00-21:00, percent).
HOUR_SHARE = {
    7: 3.1,
    8: 5.9,
    9: 9.9,
    10: 10.4,
    11: 10.1,
    12: 9.6,
    13: 9.2,
    14: 8.9,
    15: 8.6,
    16: 7.6,
    17: 5.7,
    18: 4.4,
    19: 3.5,
    20: 2.9,
}
# Arrivals by weekday against the mean (bank_calls_5min.csv); Monday's extra 12% is the backlog of
# the weekend, and comes in the morning: the morning after any day off is MORNING_AFTER_DAY_OFF
# busier (1.25 on the half of the day before noon = 1.12 on the day).
WEEKDAY_FACTOR = (1.0, 1.01, 0.95, 0.95, 0.99, 1.0, 1.0)
MORNING_AFTER_DAY_OFF = 1.25
LUNCH = (time(12, 0), time(13, 30))
LUNCH_FACTOR = 0.6
EDGE_PAYMENT = 1.9  # payments and invoices on the first and last EDGE_DAYS of a month
EDGE_OTHER = 1.05  # everything else then (bank_calls_5min.csv)
# Customers per open counter on an ordinary day, and the mix of their business (percent).
PER_COUNTER = 40
MIX: dict[str, int] = {
    Kind.PAYMENT: 34,
    Kind.CONSULTATION: 18,
    Kind.INVOICE: 10,
    Kind.ACCOUNT_CHANGE: 11,
    Kind.NEW_CONNECTION: 8,
    Kind.METER_TEST: 6,
    Kind.COMPLAINT: 4,
    Kind.KEY_ACCOUNT: 3,
}
SERVICE_SIGMA = 0.95  # lognormal handling time around the type's expected minutes (see above)
SERVICE_CAP = 4  # no handling takes longer than 4 times the expected minutes
# Most customers wait as long as it takes; IMPATIENT of them give up after an exponential time
# of PATIENCE_MINUTES on average (and are marked absent when called).
IMPATIENT = 0.15
PATIENCE_MINUTES = 20
OVERTIME = timedelta(minutes=30)  # the counters still call those waiting this long after closing
# Staffing: on an ordinary day the hall opens STAFFED of its counters (at least 3; the highest
# numbers stay closed), on a busy one (a month's edge, the day after a day off) all of them; the
# general counters (3 and up) take lunch in turns, the odd ones 12:00-13:00, the even 12:30-13:30.
STAFFED = 0.75
MIN_STAFFED = 3
LUNCH_BREAKS = ((time(12, 0), time(13, 0)), (time(12, 30), time(13, 30)))
# Share of the finished tickets the customer rates on the pad.
EVALUATION_RATE = 0.7
# Ratings of a wait within the target and of a longer one (very satisfied … dissatisfied).
RATINGS_SHORT = (78, 17, 4, 1)
RATINGS_LONG = (52, 26, 15, 7)
RATING_VALUES = tuple(Rating.values)  # very satisfied … dissatisfied
OTHER_REASONS = ("attitude", "skill", "paperwork", "unsolved", "environment")


def history_weeks() -> int:
    """How many weeks back the demo history goes (GRIDCARE_DEMO_HISTORY_WEEKS, default 6)."""
    weeks = settings.GRIDCARE_DEMO_HISTORY_WEEKS
    assert isinstance(weeks, int)
    return weeks


@dataclass(frozen=True)
class _Desk:
    counter_id: int
    number: int
    kinds: frozenset[str]
    clerk_id: int | None


@dataclass(frozen=True)
class _Type:
    id: int
    prefix: str
    expected_minutes: int


@dataclass
class _Plan:
    """What the simulation of one hall needs, read once."""

    hall: Hall
    desks: list[_Desk]
    types: dict[str, _Type]
    accounts: list[int]
    kiosk_id: int | None
    guide_id: int | None
    ageing: timedelta


@dataclass(slots=True)
class Visit:
    """One simulated customer: the ticket, its steps and its rating, as plain values (times in
    naive UTC)."""

    order: int  # arrival order of the day: the calling order's last tie-break
    day: date
    kind: str
    number: str
    priority: str
    source: str
    issued_at: datetime
    patience: float  # minutes before giving up; inf for most
    account_id: int | None = None
    status: str = TicketStatus.WAITING
    desk: _Desk | None = None
    called_at: datetime | None = None
    finished_at: datetime | None = None
    recalled_at: datetime | None = None
    rating: str = ""
    reasons: tuple[str, ...] = ()
    rated_at: datetime | None = None


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _is_edge(day: date) -> bool:
    last = calendar.monthrange(day.year, day.month)[1]
    return day.day <= EDGE_DAYS or day.day > last - EDGE_DAYS


def _after_day_off(day: date) -> bool:
    return not is_working_day(day - timedelta(days=1))


def _arrivals(plan: _Plan, day: date, rng: random.Random) -> list[tuple[datetime, str]]:
    """The day's arrivals (time, business), in time order: ten-minute slots of the hour profile
    with the day's effects, a Poisson count each."""
    hall = plan.hall
    kinds = [str(k) for k in MIX if k in plan.types]
    edge = _is_edge(day)
    weights = [
        MIX[k] * ((EDGE_PAYMENT if k in (Kind.PAYMENT, Kind.INVOICE) else EDGE_OTHER) if edge else 1) for k in kinds
    ]
    base = sum(MIX[k] for k in kinds) or 1
    daily = PER_COUNTER * len(plan.desks) * WEEKDAY_FACTOR[day.weekday()] * sum(weights) / base
    morning = MORNING_AFTER_DAY_OFF if _after_day_off(day) else 1.0
    slot = timedelta(minutes=10)
    start = datetime.combine(day, hall.opens_at, tzinfo=SHANGHAI)
    closes = datetime.combine(day, hall.closes_at, tzinfo=SHANGHAI)
    slots = []
    at = start
    while at < closes:
        share = HOUR_SHARE.get(at.hour, 0.0) / 6
        if LUNCH[0] <= at.time() < LUNCH[1]:
            share *= LUNCH_FACTOR
        slots.append((_utc(at), share, morning if at.hour < 12 else 1.0))
        at += slot
    total = sum(share for _at, share, _more in slots) or 1
    closes = _utc(closes)
    arrivals: list[tuple[datetime, str]] = []
    for at, share, more in slots:
        for _n in range(_poisson(rng, daily * share * more / total)):
            moment = at + timedelta(seconds=rng.randrange(600))
            if moment < closes:
                arrivals.append((moment, rng.choices(kinds, weights=weights)[0]))
    arrivals.sort(key=lambda a: a[0])
    return arrivals


def _visits(plan: _Plan, day: date, rng: random.Random) -> list[Visit]:
    numbers: dict[str, int] = {}
    visits = []
    for order, (at, kind) in enumerate(_arrivals(plan, day, rng)):
        numbers[kind] = numbers.get(kind, 0) + 1
        account = None
        if kind == Kind.KEY_ACCOUNT:
            source, priority = Source.GUIDE, Priority.VIP
        else:
            draw = rng.random()
            source = Source.KIOSK if draw < 0.75 else Source.GUIDE if draw < 0.95 else Source.REMOTE
            priority = Priority.ELDERLY if rng.random() < 0.05 and source != Source.REMOTE else Priority.NORMAL
        if source == Source.GUIDE and plan.accounts and rng.random() < 0.6:
            account = rng.choice(plan.accounts)  # the guide looked the account up
        patience = rng.expovariate(1 / PATIENCE_MINUTES) if rng.random() < IMPATIENT else math.inf
        visits.append(
            Visit(
                order=order,
                day=day,
                kind=kind,
                number=ticket_number(plan.types[kind].prefix, numbers[kind]),
                priority=str(priority),
                source=str(source),
                issued_at=at,
                patience=patience,
                account_id=account,
            )
        )
    return visits


def _next_for(desk: _Desk, lines: dict[str, dict[str, deque[Visit]]], at: datetime, ageing: timedelta) -> Visit | None:
    """The waiting customer ``desk`` calls at ``at``, by the hall's calling order: the oldest of
    those waited past the ageing time, else by priority class, then arrival (each line is in
    arrival order, so only its first customer can be next)."""
    heads = [line[0] for kind in desk.kinds for line in lines.get(kind, {}).values() if line]
    if not heads:
        return None
    best = heads[0] if len(heads) == 1 else min(heads, key=lambda v: call_order_key(_waiting(v), now=at, ageing=ageing))
    lines[best.kind][best.priority].popleft()
    return best


def _waiting(visit: Visit) -> Waiting:
    return Waiting(id=visit.order, priority=visit.priority, issued_at=visit.issued_at, line=visit.kind)


def simulate_day(plan: _Plan, day: date, seed: int) -> list[Visit]:
    """One hall's day, the same for the same seed, hall and day."""
    rng = random.Random(f"gridcare-demo-hall:{seed}:{plan.hall.code}:{day.isoformat()}")
    visits = _visits(plan, day, rng)
    opens = _utc(datetime.combine(day, plan.hall.opens_at, tzinfo=SHANGHAI))
    last_call = _utc(datetime.combine(day, plan.hall.closes_at, tzinfo=SHANGHAI)) + OVERTIME
    target = timedelta(minutes=wait_target_minutes())
    lines: dict[str, dict[str, deque[Visit]]] = {}
    staffed = _staffed(plan, day)
    free = [(opens + timedelta(seconds=rng.randrange(300)), i) for i in range(staffed)]
    breaks = [_lunch_break(desk, day) for desk in plan.desks]
    heapq.heapify(free)
    arrived = 0
    while free:
        at, i = heapq.heappop(free)
        if at >= last_call:
            continue
        while arrived < len(visits) and visits[arrived].issued_at <= at:
            came = visits[arrived]
            lines.setdefault(came.kind, {}).setdefault(came.priority, deque()).append(came)
            arrived += 1
        desk = plan.desks[i]
        lunch = breaks[i]
        if lunch is not None and lunch[0] <= at < lunch[1]:
            heapq.heappush(free, (lunch[1], i))
            continue
        visit = _next_for(desk, lines, at, plan.ageing)
        if visit is None:
            upcoming = next((v.issued_at for v in islice(visits, arrived, None) if v.kind in desk.kinds), None)
            if upcoming is not None:
                heapq.heappush(free, (upcoming, i))
            continue
        visit.desk, visit.called_at = desk, at
        waited = at - visit.issued_at
        if waited.total_seconds() > visit.patience * 60:  # gone: recalled once, then 过号
            visit.recalled_at = at + timedelta(seconds=60 + rng.randrange(30))
            visit.finished_at = visit.recalled_at + timedelta(seconds=60 + rng.randrange(30))
            visit.status = TicketStatus.NO_SHOW
        else:
            expected = plan.types[visit.kind].expected_minutes
            minutes = rng.lognormvariate(math.log(expected) - SERVICE_SIGMA**2 / 2, SERVICE_SIGMA)
            seconds = max(30, round(min(minutes, SERVICE_CAP * expected) * 60))
            visit.finished_at = at + timedelta(seconds=seconds)
            visit.status = TicketStatus.FINISHED
            if rng.random() < EVALUATION_RATE:
                _rate(visit, waited > target, rng)
        heapq.heappush(free, (visit.finished_at + timedelta(seconds=10 + rng.randrange(30)), i))
    return visits


def _staffed(plan: _Plan, day: date) -> int:
    """How many of the hall's counters (the lowest numbers) are open on ``day``."""
    if _is_edge(day) or _after_day_off(day):
        return len(plan.desks)
    return min(len(plan.desks), max(MIN_STAFFED, math.ceil(STAFFED * len(plan.desks))))


def _lunch_break(desk: _Desk, day: date) -> tuple[datetime, datetime] | None:
    if desk.number < 3:
        return None
    start, end = LUNCH_BREAKS[desk.number % 2 == 0]
    return _utc(datetime.combine(day, start, tzinfo=SHANGHAI)), _utc(datetime.combine(day, end, tzinfo=SHANGHAI))


def _rate(visit: Visit, long_wait: bool, rng: random.Random) -> None:
    assert visit.finished_at is not None
    visit.rating = rng.choices(RATING_VALUES, weights=RATINGS_LONG if long_wait else RATINGS_SHORT)[0]
    if visit.rating in (Rating.BASICALLY_SATISFIED, Rating.DISSATISFIED):
        visit.reasons = ("long_wait",) if long_wait else (rng.choice(OTHER_REASONS),)
    visit.rated_at = visit.finished_at + timedelta(seconds=5 + rng.randrange(40))


def _plan(hall: Hall) -> _Plan:
    types = {
        t.kind: _Type(id=t.pk, prefix=t.prefix, expected_minutes=t.expected_minutes)
        for t in BusinessType.objects.filter(hall=hall, active=True)
    }
    users = dict(
        get_user_model().objects.filter(username__startswith=f"{hall.code.lower()}.").values_list("username", "pk")
    )
    desks = []
    setups = CounterSetup.objects.filter(counter__hall=hall).exclude(status=CounterStatus.CLOSED)
    for setup in setups.select_related("counter").prefetch_related("business_types").order_by("counter__number"):
        kinds = frozenset(t.kind for t in setup.business_types.all() if t.kind in types)
        number = setup.counter.number
        clerk = setup.clerk_id or users.get(f"{hall.code.lower()}.c{number}")
        if kinds:
            desks.append(_Desk(counter_id=setup.counter_id, number=number, kinds=kinds, clerk_id=clerk))
    served = frozenset().union(*(d.kinds for d in desks))
    kiosk = HallDevice.objects.filter(hall=hall, kind=DeviceKind.KIOSK).order_by("pk").values_list("pk", flat=True)
    return _Plan(
        hall=hall,
        desks=desks,
        types={k: t for k, t in types.items() if k in served},
        accounts=list(Account.objects.filter(hall=hall).order_by("pk").values_list("pk", flat=True)[:5000]),
        kiosk_id=kiosk.first(),
        guide_id=users.get(f"{hall.code.lower()}.guide"),
        ageing=timedelta(minutes=policy_for(hall).ageing_minutes),
    )


def history_days(today: date, weeks: int) -> list[date]:
    """The working days of the last ``weeks`` weeks before ``today``, and today when it is one."""
    first = today - timedelta(weeks=weeks)
    return [
        first + timedelta(days=n) for n in range((today - first).days + 1) if is_working_day(first + timedelta(days=n))
    ]


def seed_history(*, weeks: int | None = None, seed: int = 1) -> int:
    """Give every hall its past: the working days of the last ``weeks`` weeks (setting
    GRIDCARE_DEMO_HISTORY_WEEKS) and today until now, each day that has no tickets yet. One
    transaction per hall. Returns how many tickets were written."""
    at = now()
    days = history_days(business_date(at), history_weeks() if weeks is None else weeks)
    if not days:
        return 0
    written = 0
    for hall in Hall.objects.order_by("code"):
        have = set(Ticket.objects.filter(hall=hall, day__gte=days[0]).values_list("day", flat=True).distinct())
        todo = [d for d in days if d not in have]
        if not todo:
            continue
        plan = _plan(hall)
        if not plan.desks:
            continue
        today, until = business_date(at), _utc(at)
        visits = {day: [v for v in simulate_day(plan, day, seed) if day < today or _done_by(v, until)] for day in todo}
        with transaction.atomic():
            written += _write(plan, visits)
    return written


def _utc(moment: datetime) -> datetime:
    """The simulation's clock: naive UTC (what SQLite stores; the fastest to add and compare)."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def _done_by(visit: Visit, at: datetime) -> bool:
    """Whether one of today's visits belongs to the history written at ``at`` (naive UTC): those
    that ended before now (the live queue starts empty), their rating only if given by now."""
    if visit.finished_at is None or visit.finished_at > at:
        return False
    if visit.rated_at is not None and visit.rated_at > at:
        visit.rating, visit.reasons, visit.rated_at = "", (), None
    return True


_TICKET_COLUMNS = (
    "id",
    "hall_id",
    "business_type_id",
    "day",
    "number",
    "priority",
    "source",
    "status",
    "phone",
    "account_id",
    "appointment_ref",
    "issued_at",
    "target_counter_id",
    "counter_id",
    "clerk_id",
    "first_called_at",
    "called_at",
    "finished_at",
    "recalls",
    "outcome",
    "near_notified_at",
)
_EVENT_COLUMNS = ("ticket_id", "type", "counter_id", "actor_id", "parameters", "created_at")
_EVALUATION_COLUMNS = (
    "ticket_id",
    "rating",
    "reasons",
    "hall_id",
    "counter_id",
    "business_type_id",
    "clerk_id",
    "created_at",
)


def _database_time() -> Callable[[datetime | None], object]:
    """The database value of a simulated time (naive UTC): on SQLite the text
    ``connection.ops.adapt_datetimefield_value`` makes of it (UTC, no zone), PostgreSQL's COPY
    the aware datetime."""
    assert settings.USE_TZ
    if connection.vendor == "sqlite":
        return lambda value: None if value is None else str(value)
    return lambda value: None if value is None else value.replace(tzinfo=UTC)


def _write(plan: _Plan, days: dict[date, list[Visit]]) -> int:
    """The tickets, their events (in the order they happened) and ratings of ``days``, in bulk
    (gridcare.core.bulk); today's numbers continue after the history's (TicketSequence)."""
    when = _database_time()
    encode = json.JSONEncoder(ensure_ascii=False).encode
    at_desk = {desk.counter_id: encode({"counter_number": desk.number}) for desk in plan.desks}
    issued: dict[tuple[str, str], str] = {}
    visits = [v for day in sorted(days) for v in days[day]]
    ids = reserve_ids(Ticket, len(visits))
    tickets: list[tuple[Any, ...]] = []
    events: list[tuple[datetime, int, str, int | None, int | None, str]] = []
    ratings: list[tuple[Any, ...]] = []
    hall_id = plan.hall.pk
    issued_type, called_type = str(TicketEvent.Type.ISSUED), str(TicketEvent.Type.CALLED)
    recalled_type, no_show_type = str(TicketEvent.Type.RECALLED), str(TicketEvent.Type.NO_SHOW)
    finished_type, finished_parameters = str(TicketEvent.Type.FINISHED), encode({"outcome": ""})
    for pk, v in zip(ids, visits, strict=True):
        type_id = plan.types[v.kind].id
        desk = v.desk
        counter = desk.counter_id if desk else None
        clerk = desk.clerk_id if desk else None
        called = when(v.called_at)
        tickets.append(
            (
                pk,
                hall_id,
                type_id,
                v.day,
                v.number,
                v.priority,
                v.source,
                v.status,
                "",
                v.account_id,
                "",
                when(v.issued_at),
                None,
                counter,
                clerk,
                called,
                called,
                when(v.finished_at),
                1 if v.recalled_at else 0,
                "",
                None,
            )
        )
        parameters = issued.get((v.source, v.priority))
        if parameters is None:
            step: dict[str, Any] = {"source": v.source, "priority": v.priority}
            if v.source == Source.KIOSK and plan.kiosk_id is not None:
                step["device"] = plan.kiosk_id  # the hall's kiosk took it (ticket_issue)
            parameters = issued[(v.source, v.priority)] = encode(step)
        actor = plan.guide_id if v.source == Source.GUIDE else None
        events.append((v.issued_at, pk, issued_type, None, actor, parameters))
        if desk is None or v.called_at is None or v.finished_at is None:
            continue  # left before being called, the hall closed
        events.append((v.called_at, pk, called_type, counter, clerk, at_desk[desk.counter_id]))
        if v.recalled_at is not None:
            events.append((v.recalled_at, pk, recalled_type, counter, clerk, at_desk[desk.counter_id]))
            events.append((v.finished_at, pk, no_show_type, counter, clerk, "{}"))
        else:
            events.append((v.finished_at, pk, finished_type, counter, clerk, finished_parameters))
        if v.rated_at is not None:
            ratings.append((v.rated_at, pk, v.rating, encode(list(v.reasons)), hall_id, counter, type_id, clerk))
    events.sort(key=lambda e: (e[0], e[1]))
    ratings.sort(key=lambda r: (r[0], r[1]))
    insert_rows(Ticket, _TICKET_COLUMNS, tickets)
    insert_rows(TicketEvent, _EVENT_COLUMNS, ((*e[1:], when(e[0])) for e in events))
    insert_rows(Evaluation, _EVALUATION_COLUMNS, ((*r[1:], when(r[0])) for r in ratings))
    _continue_numbering(plan, days)
    return len(tickets)


def _continue_numbering(plan: _Plan, days: dict[date, list[Visit]]) -> None:
    """Today's next number of each type comes after the last one the history gave out."""
    today = business_date()
    last: dict[str, int] = {}
    for v in days.get(today, []):
        last[v.kind] = max(last.get(v.kind, 0), int(v.number[len(plan.types[v.kind].prefix) :]))
    for kind, number in last.items():
        sequence, created = TicketSequence.objects.get_or_create(
            business_type_id=plan.types[kind].id, day=today, defaults={"last": number}
        )
        if not created and sequence.last < number:
            TicketSequence.objects.filter(pk=sequence.pk).update(last=number)
