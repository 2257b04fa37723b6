"""The tax split of an amount with VAT included, to the fen: net rounded half-up, tax the rest,
so net + tax is always the amount; a red invoice's split is the exact negation; the amount in
capitals as the invoice prints it."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from gridcare.invoicing.rules import TaxSplit, rmb_capitals, tax_split

D = Decimal
RATE = D("0.13")


def test_113_yuan_is_100_and_13_of_tax() -> None:
    assert tax_split(D("113.00"), RATE) == TaxSplit(net=D("100.00"), tax=D("13.00"), gross=D("113.00"))


def test_the_smallest_amounts_split_to_the_fen() -> None:
    # 0.01 / 1.13 = 0.00885 → 0.01 net, no tax; 0.05 / 1.13 = 0.04425 → 0.04 + 0.01; 0.17 → 0.15 + 0.02.
    assert tax_split(D("0.01"), RATE) == TaxSplit(D("0.01"), D("0.00"), D("0.01"))
    assert tax_split(D("0.05"), RATE) == TaxSplit(D("0.04"), D("0.01"), D("0.05"))
    assert tax_split(D("0.17"), RATE) == TaxSplit(D("0.15"), D("0.02"), D("0.17"))
    assert tax_split(D("700.00"), RATE) == TaxSplit(D("619.47"), D("80.53"), D("700.00"))


def test_a_red_split_is_the_exact_negation() -> None:
    assert tax_split(D("-113.00"), RATE) == TaxSplit(D("-100.00"), D("-13.00"), D("-113.00"))
    assert tax_split(D("-0.05"), RATE) == TaxSplit(D("-0.04"), D("-0.01"), D("-0.05"))


@given(st.integers(min_value=1, max_value=10**11))
def test_net_and_tax_always_add_up_and_cancel(fen: int) -> None:
    gross = D(fen) / 100
    split = tax_split(gross, RATE)
    assert split.net + split.tax == gross
    assert split.net.as_tuple().exponent == -2
    assert tax_split(-gross, RATE) == split.negated()


def test_capitals() -> None:
    assert rmb_capitals(D("113.00")) == "壹佰壹拾叁元整"
    assert rmb_capitals(D("0.01")) == "壹分"
    assert rmb_capitals(D("20.05")) == "贰拾元零伍分"
    assert rmb_capitals(D("10010000.00")) == "壹仟零壹万元整"
    assert rmb_capitals(D("-619.47")) == "负陆佰壹拾玖元肆角柒分"
