"""The Chinese working-day calendar: weekends, public holidays and make-up working days (调休).

The holidays come from the State Council's annual notices, kept as data in ``holidays_cn.json``
beside this module (or the file named by the ``GRIDCARE_HOLIDAYS_FILE`` setting), so a province
adds next year's notice without touching code. A date in a year the data does not cover raises
``UnknownCalendarYear`` rather than silently treating holidays as working days.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from gridcare.core.exceptions import InvalidInput
from gridcare.core.timezone import SHANGHAI

DEFAULT_FILE = Path(__file__).with_name("holidays_cn.json")


class UnknownCalendarYear(InvalidInput):
    """The holiday notice of this year is not in the calendar data."""


@dataclass(frozen=True)
class YearCalendar:
    year: int
    source: str
    holidays: frozenset[date]
    workdays: frozenset[date]  # weekend days that are working days (调休上班)


def _days(first: str, last: str) -> list[date]:
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def parse_calendar(data: dict[str, object]) -> dict[int, YearCalendar]:
    """Years of a holiday data file (see holidays_cn.json for the shape)."""
    years: dict[int, YearCalendar] = {}
    for key, value in data.items():
        if not key.isdigit() or not isinstance(value, dict):
            continue
        holidays = {d for row in value["holidays"] for d in _days(row[0], row[1])}
        workdays = {date.fromisoformat(d) for d in value["workdays"]}
        years[int(key)] = YearCalendar(int(key), str(value.get("source", "")), frozenset(holidays), frozenset(workdays))
    return years


@lru_cache(maxsize=1)
def calendar_years() -> dict[int, YearCalendar]:
    path = Path(getattr(settings, "GRIDCARE_HOLIDAYS_FILE", "") or DEFAULT_FILE)
    return parse_calendar(json.loads(path.read_text(encoding="utf-8")))


def known_years() -> list[int]:
    return sorted(calendar_years())


def _year(d: date) -> YearCalendar:
    found = calendar_years().get(d.year)
    if found is None:
        raise UnknownCalendarYear(
            _("节假日日历没有 %(year)s 年的数据，请按国务院办公厅当年的放假通知补充。") % {"year": d.year}
        )
    return found


def is_working_day(d: date) -> bool:
    """A working day: Monday to Friday unless a public holiday, or a make-up working weekend day."""
    year = _year(d)
    if d in year.workdays:
        return True
    if d in year.holidays:
        return False
    return d.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself never counts).

    ``add_working_days(d, 0)`` is ``d``.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    current, left = start, days
    while left:
        current += timedelta(days=1)
        if is_working_day(current):
            left -= 1
    return current


def working_days_between(first: date, last: date) -> int:
    """How many working days lie after ``first`` up to and including ``last``."""
    count, current = 0, first
    while current < last:
        current += timedelta(days=1)
        count += is_working_day(current)
    return count


def add_working_days_at(moment: datetime, days: int) -> datetime:
    """The same Shanghai clock time on the ``days``-th working day after ``moment``'s date."""
    local = moment.astimezone(SHANGHAI)
    due_day = add_working_days(local.date(), days)
    return datetime.combine(due_day, local.timetz()).astimezone(SHANGHAI)


def _next_midnight(moment: datetime) -> datetime:
    local = moment.astimezone(SHANGHAI)
    return datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), tzinfo=SHANGHAI)


def working_time_between(start: datetime, end: datetime) -> timedelta:
    """How much of [start, end) falls on working days (whole Shanghai days count, weekends and
    holidays do not): the clock of a working-day deadline while an order waits."""
    total = timedelta(0)
    moment = start
    while moment < end:
        midnight = _next_midnight(moment)
        if is_working_day(moment.astimezone(SHANGHAI).date()):
            total += min(end, midnight) - moment
        moment = midnight
    return total


def add_working_time(moment: datetime, amount: timedelta) -> datetime:
    """``moment`` moved on by ``amount`` of working-day time, skipping weekends and holidays."""
    left = amount
    while True:
        midnight = _next_midnight(moment)
        if is_working_day(moment.astimezone(SHANGHAI).date()):
            if left <= midnight - moment:
                return moment + left
            left -= midnight - moment
        moment = midnight
