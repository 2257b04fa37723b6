"""The reads behind the customer's bill detail and usage (SELF-2): what was paid against a bill,
the billed kWh per month, and the metered kWh per Shanghai day from the interval readings."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from gridcare.billing import selectors
from gridcare.billing.models import IntervalReading, PrepaidEntry, ReadingImport
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.testing import City
from gridcare.core.timezone import SHANGHAI
from gridcare.org.access import scope_for


def test_a_bills_settlements_are_its_payments_shares_and_the_prepaid_deduction(town: City) -> None:
    bill = issued_bill(town.account, "2026-10", "88.00", date(2030, 1, 25))
    PrepaidEntry.objects.create(
        account=town.account,
        kind=PrepaidEntry.Kind.DEDUCTION,
        amount=Decimal("-8.00"),
        bill=bill,
        created_at=timezone.now() - timedelta(days=2),
    )
    bill.paid = Decimal("8.00")
    bill.save(update_fields=["paid"])
    data = PaymentIn(
        channel="counter_cash",
        channel_txn_id="T1",
        account_no=town.account.account_no,
        amount=Decimal("30.00"),
        paid_at=timezone.now(),
    )
    payment_post(scope=scope_for(town.clerk), actor=town.clerk, data=data)
    rows = selectors.bill_settlements(bill)
    assert [(r.channel, r.penalty, r.principal, r.amount) for r in rows] == [
        ("预存抵扣", Decimal("0.00"), Decimal("8.00"), Decimal("8.00")),
        ("营业厅现金", Decimal("0.00"), Decimal("30.00"), Decimal("30.00")),
    ]
    bill.refresh_from_db()
    assert sum(r.amount for r in rows) == bill.paid_total == Decimal("38.00")


def test_monthly_usage_and_the_years_billed_kwh(town: City) -> None:
    for period in ("2025-12", "2026-01", "2026-02"):
        issued_bill(town.account, period, "50.00", date(2030, 1, 25))
    assert [m.period for m in selectors.monthly_usage(account=town.account, since="2026-01")] == ["2026-01", "2026-02"]
    assert selectors.year_billed_kwh(account=town.account, period="2026-03") == Decimal("200.00")
    assert selectors.year_billed_kwh(account=town.account, period="2026-01") == Decimal("0.00")


def test_interval_readings_sum_to_each_shanghai_day(town: City) -> None:
    assert not selectors.has_interval_data(account=town.account)
    batch = ReadingImport.objects.create(file_name="curve.csv", kind="interval")
    start = datetime(2026, 11, 1, tzinfo=SHANGHAI)
    for i in range(96 * 2):  # two whole days of 15 minutes, 0.25 kWh each
        IntervalReading.objects.create(
            account=town.account, starts_at=start + timedelta(minutes=15 * i), kwh=Decimal("0.25"), batch=batch
        )
    # 23:45 on the 2nd in Shanghai is 15:45 UTC: still the 2nd.
    assert selectors.has_interval_data(account=town.account)
    found = selectors.daily_usage(account=town.account, start=date(2026, 10, 31), end=date(2026, 11, 3))
    assert found == {date(2026, 11, 1): Decimal("24.00"), date(2026, 11, 2): Decimal("24.00")}
    assert selectors.daily_usage(account=town.account, start=date(2026, 11, 2), end=date(2026, 11, 2)) == {
        date(2026, 11, 2): Decimal("24.00")
    }
