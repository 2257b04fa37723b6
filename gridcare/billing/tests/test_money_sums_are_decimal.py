"""Money totals are Decimal yuan with two places on SQLite too (no float noise on the pages)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import F

from gridcare.billing.models import Bill
from gridcare.billing.selectors import arrears_ledger
from gridcare.billing.services.bill_single import bill_issue_one
from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.money import MoneySum, money_total
from gridcare.core.testing import City, signed_in
from gridcare.org.access import scope_for

DUE = date(2026, 2, 25)


def _bills(town: City) -> None:
    # As doubles, 0.10 + 0.20 + 220130284.32 is not 220130284.62.
    for period, amount in (("2026-01", "0.10"), ("2026-02", "0.20"), ("2026-03", "220130284.32")):
        issued_bill(town.account, period, amount, DUE)


def test_the_arrears_ledger_totals_are_exact_decimal_yuan(town: City) -> None:
    _bills(town)
    Bill.objects.filter(period="2026-03").update(paid=Decimal("0.07"), status="partly_paid")
    for by in ("unit", "hall", "account"):
        [row] = arrears_ledger(scope=scope_for(town.supervisor), on=date(2026, 12, 1), by=by)
        assert row["owed"] == Decimal("220130284.55")
        assert row["owed"].as_tuple().exponent == -2
    page = signed_in(town.supervisor).get("/billing/arrears/?by=unit").content.decode()
    assert "220130284.55" in page
    assert "220130284.550000" not in page


def test_every_money_total_is_two_place_decimal_even_when_empty(town: City) -> None:
    _bills(town)
    total = money_total(Bill.objects.all(), "amount")
    owed = Bill.objects.aggregate(owed=MoneySum(F("amount") - F("paid")))["owed"]
    empty = money_total(Bill.objects.none(), "amount")
    assert (total, owed, empty) == (Decimal("220130284.62"), Decimal("220130284.62"), Decimal("0.00"))
    assert {v.as_tuple().exponent for v in (total, owed, empty)} == {-2}


def test_the_years_earlier_kwh_of_a_single_bill_are_an_exact_sum(town: City) -> None:
    from gridcare.billing.models import BillRun
    from gridcare.billing.tests.helpers import billable, reading, tariffs

    billable(town.account)
    for period, kwh in (("2026-01", "0.10"), ("2026-02", "0.20")):
        issued_bill(town.account, period, "1.00", DUE)
        Bill.objects.filter(period=period).update(kwh=Decimal(kwh))
    reading(town.account, "2026-03", "10")
    run = BillRun.objects.create(period="2026-03", scope_key="single", status="finished")
    bill = bill_issue_one(account=town.account, period="2026-03", run=run, tariffs=tariffs())
    assert bill is not None
    bill.refresh_from_db()
    assert bill.prior_kwh == Decimal("0.30")
