"""A payment moves a bill's money and its status together: one UPDATE of the bill row (issue 12,
"every flow reads top-down": the transition service saves the caller's fields with the status)."""

from datetime import UTC, date, datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridcare.billing.models import Bill, BillEvent
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.testing import City
from gridcare.org.access import scope_for


def test_paying_two_bills_updates_each_bill_row_once_with_its_money_and_status(town: City) -> None:
    first = issued_bill(town.account, "2026-09", "60.00", date(2026, 10, 25))
    second = issued_bill(town.account, "2026-10", "100.00", date(2026, 11, 25))
    data = PaymentIn(
        channel="wechat",
        channel_txn_id="WX-ONE-UPDATE",
        account_no=town.account.account_no,
        amount=Decimal("100.00"),
        paid_at=datetime(2026, 10, 20, 2, 0, tzinfo=UTC),
    )
    with CaptureQueriesContext(connection) as queries:
        payment_post(scope=scope_for(town.clerk), actor=town.clerk, data=data)
    bill_updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "billing_bill"')]
    assert len(bill_updates) == 2
    assert all('"status"' in sql and '"paid"' in sql for sql in bill_updates)
    assert list(Bill.objects.order_by("period").values_list("period", "paid", "status")) == [
        ("2026-09", Decimal("60.00"), "paid"),
        ("2026-10", Decimal("40.00"), "partly_paid"),
    ]
    events = BillEvent.objects.filter(type="payment").order_by("bill__period")
    assert [(e.bill_id, e.parameters["principal"], e.parameters["status"]) for e in events] == [
        (first.pk, "60.00", "paid"),
        (second.pk, "40.00", "partly_paid"),
    ]
