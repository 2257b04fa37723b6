"""The diagnosis rules on constructed load curves with known answers (KEY-3).

No real published load series is in ../shared/data (its README lists bank calls and reviews
only), so every curve here is constructed, with its answers worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridcare.billing.rules.intervals import Band
from gridcare.keyaccounts.rules import diagnosis as d
from gridcare.keyaccounts.rules.power_factor import pf_adjustment_percent, power_factor

BANDS = [
    Band("peak", time(8), time(11)),
    Band("peak", time(18), time(21)),
    Band("valley", time(23), time(7)),
]
PRICES = d.TouPrices(peak=Decimal("1.1234"), flat=Decimal("0.6789"), valley=Decimal("0.3011"))


def beijing(day: date, minute: int) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC) - timedelta(hours=8) + timedelta(minutes=minute)


def two_level_day(day: date = date(2026, 11, 2)) -> d.LoadSeries:
    """100 kW in the six peak hours, 40 kW in the other eighteen, every 15 minutes."""
    minutes = range(0, 1440, 15)
    kw = [100.0 if 480 <= m < 660 or 1080 <= m < 1260 else 40.0 for m in minutes]
    return d.LoadSeries.of([beijing(day, m) for m in minutes], kw, interval_minutes=15)


def test_a_flat_load_has_load_factor_one() -> None:
    profile = d.load_profile([250.0] * 96, interval_minutes=15)
    assert profile == d.LoadProfile(energy_kwh=6000.0, max_kw=250.0, mean_kw=250.0, min_kw=250.0, load_factor=1.0)


def test_no_readings_give_zeros_and_a_bad_interval_is_refused() -> None:
    assert d.load_profile([], interval_minutes=15) == d.LoadProfile(0.0, 0.0, 0.0, 0.0, 0.0)
    with pytest.raises(ValueError):
        d.load_profile([1.0], interval_minutes=0)


def test_the_two_level_profile_figures() -> None:
    profile = d.load_profile(two_level_day().kw, interval_minutes=15)
    assert profile.energy_kwh == 1320.0
    assert (profile.max_kw, profile.mean_kw, profile.min_kw) == (100.0, 55.0, 40.0)
    assert profile.load_factor == pytest.approx(0.55)


def test_the_two_level_split_charge_and_saving_to_the_fen() -> None:
    split = d.band_split(two_level_day(), BANDS)
    assert split == {"peak": Decimal("600.00"), "flat": Decimal("400.00"), "valley": Decimal("320.00")}
    # 600 × 1.1234 + 400 × 0.6789 + 320 × 0.3011 = 674.04 + 271.56 + 96.352
    assert d.energy_charge(split, PRICES) == Decimal("1041.95")
    # 20 % of 600 kWh = 120 kWh × (1.1234 − 0.3011) = 98.676
    assert d.shift_saving(split["peak"], share_percent=Decimal(20), prices=PRICES) == Decimal("98.68")


def test_without_bands_everything_is_flat_and_nothing_is_saved() -> None:
    split = d.band_split(two_level_day(), [])
    assert split == {"peak": Decimal("0.00"), "flat": Decimal("1320.00"), "valley": Decimal("0.00")}


def test_the_peak_time_and_hourly_profiles() -> None:
    series = two_level_day()  # a Monday
    assert d.peak_at(series) == beijing(date(2026, 11, 2), 480)
    weekday = d.hourly_profile(series, weekend=False)
    assert weekday[8] == 100.0 and weekday[12] == 40.0 and weekday[20] == 100.0
    assert d.hourly_profile(series, weekend=True) == [None] * 24


def test_the_heat_map_is_day_by_time_with_holes_empty() -> None:
    series = two_level_day()
    keep = np.ones(series.kw.size, dtype=bool)
    keep[4] = False  # 01:00 missing
    holed = d.LoadSeries(series.starts[keep], series.kw[keep], series.kvar[keep], 15)
    heat = d.heat_map(holed, first=date(2026, 11, 2), last=date(2026, 11, 3))
    assert heat.days == [date(2026, 11, 2), date(2026, 11, 3)]
    assert heat.slots[:2] == ["00:00", "00:15"] and len(heat.slots) == 96
    assert heat.values[0][4] is None and heat.values[0][32] == 100.0
    assert heat.values[1] == [None] * 96


def test_gaps_are_runs_of_missing_intervals() -> None:
    series = two_level_day()
    keep = np.ones(series.kw.size, dtype=bool)
    keep[10:13] = False
    holed = d.LoadSeries(series.starts[keep], series.kw[keep], series.kvar[keep], 15)
    day = date(2026, 11, 2)
    found = d.gaps(holed, start=beijing(day, 0), end=beijing(day, 1440))
    assert found == [d.Gap(beijing(day, 150), beijing(day, 180), 3)]


@pytest.mark.parametrize(
    ("pf", "standard", "percent"),
    [
        ("0.90", "0.90", "0"),
        ("0.91", "0.90", "-0.15"),
        ("0.95", "0.90", "-0.75"),
        ("1.00", "0.90", "-0.75"),
        ("0.89", "0.90", "0.5"),
        ("0.70", "0.90", "10"),
        ("0.69", "0.90", "11"),
        ("0.65", "0.90", "15"),
        ("0.64", "0.90", "17"),
        ("0.88", "0.85", "-0.3"),
        ("0.94", "0.85", "-1.10"),
        ("0.60", "0.85", "15"),
        ("0.92", "0.80", "-1.30"),
        ("0.79", "0.80", "0.5"),
        ("0.55", "0.80", "15"),
    ],
)
def test_the_national_adjustment_table(pf: str, standard: str, percent: str) -> None:
    assert pf_adjustment_percent(Decimal(pf), Decimal(standard)) == Decimal(percent)


def test_power_factor_from_kwh_and_kvarh() -> None:
    assert power_factor(Decimal(100), Decimal("48.43")) == Decimal("0.90")
    assert power_factor(Decimal(100), Decimal(0)) == Decimal("1.00")
    assert power_factor(Decimal(0), Decimal(0)) is None


@given(st.integers(min_value=0, max_value=100))
def test_the_adjustment_never_falls_as_the_factor_rises(hundredths: int) -> None:
    pf = Decimal(hundredths) / 100
    for standard in (Decimal("0.90"), Decimal("0.85"), Decimal("0.80")):
        assert pf_adjustment_percent(pf, standard) >= pf_adjustment_percent(pf + Decimal("0.01"), standard) or pf >= 1


def test_capacity_against_demand_over_twelve_months() -> None:
    months = [(f"2026-{m:02d}", 500.0) for m in range(1, 12)] + [("2026-12", 300.0)]
    basic = d.basic_charge_compare(
        months,
        contract_kva=Decimal(1000),
        capacity_price=Decimal("25.00"),
        demand_price=Decimal("38.00"),
        demand_floor_percent=Decimal(40),
    )
    assert basic.capacity_total == Decimal("300000.00")  # 1000 kVA × 25 × 12
    # 11 × 500 kW × 38 + the floor 400 kW × 38 for December's 300 kW
    assert basic.demand_total == Decimal("224200.00")
    assert basic.demand_by_month[-1] == ("2026-12", 300.0, Decimal("15200.00"))
    assert (basic.cheaper, basic.difference) == ("demand", Decimal("75800.00"))


def test_anomalies_of_a_constructed_fortnight() -> None:
    """Ten days at a base of 40 kW, then four at 80 kW (one jump, on its first day); the weekend
    nights run at the base load, far above half the working days' load; peaks of 100 kW and two
    night intervals of 96 kW are above 95 % of 100 kVA."""
    first = date(2026, 11, 2)
    starts, kw = [], []
    for i in range(14):
        day = first + timedelta(days=i)
        base = 80.0 if i >= 10 else 40.0
        for m in range(0, 1440, 15):
            starts.append(beijing(day, m))
            kw.append(100.0 if 480 <= m < 660 or 1080 <= m < 1260 else base)
    kw[200] = 96.0
    kw[201] = 96.5
    series = d.LoadSeries.of(starts, kw, interval_minutes=15)
    found, holes = d.anomalies(
        series,
        start=beijing(first, 0),
        end=beijing(first + timedelta(days=14), 0),
        contract_kva=Decimal(100),
        t=d.Thresholds(),
    )
    kinds = [a.kind for a in found]
    assert kinds.count("base_load_jump") == 1
    assert found[kinds.index("base_load_jump")].parameters == {"day": "2026-11-12", "before": "40.0", "kw": "80.0"}
    assert "weekend_night_load" in kinds
    near = found[kinds.index("demand_near_capacity")]
    # the peak hours' 100 kW are above 95 kVA too: 14 days × 24 intervals, plus the two at 96 kW
    assert near.parameters["count"] == str(14 * 24 + 2)
    assert holes == [] and "data_gap" not in kinds
