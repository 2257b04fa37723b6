"""A closure's final bill covers the part month since the last reading, its residential tier
thresholds prorated by the days: 17 days of a 30-day month take tier 1 to 136.00 kWh."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gridcare.billing.models import AccountMove, Bill
from gridcare.billing.rules.moves import part_month_days, prorated_thresholds, settle
from gridcare.billing.services.moves import account_close
from gridcare.billing.tests.helpers import billable, billing_clerk, issued_bill
from gridcare.billing.tests.move_helpers import fixed_today, monthly_tariff, move_data, read_and_billed  # noqa: F401
from gridcare.core.testing import City
from gridcare.org.access import scope_for

D = Decimal
pytestmark = pytest.mark.usefixtures("fixed_today")


def test_tier_thresholds_are_prorated_by_the_days_of_the_part_month() -> None:
    assert part_month_days(date(2026, 10, 31), date(2026, 11, 17)) == 17
    assert part_month_days(None, date(2026, 11, 17)) == 17
    assert part_month_days(date(2026, 11, 3), date(2026, 11, 17)) == 14
    assert part_month_days(date(2026, 10, 28), date(2026, 11, 17)) == 20  # read on the 28th
    assert part_month_days(date(2026, 9, 28), date(2026, 11, 17)) == 30  # at most a month
    assert prorated_thresholds((D(240), D(400)), yearly=False, final_on=date(2026, 11, 17), days=17) == (
        D("136.00"),
        D("226.67"),
    )
    # Yearly tiers: the days of the year held (1 Jan to 17 Nov 2026: 321 of 365).
    assert prorated_thresholds((D(2760), D(4800)), yearly=True, final_on=date(2026, 11, 17), days=17) == (
        D("2427.29"),
        D("4221.37"),
    )
    s = settle(owed=D("120.50"), prepaid=D("30.00"), deposit=D("200.00"))
    assert (s.from_deposit, s.from_prepaid, s.credit, s.left_owed) == (D("120.50"), D(0), D("109.50"), D(0))


def test_the_final_bill_of_17_days_crosses_the_prorated_tier_1_boundary(town: City) -> None:
    monthly_tariff()
    account = town.account
    account.tariff_code = "RES-M"
    account.save(update_fields=["tariff_code"])
    read_and_billed(account, "2026-10", date(2026, 10, 31), "1000.00")
    clerk = billing_clerk(town)
    # 150 kWh in 17 days: tier 1 up to 136.00 kWh (240 × 17/30), 14 kWh in tier 2:
    # 136 × 0.4883 + 14 × 0.5383 = 66.4088 + 7.5362 = 73.945 → 73.95.
    move, created = account_close(
        scope=scope_for(clerk), actor=clerk, account=account, data=move_data(date(2026, 11, 17), "1150.00")
    )
    assert created
    bill = Bill.objects.get(pk=move.bill_id)
    assert (bill.period, bill.segment, bill.kwh, bill.amount) == ("2026-11", 0, D("150.00"), D("73.95"))
    assert (move.days, move.days_in_month, move.kwh) == (17, 30, D("150.00"))
    assert bill.events.get(type="final_bill").parameters["thresholds"] == ["136.00", "226.67"]
    assert AccountMove.objects.count() == 1


def test_yearly_tiers_are_prorated_by_the_days_of_the_year_held(town: City) -> None:
    account = billable(town.account)  # Zhejiang yearly tiers 2760 / 4800 kWh at 0.538 / 0.588
    read_and_billed(account, "2026-10", date(2026, 10, 31), "1000.00")  # 100 kWh billed
    Bill.objects.filter(pk=issued_bill(account, "2026-05", "1000.00", date(2026, 6, 25)).pk).update(kwh=D(2200))
    clerk = billing_clerk(town)
    move, _created = account_close(
        scope=scope_for(clerk), actor=clerk, account=account, data=move_data(date(2026, 11, 17), "1200.00")
    )
    # Tier 1 up to 2427.29 kWh (2760 × 321/365); 2300 billed before: 127.29 kWh at 0.538 and
    # 72.71 at 0.588 = 68.48202 + 42.75348 = 111.2355 → 111.24.
    bill = Bill.objects.get(pk=move.bill_id)
    assert (bill.kwh, bill.prior_kwh, bill.amount) == (D("200.00"), D("2300.00"), D("111.24"))
