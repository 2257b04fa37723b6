"""The diagnosis rules against a real published load series: the BDEW standard load profile G25
(Bundesverband der Energie- und Wasserwirtschaft, the German association of energy and water
industries; 2025 revision, trade and commerce), as shipped MIT-licensed in the Python package
demandlib 0.2.2 (oemof, ``demandlib/bdew/bdew_data/g25.csv``), vendored unchanged in
``tests/data/`` (see its README.md).

Each value is the kWh of one quarter hour of an average day of a month and day type (SA, FT,
WT); × 4 it is the mean kW of that quarter hour, which is what a metering system's 15-minute
export gives. Published properties checked:

- the profile is normalised to about 1,000,000 kWh a year. With Germany's nine nationwide public
  holidays of 2025 counted as FT days the year is within 0.5 % of it (1,002,930.863 kWh); a year
  with no holidays at all (its would-be holidays are working days, which use more) is within
  2.5 % of it (2026: 1,018,079.206 kWh). The rules' energy equals the published values summed
  exactly (to the published 0.001 kWh) either way;
- a January working day (the WT column): the rules' energy is the column's sum, the maximum and
  minimum demand are the column's maximum and minimum × 4, and the load factor is the column's
  mean over its maximum;
- the rules' working-day and weekend hourly profiles of a January week are the column's hours
  (the four quarter hours' mean) × 4."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from gridcare.core.timezone import SHANGHAI
from gridcare.keyaccounts.rules import diagnosis as rules

DATA = Path(__file__).parent / "data" / "g25.csv"
MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober")
MONTHS += ("November", "Dezember")
# Germany's nationwide public holidays of 2025 (the states add their own; these are everybody's).
HOLIDAYS_2025 = {
    date(2025, 1, 1),  # Neujahr
    date(2025, 4, 18),  # Karfreitag
    date(2025, 4, 21),  # Ostermontag
    date(2025, 5, 1),  # Tag der Arbeit
    date(2025, 5, 29),  # Christi Himmelfahrt
    date(2025, 6, 9),  # Pfingstmontag
    date(2025, 10, 3),  # Tag der Deutschen Einheit
    date(2025, 12, 25),  # 1. Weihnachtstag
    date(2025, 12, 26),  # 2. Weihnachtstag
}


@cache
def published() -> dict[tuple[int, str], tuple[str, ...]]:
    """The columns as published (the texts, for exact sums): (month, day type) → 96 values."""
    with DATA.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    months, kinds, values = rows[0][1:], rows[1][1:], [r[1:] for r in rows[2:]]
    assert rows[1][0] == "[kWh]" and len(values) == 96 and len(months) == 36
    return {
        (MONTHS.index(m) + 1, kind): tuple(row[j] for row in values)
        for j, (m, kind) in enumerate(zip(months, kinds, strict=True))
    }


def kwh(month: int, kind: str) -> np.ndarray:
    return np.array([float(v) for v in published()[(month, kind)]])


def day_kind(day: date, holidays: set[date]) -> str:
    if day in holidays or day.weekday() == 6:
        return "FT"
    return "SA" if day.weekday() == 5 else "WT"


def year_of(year: int, holidays: set[date]) -> tuple[list[date], np.ndarray, Decimal]:
    """The year's days, its 15-minute kW (kWh × 4) and the published kWh summed exactly."""
    days = [date(year, 1, 1) + timedelta(days=i) for i in range((date(year + 1, 1, 1) - date(year, 1, 1)).days)]
    kinds = [(d.month, day_kind(d, holidays)) for d in days]
    kw = np.concatenate([kwh(*k) * 4 for k in kinds])
    exact = sum((Decimal(v) for k in kinds for v in published()[k]), Decimal(0))
    return days, kw, exact


@pytest.mark.parametrize(
    ("year", "holidays", "tolerance", "published_sum"),
    [
        (2025, HOLIDAYS_2025, Decimal("0.005"), Decimal("1002930.863")),
        (2026, set(), Decimal("0.025"), Decimal("1018079.206")),
    ],
)
def test_a_year_uses_about_a_million_kwh(
    year: int, holidays: set[date], tolerance: Decimal, published_sum: Decimal
) -> None:
    days, kw, exact = year_of(year, holidays)
    assert kw.size == len(days) * 96 == 365 * 96
    profile = rules.load_profile(kw, interval_minutes=15)
    assert exact == published_sum
    assert Decimal(profile.energy_kwh).quantize(Decimal("0.001")) == exact
    assert abs(exact / Decimal(1_000_000) - 1) <= tolerance
    assert profile.max_kw == max(float(v) for col in published().values() for v in col) * 4
    assert profile.min_kw == min(float(v) for col in published().values() for v in col) * 4


def test_a_january_working_day_has_the_columns_energy_maximum_minimum_and_load_factor() -> None:
    column = kwh(1, "WT")
    profile = rules.load_profile(column * 4, interval_minutes=15)
    assert Decimal(profile.energy_kwh).quantize(Decimal("0.001")) == sum(map(Decimal, published()[(1, "WT")]))
    assert profile.energy_kwh == pytest.approx(3554.476, abs=1e-9)
    assert (profile.max_kw, profile.min_kw) == (68.225 * 4, 14.181 * 4) == (column.max() * 4, column.min() * 4)
    assert profile.mean_kw == column.mean() * 4
    assert profile.load_factor == column.mean() / column.max()
    assert profile.load_factor == pytest.approx(3554.476 / 96 / 68.225, rel=1e-12)


def test_a_january_weeks_hourly_profiles_are_the_columns_hours() -> None:
    """Monday 5 to Sunday 11 January 2026, as a metering export would give it (Beijing time)."""
    first = date(2026, 1, 5)
    days = [first + timedelta(days=i) for i in range(7)]
    kw = np.concatenate([kwh(1, day_kind(d, set())) * 4 for d in days])
    starts = [
        datetime(d.year, d.month, d.day, tzinfo=SHANGHAI) + timedelta(minutes=15 * q) for d in days for q in range(96)
    ]
    series = rules.LoadSeries.of([s.astimezone(UTC) for s in starts], kw, interval_minutes=15)
    weekday = rules.hourly_profile(series, weekend=False)
    weekend = rules.hourly_profile(series, weekend=True)
    wt, sa, ft = (kwh(1, kind).reshape(24, 4).mean(axis=1) * 4 for kind in ("WT", "SA", "FT"))
    assert weekday == pytest.approx(list(wt), rel=1e-12)
    assert weekend == pytest.approx(list((sa + ft) / 2), rel=1e-12)
