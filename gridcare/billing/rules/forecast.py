"""This month's usage forecast (SELF-2 "usage analysis"): simple, explainable, and said on the
page with its basis. No database here.

The first method whose data exist is used:

1. ``daily`` — the daily run-rate: with metered daily usage (interval data) for at least
   ``DAILY_MIN_DAYS`` whole days of the month so far, the mean of those days times the days of the
   month.
2. ``last_year`` — the same month last year, scaled by the recent trend: the three months before
   this one against the same three months a year earlier (all six billed, the earlier sum above
   zero), the ratio kept between ``TREND_MIN`` and ``TREND_MAX`` so one odd month cannot run away
   with it. Without a trend the same month last year as it was.
3. ``recent`` — the mean of the (up to three) months just before this one that were billed.

No month billed and no daily data: no forecast. kWh are rounded half-up to two places."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

DAILY_MIN_DAYS = 7
TREND_MIN = Decimal("0.5")
TREND_MAX = Decimal("2.0")
TREND_MONTHS = 3
KWH = Decimal("0.01")


@dataclass(frozen=True)
class Forecast:
    kwh: Decimal
    method: str  # "daily", "last_year" or "recent"
    basis_kwh: Decimal  # the run-rate's daily mean, last year's month, or the recent mean
    trend: Decimal | None = None  # last_year: the ratio applied (None: none could be worked out)
    days: int = 0  # daily: the whole days measured


def period_of(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def months_before(period: str, count: int) -> list[str]:
    """The ``count`` periods before ``period`` ("2026-03" → "2026-02", "2026-01", "2025-12" …)."""
    year, month = int(period[:4]), int(period[5:7])
    out = []
    for _ in range(count):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        out.append(period_of(year, month))
    return out


def year_before(period: str) -> str:
    return period_of(int(period[:4]) - 1, int(period[5:7]))


def _kwh(value: Decimal) -> Decimal:
    return value.quantize(KWH, rounding=ROUND_HALF_UP)


def _daily(today: date, daily: Mapping[date, Decimal]) -> Forecast | None:
    whole = [kwh for day, kwh in daily.items() if day.year == today.year and day.month == today.month and day < today]
    if len(whole) < DAILY_MIN_DAYS:
        return None
    mean = sum(whole, Decimal(0)) / len(whole)
    days_in_month = calendar.monthrange(today.year, today.month)[1]
    return Forecast(kwh=_kwh(mean * days_in_month), method="daily", basis_kwh=_kwh(mean), days=len(whole))


def _trend(period: str, monthly: Mapping[str, Decimal]) -> Decimal | None:
    recent = months_before(period, TREND_MONTHS)
    earlier = [year_before(p) for p in recent]
    if any(p not in monthly for p in recent + earlier):
        return None
    before = sum((monthly[p] for p in earlier), Decimal(0))
    if before <= 0:
        return None
    ratio = sum((monthly[p] for p in recent), Decimal(0)) / before
    return min(TREND_MAX, max(TREND_MIN, ratio)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def usage_forecast(
    *, today: date, monthly: Mapping[str, Decimal], daily: Mapping[date, Decimal] | None = None
) -> Forecast | None:
    """The forecast of the month ``today`` falls in, from the billed kWh per period ``monthly``
    ("YYYY-MM" → kWh) and the metered kWh per day ``daily`` (if any)."""
    found = _daily(today, daily or {})
    if found is not None:
        return found
    period = period_of(today.year, today.month)
    last_year = monthly.get(year_before(period))
    if last_year is not None:
        trend = _trend(period, monthly)
        return Forecast(
            kwh=_kwh(last_year * (trend if trend is not None else 1)),
            method="last_year",
            basis_kwh=_kwh(last_year),
            trend=trend,
        )
    recent = [monthly[p] for p in months_before(period, TREND_MONTHS) if p in monthly]
    if not recent:
        return None
    mean = _kwh(sum(recent, Decimal(0)) / len(recent))
    return Forecast(kwh=mean, method="recent", basis_kwh=mean)
