from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridcare.billing.rules import (
    basic_charge,
    pf_adjustment,
    pf_adjustment_rate,
    power_factor,
    tou_charge,
    tou_ratio_ok,
    two_part_charge,
)


@pytest.mark.parametrize(
    ("pf", "standard", "percent"),
    [
        ("0.90", "0.90", "0"),
        ("0.91", "0.90", "-0.15"),
        ("0.95", "0.90", "-0.75"),
        ("1.00", "0.90", "-0.75"),
        ("0.89", "0.90", "0.5"),
        ("0.70", "0.90", "10"),
        ("0.65", "0.90", "15"),
        ("0.60", "0.90", "25"),
        ("0.90", "0.85", "-0.5"),
        ("0.94", "0.85", "-1.10"),
        ("0.99", "0.85", "-1.10"),
        ("0.60", "0.85", "15"),
        ("0.90", "0.80", "-1.0"),
        ("0.92", "0.80", "-1.30"),
        ("0.55", "0.80", "15"),
        ("0.50", "0.80", "25"),
    ],
)
def test_adjustment_rate_follows_the_national_table(pf: str, standard: str, percent: str) -> None:
    assert pf_adjustment_rate(D(pf), D(standard)) == D(percent) / 100


def test_power_factor_is_read_to_two_places() -> None:
    assert power_factor(D(100_000), D(48_430)) == D("0.90")
    assert power_factor(D(100_000), D(0)) == D("1.00")


def test_a_two_part_bill_adds_basic_energy_and_adjustment() -> None:
    basic = basic_charge(
        basis="capacity", capacity_kva=D(630), max_demand_kw=D(0), capacity_price=D(30), demand_price=D(40)
    )
    energy = tou_charge(
        {"peak": D(20_000), "flat": D(30_000), "valley": D(50_000)},
        {"peak": D("1.0"), "flat": D("0.6"), "valley": D("0.3")},
    )
    adjustment = pf_adjustment(basic + energy, D("0.95"), D("0.90"))
    assert (basic, energy, adjustment) == (D("18900.00"), D("53000.00"), D("-539.25"))
    assert two_part_charge(energy_charge=energy, basic=basic, adjustment=adjustment) == D("71360.75")


def test_demand_under_forty_percent_of_capacity_is_billed_at_forty_percent() -> None:
    kwargs = {"basis": "demand", "capacity_kva": D(1000), "capacity_price": D(30), "demand_price": D(40)}
    assert basic_charge(max_demand_kw=D(300), **kwargs) == D("16000.00")
    assert basic_charge(max_demand_kw=D(650), **kwargs) == D("26000.00")


def test_peak_valley_ratio_must_reach_three_to_one() -> None:
    assert tou_ratio_ok(D("0.9"), D("0.3"), D(3))
    assert not tou_ratio_ok(D("0.8"), D("0.3"), D(3))


@given(pf=st.integers(0, 100), std=st.sampled_from(["0.90", "0.85", "0.80"]))
def test_a_better_power_factor_never_costs_more(pf: int, std: str) -> None:
    lower = pf_adjustment_rate(D(pf) / 100, D(std))
    higher = pf_adjustment_rate(D(min(pf + 1, 100)) / 100, D(std))
    assert higher <= lower


@given(
    peak=st.decimals(0, 10**6, places=2),
    valley=st.decimals(0, 10**6, places=2),
    extra=st.decimals(0, 10**6, places=2),
)
def test_tou_charge_is_monotone_and_never_negative(peak: D, valley: D, extra: D) -> None:
    prices = {"peak": D("0.9"), "valley": D("0.3")}
    base = tou_charge({"peak": peak, "valley": valley}, prices)
    assert base >= 0
    assert tou_charge({"peak": peak + extra, "valley": valley}, prices) >= base
