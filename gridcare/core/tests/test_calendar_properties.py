"""Properties of working-day arithmetic, over the years the calendar knows and beyond them
(Monday to Friday, flagged provisional), on the pure calendar and on the saved rows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pytest_django import DjangoDbBlocker

from gridcare.core import calendar
from gridcare.core.calendar import WorkingCalendar, YearCalendar

# 2024-2026 are known; 2027 and later are not.
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2029, 12, 31))


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> WorkingCalendar:
    """The calendar as seeded by migration, read once (hypothesis runs many examples)."""
    from conftest import calendar_seeded

    with django_db_blocker.unblock():
        calendar_seeded()
        seeded = calendar.current()
    assert seeded.knows(2024) and seeded.knows(2026) and not seeded.knows(2027)
    return seeded


@given(start=days, n=st.integers(min_value=1, max_value=20))
def test_the_result_is_a_working_day_exactly_n_working_days_later(seeded: WorkingCalendar, start: date, n: int) -> None:
    due = seeded.add_working_days(start, n).value
    assert seeded.working_day(due).value
    assert seeded.working_days_between(start, due).value == n
    assert seeded.working_days_between(start, due - timedelta(days=1)).value == n - 1


@given(start=days, a=st.integers(min_value=0, max_value=10), b=st.integers(min_value=0, max_value=10))
def test_adding_working_days_composes(seeded: WorkingCalendar, start: date, a: int, b: int) -> None:
    once = seeded.add_working_days(start, a)
    assert seeded.add_working_days(once.value, b).value == seeded.add_working_days(start, a + b).value


@given(start=days, n=st.integers(min_value=0, max_value=30))
def test_a_result_is_provisional_exactly_when_a_counted_day_lies_in_an_unknown_year(
    seeded: WorkingCalendar, start: date, n: int
) -> None:
    due = seeded.add_working_days(start, n)
    counted = {(start + timedelta(days=k)).year for k in range(1, (due.value - start).days + 1)}
    assert due.unknown_years == {y for y in counted if y >= 2027}


@given(start=st.dates(min_value=date(2040, 1, 1), max_value=date(2040, 12, 1)), n=st.integers(0, 15))
def test_an_unknown_year_counts_monday_to_friday(start: date, n: int) -> None:
    empty = WorkingCalendar({})
    due = empty.add_working_days(start, n).value
    weekdays = sum((start + timedelta(days=k)).weekday() < 5 for k in range(1, (due - start).days + 1))
    assert weekdays == n
    assert n == 0 or due.weekday() < 5


def test_a_known_year_on_the_pure_calendar_uses_its_holidays_and_make_up_days() -> None:
    year = YearCalendar(2040, "test", frozenset({date(2040, 1, 2)}), frozenset({date(2040, 1, 7)}))
    cal = WorkingCalendar({2040: year})
    # Monday 2 January 2040 off, Saturday 7 January worked.
    assert cal.add_working_days(date(2039, 12, 30), 1).value == date(2040, 1, 3)
    assert cal.add_working_days(date(2039, 12, 30), 1).unknown_years == {2039}
    assert cal.add_working_days(date(2040, 1, 6), 1).value == date(2040, 1, 7)
    assert cal.add_working_days(date(2040, 1, 6), 1).provisional is False
