"""Properties of working-day arithmetic over the years the calendar knows."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from gridcare.core.calendar import add_working_days, is_working_day, working_days_between

days = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 11, 30))


@given(start=days, n=st.integers(min_value=1, max_value=20))
def test_the_result_is_a_working_day_exactly_n_working_days_later(start: date, n: int) -> None:
    due = add_working_days(start, n)
    assert is_working_day(due)
    assert working_days_between(start, due) == n
    assert working_days_between(start, due - timedelta(days=1)) == n - 1


@given(start=days, a=st.integers(min_value=0, max_value=10), b=st.integers(min_value=0, max_value=10))
def test_adding_working_days_composes(start: date, a: int, b: int) -> None:
    assert add_working_days(add_working_days(start, a), b) == add_working_days(start, a + b)
