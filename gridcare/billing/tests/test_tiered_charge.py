from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridcare.billing.rules import tier_split, tiered_charge, tiered_tou_charge

THRESHOLDS = (D(240), D(400))
PRICES = (D("0.4883"), D("0.5383"), D("0.7883"))
ZJ_YEAR = (D(2760), D(4800))
ZJ_PRICES = (D("0.538"), D("0.588"), D("0.838"))

kwh = st.decimals(min_value=0, max_value=100_000, places=2)


def test_the_issue_example_of_500_kwh_costs_282_15() -> None:
    assert tiered_charge(D(500), THRESHOLDS, PRICES) == D("282.15")


def test_usage_exactly_at_a_threshold_stays_in_the_lower_tier() -> None:
    assert tier_split(D(240), THRESHOLDS) == [D(240), D(0), D(0)]
    assert tiered_charge(D(240), THRESHOLDS, PRICES) == D("117.19")
    assert tier_split(D(400), THRESHOLDS) == [D(240), D(160), D(0)]


def test_yearly_tiers_price_a_month_by_where_the_years_cumulative_usage_falls() -> None:
    # 2,700 kWh already billed this year; 200 more: 60 in tier 1, 140 in tier 2.
    assert tier_split(D(200), ZJ_YEAR, prior_kwh=D(2700)) == [D(60), D(140), D(0)]
    assert tiered_charge(D(200), ZJ_YEAR, ZJ_PRICES, prior_kwh=D(2700)) == D("114.60")


def test_a_month_that_crosses_both_yearly_thresholds() -> None:
    # prior 4,700 is past tier 1: 100 kWh in tier 2, 400 in tier 3.
    assert tier_split(D(500), ZJ_YEAR, prior_kwh=D(4700)) == [D(0), D(100), D(400)]
    assert tiered_charge(D(500), ZJ_YEAR, ZJ_PRICES, prior_kwh=D(4700)) == D("394.00")


def test_tier_increments_apply_on_top_of_tou_prices() -> None:
    usage = {"peak": D(150), "valley": D(100)}
    prices = {"peak": D("0.568"), "valley": D("0.288")}
    # 250 kWh: 240 in tier 1, 10 in tier 2 (+0.05): 85.20 + 28.80 + 0.50
    assert tiered_tou_charge(usage, prices, THRESHOLDS, (D("0.05"), D("0.30"))) == D("114.50")


def test_prices_must_have_one_more_entry_than_thresholds() -> None:
    with pytest.raises(ValueError):
        tiered_charge(D(1), THRESHOLDS, PRICES[:2])


def test_negative_usage_is_refused() -> None:
    with pytest.raises(ValueError):
        tiered_charge(D(-1), THRESHOLDS, PRICES)


@given(a=kwh, b=kwh, prior=kwh)
def test_charge_is_monotone_in_usage(a: D, b: D, prior: D) -> None:
    low, high = sorted((a, b))
    assert tiered_charge(low, ZJ_YEAR, ZJ_PRICES, prior_kwh=prior) <= tiered_charge(
        high, ZJ_YEAR, ZJ_PRICES, prior_kwh=prior
    )


@given(a=kwh, b=kwh, prior=kwh)
def test_splitting_a_months_usage_splits_the_tiers_exactly(a: D, b: D, prior: D) -> None:
    whole = tier_split(a + b, ZJ_YEAR, prior_kwh=prior)
    first = tier_split(a, ZJ_YEAR, prior_kwh=prior)
    second = tier_split(b, ZJ_YEAR, prior_kwh=prior + a)
    assert whole == [x + y for x, y in zip(first, second, strict=True)]


@given(a=st.integers(0, 10**6), b=st.integers(0, 10**6), prior=st.integers(0, 10**5))
def test_charge_is_additive_over_splits_of_usage(a: int, b: int, prior: int) -> None:
    prices = (D("0.53"), D("0.58"), D("0.83"))  # fen prices: no rounding in between
    whole = tiered_charge(D(a + b), ZJ_YEAR, prices, prior_kwh=D(prior))
    parts = tiered_charge(D(a), ZJ_YEAR, prices, prior_kwh=D(prior)) + tiered_charge(
        D(b), ZJ_YEAR, prices, prior_kwh=D(prior + a)
    )
    assert whole == parts


@given(a=kwh, prior=kwh)
def test_charge_is_never_negative_and_tiers_add_up(a: D, prior: D) -> None:
    assert tiered_charge(a, THRESHOLDS, PRICES, prior_kwh=prior) >= 0
    assert sum(tier_split(a, THRESHOLDS, prior_kwh=prior)) == a
