"""The nightly roll-up (ASSESS-2): one day's tickets and work-order events summed per person and
place into ServiceDay / OrderDay rows, which every figure of any period is then read from.

``rollup_day`` replaces a day's rows in one transaction, so rolling a day up again (late
evaluations and call-backs; a worker that was down) is safe and gives the same rows.
``rollup_due`` is the worker's job: every day not yet rolled up (back to a catch-up limit) up
to yesterday, and the last few days again.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from gridcare.assessment.models import OrderDay, RolledDay, ServiceDay
from gridcare.assessment.rules.figures import times_pack
from gridcare.core import timezone as tz
from gridcare.halls.selectors import first_ticket_day, tickets_for_figures
from gridcare.org.selectors import staff_ids_by_user
from gridcare.workorders.selectors import order_facts_for_figures

SATISFIED = frozenset({"very_satisfied", "satisfied"})


def assessment_int(name: str) -> int:
    conf: dict[str, Any] = settings.GRIDCARE_ASSESSMENT
    return int(conf[name])


def _micros(later: datetime | None, earlier: datetime | None) -> int | None:
    if later is None or earlier is None:
        return None
    return (later - earlier) // timedelta(microseconds=1)


@dataclass
class _Service:
    tickets: int = 0
    served: int = 0
    no_show: int = 0
    abandoned: int = 0
    evaluated: int = 0
    satisfied: int = 0
    dissatisfied: int = 0

    def __post_init__(self) -> None:
        self.waits: list[int] = []
        self.handles: list[int] = []


def service_rows(day: date) -> list[ServiceDay]:
    """The day's ServiceDay rows (unsaved), from its tickets."""
    tickets = tickets_for_figures(start=day, end=day)
    staff_of = staff_ids_by_user(t.clerk_id for t in tickets if t.clerk_id is not None)
    groups: dict[tuple[int, int, int, int | None, int | None], _Service] = defaultdict(_Service)
    for t in tickets:
        called = t.first_called_at is not None
        key = (
            t.company_id,
            t.unit_id,
            t.hall_id,
            t.counter_id if called else None,
            staff_of.get(t.clerk_id) if called and t.clerk_id is not None else None,
        )
        g = groups[key]
        g.tickets += 1
        wait = _micros(t.first_called_at, t.issued_at)
        if wait is not None:
            g.waits.append(wait)
        if t.status == "finished":
            g.served += 1
            handle = _micros(t.finished_at, t.called_at)
            if handle is not None:
                g.handles.append(handle)
        elif t.status == "no_show":
            g.no_show += 1
        elif t.status == "waiting":
            g.abandoned += 1  # the day is over and nobody called it: the customer left
        if t.rating:
            g.evaluated += 1
            g.satisfied += t.rating in SATISFIED
            g.dissatisfied += t.rating == "dissatisfied"
    return [
        ServiceDay(
            day=day,
            company_id=company,
            unit_id=unit,
            hall_id=hall,
            counter_id=counter,
            staff_id=staff,
            tickets=g.tickets,
            served=g.served,
            no_show=g.no_show,
            abandoned=g.abandoned,
            evaluated=g.evaluated,
            satisfied=g.satisfied,
            dissatisfied=g.dissatisfied,
            waits=times_pack(g.waits),
            handles=times_pack(g.handles),
        )
        for (company, unit, hall, counter, staff), g in sorted(groups.items(), key=lambda kv: str(kv[0]))
    ]


_FACT_FIELD = {"received": "received", "complaint": "complaints", "closed": "closed", "verified": "verified"}


def order_rows(day: date) -> list[OrderDay]:
    """The day's OrderDay rows (unsaved), from what happened to work orders that day."""
    start = datetime.combine(day, time.min, tzinfo=tz.SHANGHAI)
    facts = order_facts_for_figures(start=start, end=start + timedelta(days=1))
    groups: dict[tuple[int, int | None, int | None, int | None], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for f in facts:
        counts = groups[(f.company_id, f.unit_id, f.hall_id, f.staff_id)]
        if f.kind == "deadline":
            counts["deadlines_due"] += 1
            counts["deadlines_met"] += bool(f.ok)
        elif f.kind == "callback":
            counts["callbacks_reached"] += 1
            counts["callbacks_satisfied"] += bool(f.ok)
        else:
            counts[_FACT_FIELD[f.kind]] += 1
    return [
        OrderDay(day=day, company_id=company, unit_id=unit, hall_id=hall, staff_id=staff, **counts)
        for (company, unit, hall, staff), counts in sorted(groups.items(), key=lambda kv: str(kv[0]))
    ]


@dataclass(frozen=True)
class Rolled:
    days: list[date]
    service_rows: int
    order_rows: int


def rollup_day(day: date) -> Rolled:
    """Roll ``day`` up (again): its rows replaced in one transaction."""
    services, orders = service_rows(day), order_rows(day)
    with transaction.atomic():
        ServiceDay.objects.filter(day=day).delete()
        OrderDay.objects.filter(day=day).delete()
        ServiceDay.objects.bulk_create(services, batch_size=2000)
        OrderDay.objects.bulk_create(orders, batch_size=2000)
        RolledDay.objects.update_or_create(
            day=day,
            defaults={
                "rolled_at": tz.now(),
                "tickets": sum(r.tickets for r in services),
                "orders": sum(r.received for r in orders),
            },
        )
    return Rolled(days=[day], service_rows=len(services), order_rows=len(orders))


def days_due(*, today: date | None = None) -> list[date]:
    """The days the nightly job rolls up: every day not yet rolled up since the catch-up limit
    (or since the last day rolled up), up to yesterday, plus the last ROLLUP_REDO_DAYS again."""
    today = today or tz.business_date()
    yesterday = today - timedelta(days=1)
    earliest = today - timedelta(days=assessment_int("ROLLUP_CATCH_UP_DAYS"))
    done = set(RolledDay.objects.filter(day__gte=earliest, day__lte=yesterday).values_list("day", flat=True))
    first_done = min(done) if done else None
    start = first_done if first_done is not None else _first_day_with_data(earliest, yesterday)
    redo_from = yesterday - timedelta(days=assessment_int("ROLLUP_REDO_DAYS"))
    found = []
    day = start
    while day <= yesterday:
        if day not in done or day >= redo_from:
            found.append(day)
        day += timedelta(days=1)
    return found


def _first_day_with_data(earliest: date, yesterday: date) -> date:
    """The first day with a ticket since ``earliest`` (yesterday when there is none before it)."""
    found = first_ticket_day(since=earliest)
    return yesterday if found is None or found > yesterday else found


def rollup_due(*, today: date | None = None, stop: Any = None) -> Rolled:
    """The worker's job: roll up every day ``days_due`` names, oldest first."""
    rolled: list[date] = []
    service_count = order_count = 0
    for day in days_due(today=today):
        if stop is not None and stop():
            break
        result = rollup_day(day)
        rolled.append(day)
        service_count += result.service_rows
        order_count += result.order_rows
    return Rolled(days=rolled, service_rows=service_count, order_rows=order_count)
