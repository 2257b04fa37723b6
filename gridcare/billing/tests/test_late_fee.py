from datetime import date, timedelta
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from gridcare.billing.rules import accrued_penalty, late_fee

money = st.decimals(min_value=0, max_value=1_000_000, places=2)
days = st.integers(min_value=0, max_value=800)
dues = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


def test_the_issue_example_residential_300_ten_days_late_is_3_yuan() -> None:
    assert late_fee(D("300.00"), date(2024, 3, 15), date(2024, 3, 25), residential=True) == D("3.00")


def test_days_are_paid_date_minus_due_date() -> None:
    # due the 15th, paid the 18th: 3 days at 0.2% for a commercial customer.
    assert late_fee(D("1000.00"), date(2024, 5, 15), date(2024, 5, 18), residential=False) == D("6.00")


def test_other_customers_pay_the_cross_year_rate_from_the_first_of_january() -> None:
    # 11 days in 2024 at 0.2%, 5 days in 2025 at 0.3%.
    assert late_fee(D("1000.00"), date(2024, 12, 20), date(2025, 1, 5), residential=False) == D("37.00")


def test_residential_customers_pay_one_rate_across_the_year_end() -> None:
    assert late_fee(D("1000.00"), date(2024, 12, 20), date(2025, 1, 5), residential=True) == D("16.00")


def test_a_penalty_under_one_yuan_is_charged_as_one_yuan() -> None:
    assert late_fee(D("50.00"), date(2024, 3, 15), date(2024, 3, 16), residential=True) == D("1.00")


def test_without_the_minimum_a_small_penalty_stays_small() -> None:
    assert late_fee(D("50.00"), date(2024, 3, 15), date(2024, 3, 16), residential=True, minimum=D(0)) == D("0.05")


def test_paying_on_or_before_the_due_date_costs_nothing() -> None:
    assert late_fee(D("300.00"), date(2024, 3, 15), date(2024, 3, 15), residential=True) == D("0.00")
    assert late_fee(D("300.00"), date(2024, 3, 15), date(2024, 3, 1), residential=False) == D("0.00")


def test_no_compounding_over_a_long_overdue_period() -> None:
    # 400 days on 100 yuan commercial from 2023-06-30: 184 days in 2023, 216 in 2024.
    fee = late_fee(D("100.00"), date(2023, 6, 30), date(2024, 8, 3), residential=False)
    assert fee == D("100.00") * (D("0.002") * 184 + D("0.003") * 216)


def test_penalty_after_a_settlement_counts_only_the_later_days() -> None:
    assert accrued_penalty(
        D("1000.00"), date(2024, 12, 20), date(2024, 12, 31), date(2025, 1, 5), residential=False
    ) == D("15.00")


@given(amount=money, due=dues, a=days, b=days, residential=st.booleans())
def test_penalty_is_monotone_in_days(amount: D, due: date, a: int, b: int, residential: bool) -> None:
    short, long = sorted((a, b))
    assert late_fee(amount, due, due + timedelta(days=short), residential=residential) <= late_fee(
        amount, due, due + timedelta(days=long), residential=residential
    )


@given(a=money, b=money, due=dues, d=days, residential=st.booleans())
def test_penalty_is_monotone_in_the_amount(a: D, b: D, due: date, d: int, residential: bool) -> None:
    low, high = sorted((a, b))
    paid = due + timedelta(days=d)
    assert late_fee(low, due, paid, residential=residential) <= late_fee(high, due, paid, residential=residential)


@given(amount=money, due=dues, d=st.integers(-100, 800), residential=st.booleans())
def test_penalty_is_never_negative(amount: D, due: date, d: int, residential: bool) -> None:
    assert late_fee(amount, due, due + timedelta(days=d), residential=residential) >= 0
