"""The working-day calendar follows the State Council holiday notices day by day (the rows
seeded from holidays_cn.json into a new database), and a year without a notice counts Monday to
Friday, saying so."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from gridcare.core.calendar import add_working_days, add_working_days_at, is_working_day, known_years, working_day
from gridcare.core.timezone import SHANGHAI

pytestmark = pytest.mark.django_db


def _span(first: str, last: str) -> set[date]:
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    return {start + timedelta(days=n) for n in range((end - start).days + 1)}


# Typed from the notices themselves, independently of holidays_cn.json.
NOTICE_2025_OFF = (
    _span("2025-01-01", "2025-01-01")
    | _span("2025-01-28", "2025-02-04")
    | _span("2025-04-04", "2025-04-06")
    | _span("2025-05-01", "2025-05-05")
    | _span("2025-05-31", "2025-06-02")
    | _span("2025-10-01", "2025-10-08")
)
NOTICE_2025_MAKEUP = {date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27), date(2025, 9, 28), date(2025, 10, 11)}

NOTICE_2026_OFF = (
    _span("2026-01-01", "2026-01-03")
    | _span("2026-02-15", "2026-02-23")
    | _span("2026-04-04", "2026-04-06")
    | _span("2026-05-01", "2026-05-05")
    | _span("2026-06-19", "2026-06-21")
    | _span("2026-09-25", "2026-09-27")
    | _span("2026-10-01", "2026-10-07")
)
NOTICE_2026_MAKEUP = {
    date(2026, 1, 4),
    date(2026, 2, 14),
    date(2026, 2, 28),
    date(2026, 5, 9),
    date(2026, 9, 20),
    date(2026, 10, 10),
}


@pytest.mark.parametrize(
    ("year", "off", "makeup", "working_total"),
    [(2025, NOTICE_2025_OFF, NOTICE_2025_MAKEUP, 248), (2026, NOTICE_2026_OFF, NOTICE_2026_MAKEUP, 248)],
)
def test_every_day_of_the_year_matches_the_notice(
    year: int, off: set[date], makeup: set[date], working_total: int
) -> None:
    day = date(year, 1, 1)
    working = 0
    while day.year == year:
        expected = day in makeup or (day.weekday() < 5 and day not in off)
        assert is_working_day(day) is expected, day
        working += expected
        day += timedelta(days=1)
    assert working == working_total


def test_make_up_days_are_weekend_days_and_holidays_are_not_working() -> None:
    for d in NOTICE_2025_MAKEUP | NOTICE_2026_MAKEUP:
        assert d.weekday() >= 5
        assert is_working_day(d) is True
    for d in NOTICE_2025_OFF | NOTICE_2026_OFF:
        assert is_working_day(d) is False


def test_sunday_28_september_2025_works_and_national_day_week_is_off() -> None:
    assert is_working_day(date(2025, 9, 28)) is True
    assert [is_working_day(date(2025, 10, d)) for d in range(1, 9)] == [False] * 8
    assert is_working_day(date(2025, 10, 9)) is True


def test_add_working_days_skips_the_golden_week() -> None:
    assert add_working_days(date(2025, 9, 26), 1).value == date(2025, 9, 28)
    assert add_working_days(date(2025, 9, 28), 1).value == date(2025, 9, 29)
    assert add_working_days(date(2025, 9, 30), 1).value == date(2025, 10, 9)
    assert add_working_days(date(2025, 9, 30), 5).value == date(2025, 10, 14)
    assert add_working_days(date(2025, 9, 30), 0).value == date(2025, 9, 30)


def test_add_working_days_counts_the_spring_festival_make_up_saturdays_2026() -> None:
    assert add_working_days(date(2026, 2, 13), 1).value == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 14), 1).value == date(2026, 2, 24)
    assert add_working_days(date(2026, 2, 27), 1).value == date(2026, 2, 28)
    assert add_working_days(date(2026, 2, 28), 1).value == date(2026, 3, 2)


def test_2024_notice_is_known_too() -> None:
    assert known_years()[:3] == [2024, 2025, 2026]
    assert is_working_day(date(2024, 2, 4)) is True
    assert is_working_day(date(2024, 2, 17)) is False
    assert is_working_day(date(2024, 10, 12)) is True


def test_a_year_without_a_notice_counts_monday_to_friday_and_says_so() -> None:
    # 2031-03-03 is a Monday, 2031-03-08 a Saturday.
    assert working_day(date(2031, 3, 3)).value is True
    assert working_day(date(2031, 3, 3)).unknown_years == {2031}
    assert working_day(date(2031, 3, 8)).value is False
    assert is_working_day(date(2031, 3, 8)) is False
    # From Wednesday 30 December 2026: Thursday 31st (2026, known), then Friday 1 and Monday
    # 4 January 2027, a year without a notice.
    spanning = add_working_days(date(2026, 12, 30), 3)
    assert spanning.value == date(2027, 1, 4)
    assert spanning.unknown_years == {2027}
    assert spanning.provisional is True


def test_a_result_inside_known_years_is_not_provisional() -> None:
    inside = add_working_days(date(2026, 12, 1), 5)
    assert inside.value == date(2026, 12, 8)
    assert inside.unknown_years == frozenset()
    assert inside.provisional is False
    due = add_working_days_at(datetime(2026, 12, 24, 16, 30, tzinfo=SHANGHAI), 5)
    assert due.value == datetime(2026, 12, 31, 16, 30, tzinfo=SHANGHAI)
    assert due.provisional is False
