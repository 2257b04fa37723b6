"""The unusual-usage rule (SELF-4) with exact values: above the threshold against the same month
last year (exactly at it is not), or reaching tier 3."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from gridcare.knowledge.rules.usage import percent_above, unusual_usage


def test_forty_five_per_cent_above_last_year() -> None:
    assert unusual_usage(D("290"), D("200"), 1) == "本月用电比去年同月高 45%"


def test_exactly_at_the_threshold_is_not_unusual() -> None:
    assert unusual_usage(D("260"), D("200"), 2) is None
    assert unusual_usage(D("260.01"), D("200"), 2) == "本月用电比去年同月高 30%"


def test_reaching_tier_three_is_unusual_without_last_year() -> None:
    assert unusual_usage(D("300"), None, 3) == "本月用电已进入第3档阶梯电价"
    assert unusual_usage(D("300"), D("0"), 2) is None  # nothing used last year: no comparison


def test_both_reasons_are_given() -> None:
    assert unusual_usage(D("400"), D("200"), 3) == "本月用电比去年同月高 100%；本月用电已进入第3档阶梯电价"


def test_the_threshold_is_a_parameter() -> None:
    assert unusual_usage(D("220"), D("200"), None, threshold_percent=5) == "本月用电比去年同月高 10%"
    assert unusual_usage(D("220"), D("200"), None) is None


def test_percent_rounds_half_up() -> None:
    assert percent_above(D("100.5"), D("100")) == 1  # 0.5 %
    assert percent_above(D("100.4"), D("100")) == 0


@given(st.decimals(min_value=0, max_value=10_000, places=2), st.decimals(min_value="0.01", max_value=10_000, places=2))
def test_never_unusual_at_or_below_last_year(this: D, last: D) -> None:
    if this <= last:
        assert unusual_usage(this, last, 1) is None
