from datetime import UTC, date, datetime
from decimal import Decimal

from gridcare.billing.models import Bill, PaymentAllocation
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.testing import City
from gridcare.customers.models import CustomerClass
from gridcare.org.access import scope_for


def _pay(town: City, amount: str, txn: str, when: datetime) -> None:
    data = PaymentIn("counter_cash", txn, town.account.account_no, Decimal(amount), when)
    payment_post(scope=scope_for(town.clerk), actor=town.clerk, data=data)


def test_penalties_are_settled_first_then_the_oldest_bill(town: City) -> None:
    old = issued_bill(town.account, "2026-08", "300.00", date(2026, 9, 25))
    new = issued_bill(town.account, "2026-09", "200.00", date(2026, 10, 25))
    # Paid 2026-10-30 (Shanghai): old is 35 days late (10.50), new 5 days (1.00).
    _pay(town, "100.00", "C1", datetime(2026, 10, 30, 1, 0, tzinfo=UTC))
    old.refresh_from_db()
    new.refresh_from_db()
    rows = list(PaymentAllocation.objects.order_by("bill__period").values_list("bill__period", "penalty", "principal"))
    assert rows == [("2026-08", Decimal("10.50"), Decimal("88.50")), ("2026-09", Decimal("1.00"), Decimal("0.00"))]
    assert (old.paid, old.status, old.penalty_settled_to) == (Decimal("88.50"), "partly_paid", date(2026, 10, 30))
    assert (new.paid, new.status, new.penalty_paid) == (Decimal("0.00"), "partly_paid", Decimal("1.00"))


def test_a_later_payment_charges_penalty_only_for_the_days_since_the_last_one(town: City) -> None:
    town.account.customer_class = CustomerClass.COMMERCIAL
    town.account.save(update_fields=["customer_class"])
    bill = issued_bill(town.account, "2026-11", "1000.00", date(2026, 12, 20))
    # 2026-12-31: 11 days at 0.2% = 22.00; 478.00 on the bill.
    _pay(town, "500.00", "C2", datetime(2026, 12, 31, 4, 0, tzinfo=UTC))
    # 2027-01-05: 5 days on 522.00 at the cross-year 0.3% = 7.83; 522.00 settles the rest.
    _pay(town, "529.83", "C3", datetime(2027, 1, 5, 4, 0, tzinfo=UTC))
    bill.refresh_from_db()
    assert (bill.paid, bill.penalty_paid, bill.status) == (Decimal("1000.00"), Decimal("29.83"), "paid")
    assert Bill.objects.get().penalty_carried == Decimal("0.00")
