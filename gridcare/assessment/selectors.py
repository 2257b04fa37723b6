"""Reads of the assessment app: figures of any period from the daily roll-ups (ASSESS-2), and
the same figures from the raw rows (the check, and the benchmark's baseline)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max

from gridcare.assessment.access import figures_filter
from gridcare.assessment.models import OrderDay, RolledDay, ServiceDay
from gridcare.assessment.rules.figures import Figures, Sums, figures, times_unpack
from gridcare.halls.figures import wait_target_minutes
from gridcare.org.access import Scope
from gridcare.org.selectors import names_of

LEVELS = ("person", "counter", "hall", "unit", "company")
# The roll-up column that groups each level (a counter has no work orders).
_GROUP = {"person": "staff_id", "counter": "counter_id", "hall": "hall_id", "unit": "unit_id", "company": "company_id"}
_SERVICE_COUNTS = ("tickets", "served", "no_show", "abandoned", "evaluated", "satisfied", "dissatisfied")
_ORDER_COUNTS = (
    "received",
    "complaints",
    "closed",
    "deadlines_due",
    "deadlines_met",
    "callbacks_reached",
    "callbacks_satisfied",
    "verified",
)


@dataclass(frozen=True)
class FigureRow:
    level: str
    key: int
    name: str
    figures: Figures


def _checked_level(level: str) -> str:
    if level not in LEVELS:
        raise ValueError(level)
    return level


def sums_from_rollups(*, scope: Scope, start: date, end: date, level: str) -> dict[int, Sums]:
    """Each subject's sums of the roll-up rows of ``start``..``end`` that ``scope`` may read."""
    group = _GROUP[_checked_level(level)]
    visible = figures_filter(scope)
    found: dict[int, Sums] = defaultdict(Sums)
    service = ServiceDay.objects.filter(visible, day__gte=start, day__lte=end).exclude(**{f"{group}__isnull": True})
    for row in service.values_list(group, *_SERVICE_COUNTS, "waits", "handles").iterator(chunk_size=5000):
        counts = dict(zip(_SERVICE_COUNTS, row[1:8], strict=True))
        found[row[0]].add(counts, times_unpack(row[8]), times_unpack(row[9]))
    if level != "counter":
        orders = OrderDay.objects.filter(visible, day__gte=start, day__lte=end).exclude(**{f"{group}__isnull": True})
        for row in orders.values_list(group, *_ORDER_COUNTS).iterator(chunk_size=5000):
            found[row[0]].add(dict(zip(_ORDER_COUNTS, row[1:], strict=True)))
    return found


def figure_rows(*, scope: Scope, start: date, end: date, level: str) -> list[FigureRow]:
    """The figures of every subject of ``level`` in the caller's reach for the period, by name."""
    sums = sums_from_rollups(scope=scope, start=start, end=end, level=level)
    return _rows(level, sums)


def _rows(level: str, sums: dict[int, Sums]) -> list[FigureRow]:
    target = wait_target_minutes()
    names = names_of(level, sums.keys())
    rows = [FigureRow(level, key, names.get(key, "—"), figures(s, target_minutes=target)) for key, s in sums.items()]
    return sorted(rows, key=lambda r: (r.name, r.key))


def figures_of(*, scope: Scope, start: date, end: date, level: str, key: int) -> FigureRow | None:
    """One subject's figures (None when it is not in the caller's reach or has none)."""
    for row in figure_rows(scope=scope, start=start, end=end, level=level):
        if row.key == key:
            return row
    return None


def rolled_through() -> date | None:
    """The last day rolled up: the figures are complete up to it."""
    day: date | None = RolledDay.objects.aggregate(last=Max("day"))["last"]
    return day


# -- the same figures from the raw rows ---------------------------------------------------------


def sums_from_raw(*, start: date, end: date, level: str) -> dict[int, Sums]:
    """What ``sums_from_rollups`` gives for the whole company, computed from the tickets and
    work orders themselves, day by day, without the roll-up tables: the benchmark's baseline."""
    from gridcare.assessment.services.rollup import order_rows, service_rows

    group = _GROUP[_checked_level(level)]
    found: dict[int, Sums] = defaultdict(Sums)
    day = start
    while day <= end:
        for s in service_rows(day):
            if (key := getattr(s, group)) is not None:
                found[key].add(
                    {c: getattr(s, c) for c in _SERVICE_COUNTS}, times_unpack(s.waits), times_unpack(s.handles)
                )
        if level != "counter":
            for o in order_rows(day):
                if (key := getattr(o, group)) is not None:
                    found[key].add({c: getattr(o, c) for c in _ORDER_COUNTS})
        day += timedelta(days=1)
    return found
