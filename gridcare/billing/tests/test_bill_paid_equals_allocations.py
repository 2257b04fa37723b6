"""What a bill shows as paid equals what was settled against it: its payment allocations
(electricity and penalty) plus any prepaid deduction at billing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from gridcare.billing.models import Bill, PaymentAllocation, PrepaidBalance, PrepaidEntry
from gridcare.billing.services.bill_run import bill_run_start
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.tests.helpers import billable, issued_bill, reading, tariffs
from gridcare.core.money import ZERO
from gridcare.core.testing import City, signed_in
from gridcare.org.access import scope_for


def _settled(bill: Bill) -> Decimal:
    allocated = sum((a.principal + a.penalty for a in PaymentAllocation.objects.filter(bill=bill)), ZERO)
    deducted = -sum((e.amount for e in PrepaidEntry.objects.filter(bill=bill, kind="deduction")), ZERO)
    return allocated + deducted


def _two_overdue_and_300_paid(town: City) -> tuple[Bill, Bill]:
    old = issued_bill(town.account, "2026-08", "400.00", date(2026, 9, 25))
    new = issued_bill(town.account, "2026-09", "200.00", date(2026, 10, 25))
    # 2026-10-30: penalties first (old 35 days 14.00, new 5 days 1.00), then the old bill: 285.00.
    data = PaymentIn(
        "counter_cash", "P300", town.account.account_no, Decimal("300.00"), datetime(2026, 10, 30, 2, tzinfo=UTC)
    )
    payment_post(scope=scope_for(town.clerk), actor=town.clerk, data=data)
    old.refresh_from_db()
    new.refresh_from_db()
    return old, new


def test_a_bill_that_received_only_its_penalty_shows_it_as_paid(town: City) -> None:
    old, new = _two_overdue_and_300_paid(town)
    assert (old.paid_total, old.penalty_paid, old.status) == (Decimal("299.00"), Decimal("14.00"), "partly_paid")
    assert (new.paid_total, new.penalty_paid, new.status) == (Decimal("1.00"), Decimal("1.00"), "partly_paid")
    assert [_settled(old), _settled(new)] == [old.paid_total, new.paid_total]
    html = signed_in(town.clerk).get(f"/billing/accounts/{town.account.account_no}/").content.decode()
    assert "<td>2026-09</td><td>100.00</td><td>200.00</td><td>1.00 <small" in html
    assert "<td>200.00</td><td>0.00</td>" not in html


def test_a_bill_paid_from_prepaid_balance_shows_the_deduction_as_paid(town: City) -> None:
    tariffs()
    account = billable(town.account)
    reading(account, "2026-01", "100")  # 53.80
    PrepaidBalance.objects.create(account=account, balance=Decimal("20.00"))
    bill_run_start(period="2026-01")
    bill = Bill.objects.get(account=account)
    assert (bill.paid_total, bill.status, _settled(bill)) == (Decimal("20.00"), "partly_paid", Decimal("20.00"))
    data = PaymentIn("counter_cash", "P33", account.account_no, Decimal("33.80"), datetime(2026, 1, 30, 2, tzinfo=UTC))
    payment_post(scope=scope_for(town.clerk), actor=town.clerk, data=data)
    bill.refresh_from_db()
    assert (bill.paid_total, bill.status, _settled(bill)) == (Decimal("53.80"), "paid", Decimal("53.80"))
