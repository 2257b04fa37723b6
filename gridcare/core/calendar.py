"""The Chinese working-day calendar: weekends, public holidays and make-up working days (调休).

The holidays come from the State Council's annual notices, kept as data the product maintains
(``gridcare.core.models.CalendarYear``, edited on the /calendar/ page and by the API; a new
database is seeded from ``holidays_cn.json``). A year whose notice is not in yet never stops the
work: its days count Monday to Friday as working days, and every result says whether it touched
such a year (``Reckoned.unknown_years``), so a deadline reckoned that way is stored as
provisional and recomputed when the year is saved.

Reads are cached per process. The cache is dropped when this process saves a year
(``invalidate``); other processes notice a change by comparing the highest
``CalendarChange`` id (one row per save, so it works as a version counter) with the version of
their copy, read at most every ``GRIDCARE_CALENDAR_RECHECK_SECONDS`` seconds: a one-row index
lookup, and a saved year reaches every process within those few seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Generic, TypeVar

from django.conf import settings

from gridcare.core.timezone import SHANGHAI

T = TypeVar("T")


@dataclass(frozen=True)
class YearCalendar:
    year: int
    source: str
    holidays: frozenset[date]
    workdays: frozenset[date]  # weekend days that are working days (调休上班)


@dataclass(frozen=True)
class Reckoned(Generic[T]):
    """A calendar result and the years without a holiday notice it was reckoned over."""

    value: T
    unknown_years: frozenset[int] = field(default_factory=frozenset)

    @property
    def provisional(self) -> bool:
        return bool(self.unknown_years)


def _next_midnight(moment: datetime) -> datetime:
    local = moment.astimezone(SHANGHAI)
    return datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), tzinfo=SHANGHAI)


class WorkingCalendar:
    """Working-day arithmetic over some known years; pure (no database)."""

    def __init__(self, years: Mapping[int, YearCalendar]) -> None:
        self.years = dict(years)

    def knows(self, year: int) -> bool:
        return year in self.years

    def _working(self, d: date, unknown: set[int]) -> bool:
        year = self.years.get(d.year)
        if year is None:
            unknown.add(d.year)
            return d.weekday() < 5
        if d in year.workdays:
            return True
        if d in year.holidays:
            return False
        return d.weekday() < 5

    def working_day(self, d: date) -> Reckoned[bool]:
        """Monday to Friday unless a public holiday, or a make-up working weekend day."""
        unknown: set[int] = set()
        return Reckoned(self._working(d, unknown), frozenset(unknown))

    def add_working_days(self, start: date, days: int) -> Reckoned[date]:
        """The ``days``-th working day after ``start`` (``start`` itself never counts);
        ``add_working_days(d, 0)`` is ``d``."""
        if days < 0:
            raise ValueError("days must not be negative")
        unknown: set[int] = set()
        current, left = start, days
        while left:
            current += timedelta(days=1)
            if self._working(current, unknown):
                left -= 1
        return Reckoned(current, frozenset(unknown))

    def working_days_between(self, first: date, last: date) -> Reckoned[int]:
        """How many working days lie after ``first`` up to and including ``last``."""
        unknown: set[int] = set()
        count, current = 0, first
        while current < last:
            current += timedelta(days=1)
            count += self._working(current, unknown)
        return Reckoned(count, frozenset(unknown))

    def add_working_days_at(self, moment: datetime, days: int) -> Reckoned[datetime]:
        """The same Shanghai clock time on the ``days``-th working day after ``moment``'s date."""
        local = moment.astimezone(SHANGHAI)
        due = self.add_working_days(local.date(), days)
        return Reckoned(datetime.combine(due.value, local.timetz()).astimezone(SHANGHAI), due.unknown_years)

    def working_time_between(self, start: datetime, end: datetime) -> Reckoned[timedelta]:
        """How much of [start, end) falls on working days (whole Shanghai days count, weekends
        and holidays do not): the clock of a working-day deadline while an order waits."""
        unknown: set[int] = set()
        total = timedelta(0)
        moment = start
        while moment < end:
            midnight = _next_midnight(moment)
            if self._working(moment.astimezone(SHANGHAI).date(), unknown):
                total += min(end, midnight) - moment
            moment = midnight
        return Reckoned(total, frozenset(unknown))

    def add_working_time(self, moment: datetime, amount: timedelta) -> Reckoned[datetime]:
        """``moment`` moved on by ``amount`` of working-day time, skipping weekends and holidays."""
        unknown: set[int] = set()
        left = amount
        while True:
            midnight = _next_midnight(moment)
            if self._working(moment.astimezone(SHANGHAI).date(), unknown):
                if left <= midnight - moment:
                    return Reckoned(moment + left, frozenset(unknown))
                left -= midnight - moment
            moment = midnight


def _days(first: date, last: date) -> Iterable[date]:
    return (first + timedelta(days=n) for n in range((last - first).days + 1))


# -- the process-wide copy of the calendar rows ------------------------------------------------

_lock = threading.Lock()
_cached: WorkingCalendar | None = None
_cached_version = -1
_checked_at = 0.0


def _version() -> int:
    from django.db.models import Max

    from gridcare.core.models import CalendarChange

    return int(CalendarChange.objects.aggregate(v=Max("id"))["v"] or 0)


def _load() -> WorkingCalendar:
    from gridcare.core.models import CalendarYear

    years: dict[int, YearCalendar] = {}
    for row in CalendarYear.objects.prefetch_related("holidays", "makeup_days"):
        holidays = frozenset(d for h in row.holidays.all() for d in _days(h.first, h.last))
        workdays = frozenset(m.day for m in row.makeup_days.all())
        years[row.year] = YearCalendar(row.year, row.source, holidays, workdays)
    return WorkingCalendar(years)


def current() -> WorkingCalendar:
    """The calendar as saved, re-read when another process changed it (see the module doc)."""
    global _cached, _cached_version, _checked_at
    recheck = float(getattr(settings, "GRIDCARE_CALENDAR_RECHECK_SECONDS", 5))
    with _lock:
        if _cached is not None and time.monotonic() - _checked_at < recheck:
            return _cached
        version = _version()
        if _cached is None or version != _cached_version:
            _cached, _cached_version = _load(), version
        _checked_at = time.monotonic()
        return _cached


def invalidate() -> None:
    """Forget this process's copy (after a save, and between tests)."""
    global _cached, _cached_version
    with _lock:
        _cached, _cached_version = None, -1


# -- the calendar as saved: what the rest of the code calls -----------------------------------


def known_years() -> list[int]:
    return sorted(current().years)


def is_working_day(d: date) -> bool:
    """Whether ``d`` is a working day; Monday to Friday in a year without a notice. Callers that
    must know whether that guess was made use ``working_day``."""
    return current().working_day(d).value


def working_day(d: date) -> Reckoned[bool]:
    return current().working_day(d)


def add_working_days(start: date, days: int) -> Reckoned[date]:
    return current().add_working_days(start, days)


def working_days_between(first: date, last: date) -> Reckoned[int]:
    return current().working_days_between(first, last)


def add_working_days_at(moment: datetime, days: int) -> Reckoned[datetime]:
    return current().add_working_days_at(moment, days)


def working_time_between(start: datetime, end: datetime) -> Reckoned[timedelta]:
    return current().working_time_between(start, end)


def add_working_time(moment: datetime, amount: timedelta) -> Reckoned[datetime]:
    return current().add_working_time(moment, amount)
