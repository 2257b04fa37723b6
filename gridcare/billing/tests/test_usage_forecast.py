"""This month's usage forecast (rules.forecast) on constructed data: the daily run-rate when the
month's days are metered, else the same month last year scaled by the recent trend, else the mean
of the recent months; nothing without data."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from gridcare.billing.rules.forecast import months_before, usage_forecast

D = Decimal


def _year_of(values: dict[str, str]) -> dict[str, Decimal]:
    return {period: D(v) for period, v in values.items()}


def test_the_months_before_a_period_cross_the_year() -> None:
    assert months_before("2026-02", 3) == ["2026-01", "2025-12", "2025-11"]


def test_ten_metered_days_give_the_daily_run_rate_for_the_whole_month() -> None:
    # 1-10 June metered at 8, 9, 10 … 17 kWh (mean 12.5); today is the 11th (not counted yet).
    daily = {date(2026, 6, 1) + timedelta(days=i): D(8 + i) for i in range(10)}
    daily[date(2026, 6, 11)] = D(3)  # today, half a day: left out
    found = usage_forecast(today=date(2026, 6, 11), monthly={"2025-06": D(999)}, daily=daily)
    assert found is not None
    assert (found.method, found.kwh, found.basis_kwh, found.days) == ("daily", D("375.00"), D("12.50"), 10)


def test_fewer_than_seven_metered_days_fall_back_to_last_year() -> None:
    daily = {date(2026, 6, 1) + timedelta(days=i): D(10) for i in range(6)}
    found = usage_forecast(today=date(2026, 6, 7), monthly={"2025-06": D(300)}, daily=daily)
    assert found is not None and (found.method, found.kwh, found.trend) == ("last_year", D("300.00"), None)


def test_last_years_month_is_scaled_by_the_three_months_trend() -> None:
    monthly = _year_of(
        {
            "2025-03": "200",
            "2025-04": "180",
            "2025-05": "220",
            "2025-06": "300",
            "2026-03": "230",
            "2026-04": "207",
            "2026-05": "253",
        }
    )
    # (230 + 207 + 253) / (200 + 180 + 220) = 690 / 600 = 1.15 → 300 × 1.15
    found = usage_forecast(today=date(2026, 6, 15), monthly=monthly)
    assert found is not None
    assert (found.method, found.basis_kwh, found.trend, found.kwh) == (
        "last_year",
        D("300.00"),
        D("1.1500"),
        D("345.00"),
    )


def test_a_runaway_trend_is_held_at_twice() -> None:
    monthly = _year_of(
        {"2025-01": "10", "2025-02": "10", "2025-03": "10", "2025-04": "100", "2026-01": "90", "2026-02": "90"}
    )
    monthly["2026-03"] = D(90)
    found = usage_forecast(today=date(2026, 4, 2), monthly=monthly)
    assert found is not None and (found.trend, found.kwh) == (D("2.0000"), D("200.00"))


def test_without_last_year_the_recent_months_mean_is_the_forecast() -> None:
    found = usage_forecast(today=date(2026, 6, 15), monthly=_year_of({"2026-04": "100", "2026-05": "151"}))
    assert found is not None and (found.method, found.kwh) == ("recent", D("125.50"))


def test_no_history_no_forecast() -> None:
    assert usage_forecast(today=date(2026, 6, 15), monthly={}) is None
    assert usage_forecast(today=date(2026, 6, 15), monthly=_year_of({"2024-01": "100"})) is None
