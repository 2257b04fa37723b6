from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridcare.billing.rules import Allocation, Debt, allocate

DEBTS = [
    Debt(key=2, period="2026-09", penalty=D("1.00"), principal=D("80.00")),
    Debt(key=1, period="2026-08", penalty=D("3.00"), principal=D("100.00")),
]


def test_penalties_come_first_then_the_oldest_bill() -> None:
    allocations, surplus = allocate(D("50.00"), DEBTS)
    assert allocations == [
        Allocation(key=1, penalty=D("3.00"), principal=D("46.00")),
        Allocation(key=2, penalty=D("1.00"), principal=D("0.00")),
    ]
    assert surplus == D("0.00")


def test_what_is_left_after_everything_is_the_surplus() -> None:
    allocations, surplus = allocate(D("200.00"), DEBTS)
    assert [a.principal for a in allocations] == [D("100.00"), D("80.00")]
    assert surplus == D("16.00")


def test_a_payment_of_nothing_is_refused() -> None:
    with pytest.raises(ValueError):
        allocate(D("0"), DEBTS)


@given(amount=st.decimals(min_value=D("0.01"), max_value=1000, places=2))
def test_allocations_and_surplus_add_up_to_the_payment(amount: D) -> None:
    allocations, surplus = allocate(amount, DEBTS)
    assert surplus >= 0
    assert sum((a.penalty + a.principal for a in allocations), D(0)) + surplus == amount
