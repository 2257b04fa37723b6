"""Pure queue rules: calling order, the ticket life cycle, waiting-time estimates, hall figures.

No database here; services and selectors feed these functions plain values.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, Protocol

from django.conf import settings

from gridcare.core.timezone import SHANGHAI, local_datetime
from gridcare.halls.models import CounterStatus, Priority, TicketStatus

# Lower goes first (HALL-3): key account, green channel, appointment, everybody else.
PRIORITY_RANK: dict[str, int] = {
    Priority.VIP: 0,
    Priority.ELDERLY: 1,
    Priority.APPOINTMENT: 2,
    Priority.NORMAL: 3,
}


@dataclass(frozen=True)
class Waiting:
    """A waiting ticket as the calling order sees it. ``line`` is the queue it stands in: its
    business type, or the one counter it was transferred to."""

    id: int
    priority: str
    issued_at: datetime
    line: str = ""


def call_order_key(ticket: Waiting, *, now: datetime, ageing: timedelta) -> tuple[int, int, datetime, int]:
    """Sort key of the calling order.

    A ticket that has waited ``ageing`` or longer is "aged": aged tickets go first, oldest first,
    whatever their class, so a normal ticket is never starved by a stream of newer priority
    tickets. The rest go by priority class, then by arrival.
    """
    if now - ticket.issued_at >= ageing:
        return (0, 0, ticket.issued_at, ticket.id)
    return (1, PRIORITY_RANK[ticket.priority], ticket.issued_at, ticket.id)


def call_order(tickets: Iterable[Waiting], *, now: datetime, ageing: timedelta) -> list[Waiting]:
    return sorted(tickets, key=lambda t: call_order_key(t, now=now, ageing=ageing))


def queue_positions(tickets: Iterable[Waiting], *, now: datetime, ageing: timedelta) -> dict[int, int]:
    """People ahead of each ticket in its own line, in calling order."""
    ahead: dict[int, int] = {}
    seen: dict[str, int] = {}
    for ticket in call_order(tickets, now=now, ageing=ageing):
        ahead[ticket.id] = seen.get(ticket.line, 0)
        seen[ticket.line] = ahead[ticket.id] + 1
    return ahead


def ticket_number(prefix: str, sequence: int) -> str:
    """A001 … A999, then A1000: the number the customer hears."""
    return f"{prefix}{sequence:03d}"


# --- life cycle --------------------------------------------------------------------------------


class Action(StrEnum):
    CALL = "call"
    RECALL = "recall"
    NO_SHOW = "no_show"
    FINISH = "finish"
    TRANSFER = "transfer"
    CANCEL = "cancel"


# The one transition table of a ticket: (status, action) → new status.
TRANSITIONS: dict[tuple[str, Action], str] = {
    (TicketStatus.WAITING, Action.CALL): TicketStatus.CALLED,
    (TicketStatus.CALLED, Action.RECALL): TicketStatus.CALLED,
    (TicketStatus.CALLED, Action.NO_SHOW): TicketStatus.NO_SHOW,
    (TicketStatus.CALLED, Action.FINISH): TicketStatus.FINISHED,
    (TicketStatus.CALLED, Action.TRANSFER): TicketStatus.WAITING,
    (TicketStatus.WAITING, Action.CANCEL): TicketStatus.CANCELLED,
}


def next_status(status: str, action: Action) -> str | None:
    """The status after ``action``, or None when the move is illegal."""
    return TRANSITIONS.get((status, action))


# A counter: open ⇄ paused, either → closed, closed → open.
COUNTER_TRANSITIONS: dict[str, frozenset[str]] = {
    CounterStatus.OPEN: frozenset({CounterStatus.PAUSED, CounterStatus.CLOSED}),
    CounterStatus.PAUSED: frozenset({CounterStatus.OPEN, CounterStatus.CLOSED}),
    CounterStatus.CLOSED: frozenset({CounterStatus.OPEN}),
}


# --- waiting-time estimate (HALL-5) ------------------------------------------------------------

# Fewer recent handling times than this and the type's configured expected time is used instead.
MIN_SAMPLES = 5


def typical_handling_minutes(recent_minutes: Sequence[float], expected_minutes: float) -> float:
    """The mean of the type's recent handling times; the configured expected time until there
    are MIN_SAMPLES of them."""
    if len(recent_minutes) < MIN_SAMPLES:
        return float(expected_minutes)
    return sum(recent_minutes) / len(recent_minutes)


def estimate_wait_minutes(
    *,
    ahead: int,
    open_counters: int,
    idle_counters: int,
    recent_minutes: Sequence[float],
    expected_minutes: float,
) -> int:
    """Whole minutes until this ticket is called (HALL-5).

    Each person ahead takes one typical handling time from one of the ``open_counters`` counters
    serving the type; when no such counter is idle, the customer also waits for the one being
    served to finish, on average half a handling time. With no counter open, one is assumed so
    the estimate stays a number.

    Chosen by replaying 27,162 real served calls (docs/WAIT_ESTIMATE.md): of ten estimators it
    has the lowest error for the customers who matter, those who found someone ahead of them.
    """
    units = ahead + (0.5 if idle_counters <= 0 else 0.0)
    minutes = units * typical_handling_minutes(recent_minutes, expected_minutes) / max(open_counters, 1)
    return math.floor(minutes + 0.5)


# --- figures (HALL-8) --------------------------------------------------------------------------


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def percentile(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile (share 0.9 → the 90th): the smallest value with at least
    ``share`` of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(math.ceil(share * len(ordered)), 1)
    return ordered[rank - 1]


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def next_opening(
    local: datetime, *, opens: time, closes: time, working_day: Callable[[date], bool], horizon_days: int = 366
) -> datetime | None:
    """When a hall with these hours opens next, seen at ``local`` (a Shanghai wall-clock time):
    None while it is open; today's opening before it; else the first working day's opening (at
    most ``horizon_days`` ahead, which a calendar of Monday-Friday guesses always reaches)."""
    today = local.date()
    if working_day(today):
        if opens <= local.time() < closes:
            return None
        if local.time() < opens:
            return local.replace(hour=opens.hour, minute=opens.minute, second=0, microsecond=0)
    ahead = 1
    while ahead < horizon_days and not working_day(today + timedelta(days=ahead)):
        ahead += 1
    return datetime.combine(today + timedelta(days=ahead), opens, tzinfo=local.tzinfo)


class Queued(Protocol):
    """What the calling order needs of a waiting ticket (a Ticket, or a narrow row)."""

    @property
    def id(self) -> int: ...
    @property
    def priority(self) -> str: ...
    @property
    def issued_at(self) -> datetime: ...
    @property
    def business_type_id(self) -> int: ...
    @property
    def target_counter_id(self) -> int | None: ...


def as_waiting(ticket: Queued) -> Waiting:
    line = f"c{ticket.target_counter_id}" if ticket.target_counter_id else f"t{ticket.business_type_id}"
    return Waiting(id=ticket.id, priority=ticket.priority, issued_at=ticket.issued_at, line=line)


# --- remote tickets (线上取号, HALL-2): taken in the portal or the app --------------------------


@dataclass(frozen=True)
class RemoteRules:
    daily_limit: int  # remote tickets one phone may take a day, in all halls (cancelled ones count)
    rating_days: int  # a finished visit may be rated by its holder this many days after


def remote_rules() -> RemoteRules:
    conf: dict[str, Any] = settings.GRIDCARE_RULES
    return RemoteRules(
        daily_limit=int(conf.get("HALL_REMOTE_DAILY_LIMIT", 3)),
        rating_days=int(conf.get("HALL_VISIT_RATING_DAYS", 7)),
    )


# --- appointments (预约办电, HALL-2): slots, references, the check-in window ---------------------

SLOT_MINUTES = 30
# Eight characters without the look-alikes 0/O, 1/I/L: read out over the phone and typed on a
# kiosk without mistakes. 31**8 ≈ 8.5e11 codes, never reused.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 8


@dataclass(frozen=True)
class AppointmentRules:
    capacity: int  # places per slot and business type
    days_ahead: int  # bookable from tomorrow up to today + days_ahead
    early_minutes: int  # check-in opens this long before the slot starts …
    late_minutes: int  # … and closes this long after it ends
    reminder_at: time = time(18, 0)  # the reminder leaves at this time the day before the slot


def appointment_rules() -> AppointmentRules:
    conf: dict[str, Any] = settings.GRIDCARE_RULES
    return AppointmentRules(
        capacity=int(conf.get("HALL_APPOINTMENT_SLOT_CAPACITY", 2)),
        days_ahead=int(conf.get("HALL_APPOINTMENT_DAYS_AHEAD", 7)),
        early_minutes=int(conf.get("HALL_APPOINTMENT_EARLY_MINUTES", 30)),
        late_minutes=int(conf.get("HALL_APPOINTMENT_LATE_MINUTES", 15)),
        reminder_at=time.fromisoformat(str(conf.get("HALL_APPOINTMENT_REMINDER_AT", "18:00"))),
    )


def slot_starts(opens_at: time, closes_at: time, minutes: int = SLOT_MINUTES) -> list[time]:
    """The starts of the whole slots between opening and closing: 08:30, 09:00 … 17:00 for a
    hall open 08:30-17:30."""
    day = date(2000, 1, 3)  # any date: only the clock matters
    start, end, step = datetime.combine(day, opens_at), datetime.combine(day, closes_at), timedelta(minutes=minutes)
    starts = []
    while start + step <= end:
        starts.append(start.time())
        start += step
    return starts


def slot_end(start: time, minutes: int = SLOT_MINUTES) -> time:
    return (datetime.combine(date(2000, 1, 3), start) + timedelta(minutes=minutes)).time()


def check_in_window(day: date, starts_at: time, ends_at: time, rules: AppointmentRules) -> tuple[datetime, datetime]:
    """From ``early_minutes`` before the slot to ``late_minutes`` after its end, both included."""
    return (
        local_datetime(day, starts_at) - timedelta(minutes=rules.early_minutes),
        local_datetime(day, ends_at) + timedelta(minutes=rules.late_minutes),
    )


def reminder_moment(day: date, rules: AppointmentRules) -> datetime:
    """When the booking reminder of an appointment on ``day`` leaves: the day before, at
    ``reminder_at`` (Shanghai)."""
    return local_datetime(day - timedelta(days=1), rules.reminder_at)


def normalise_reference(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _n in range(REFERENCE_LENGTH))


def clock_text(moment: time | datetime) -> str:
    if isinstance(moment, datetime):
        moment = moment.astimezone(SHANGHAI).time()
    return f"{moment:%H:%M}"
