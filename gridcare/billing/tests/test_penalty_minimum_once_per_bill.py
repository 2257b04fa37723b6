"""The one-yuan penalty minimum (供电营业规则 art. 98) tops up a bill's whole penalty once; it is
not charged again on each partial payment."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridcare.billing.models import Bill, PaymentAllocation
from gridcare.billing.rules import accrued_penalty, bill_penalty_total
from gridcare.billing.rules.bill_penalty import bill_penalty
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.money import ZERO, yuan
from gridcare.core.testing import City
from gridcare.core.timezone import SHANGHAI
from gridcare.customers.models import Account, CustomerClass
from gridcare.org.access import scope_for

DUE = date(2026, 11, 25)


def _pay(town: City, amount: str | Decimal, txn: str, on: date) -> None:
    when = datetime.combine(on, time(10, 0), tzinfo=SHANGHAI)
    data = PaymentIn("counter_cash", txn, town.account.account_no, Decimal(amount), when)
    payment_post(scope=scope_for(town.clerk), actor=town.clerk, data=data)


def _penalties(bill: Bill) -> list[Decimal]:
    return list(PaymentAllocation.objects.filter(bill=bill).order_by("id").values_list("penalty", flat=True))


def test_a_fifty_yuan_bill_paid_late_in_two_parts_is_charged_one_yuan_in_all(town: City) -> None:
    bill = issued_bill(town.account, "2026-10", "50.00", DUE)
    # 1 day late on 50.00 residential: 0.05 real, topped up to 1.00; 19.00 to the bill.
    _pay(town, "20.00", "P1", DUE + timedelta(days=1))
    bill.refresh_from_db()
    assert (bill.paid, bill.penalty_paid, bill.penalty_accrued) == (Decimal("19.00"), Decimal("1.00"), Decimal("0.05"))
    # 2 more days on 31.00: 0.06 real, 0.11 in all: still under the minimum already charged.
    assert bill_penalty(bill, DUE + timedelta(days=3)) == Decimal("0.00")
    _pay(town, "31.00", "P2", DUE + timedelta(days=3))
    bill.refresh_from_db()
    assert _penalties(bill) == [Decimal("1.00"), Decimal("0.00")]
    assert (bill.paid, bill.penalty_paid, bill.penalty_carried, bill.status) == (
        Decimal("50.00"),
        Decimal("1.00"),
        Decimal("0.00"),
        "paid",
    )


def test_a_later_payment_is_charged_what_the_real_penalty_exceeds_the_minimum_already_charged(town: City) -> None:
    Account.objects.filter(pk=town.account.pk).update(customer_class=CustomerClass.COMMERCIAL)
    town.account.refresh_from_db()
    bill = issued_bill(town.account, "2026-10", "300.00", DUE)
    # 1 day at 0.2% on 300.00 = 0.60 real, charged 1.00; 99.00 to the bill, 201.00 left.
    _pay(town, "100.00", "Q1", DUE + timedelta(days=1))
    # 10 more days on 201.00 = 4.02 real: 4.62 in all, 1.00 of it already charged: 3.62 now.
    bill.refresh_from_db()
    assert bill_penalty(bill, DUE + timedelta(days=11)) == Decimal("3.62")
    _pay(town, "204.62", "Q2", DUE + timedelta(days=11))
    bill.refresh_from_db()
    assert _penalties(bill) == [Decimal("1.00"), Decimal("3.62")]
    assert (bill.paid, bill.penalty_paid, bill.status) == (Decimal("300.00"), Decimal("4.62"), "paid")


def test_a_single_late_payment_still_pays_the_minimum(town: City) -> None:
    bill = issued_bill(town.account, "2026-10", "50.00", DUE)
    _pay(town, "51.00", "S1", DUE + timedelta(days=1))
    bill.refresh_from_db()
    assert (_penalties(bill), bill.status) == ([Decimal("1.00")], "paid")


splits = st.lists(
    st.tuples(st.integers(min_value=1, max_value=9000), st.integers(min_value=0, max_value=40)), min_size=1, max_size=4
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amount_fen=st.integers(min_value=100, max_value=20000), parts=splits, residential=st.booleans())
def test_penalties_over_any_split_never_exceed_the_minimum_or_the_real_penalty(
    town: City, amount_fen: int, parts: list[tuple[int, int]], residential: bool
) -> None:
    with transaction.atomic():
        cls = CustomerClass.RESIDENTIAL if residential else CustomerClass.COMMERCIAL
        Account.objects.filter(pk=town.account.pk).update(customer_class=cls)
        town.account.refresh_from_db()
        amount = Decimal(amount_fen) / 100
        bill = issued_bill(town.account, "2026-10", str(amount), DUE)
        on, real = DUE, ZERO
        for i, (fen, gap) in enumerate(parts):
            bill.refresh_from_db()
            if bill.status == "paid":
                break
            on += timedelta(days=gap)
            # The real penalty, worked out independently: each unpaid stretch at its own rate.
            real += accrued_penalty(
                bill.amount - bill.paid, DUE, bill.penalty_settled_to, on, residential=residential, minimum=ZERO
            )
            _pay(town, yuan(Decimal(fen) / 100), f"H{i}", on)
        bill.refresh_from_db()
        charged = sum(_penalties(bill), ZERO) + bill.penalty_carried
        assert charged <= max(Decimal("1.00"), real)
        assert charged == bill_penalty_total(real)
        transaction.set_rollback(True)
