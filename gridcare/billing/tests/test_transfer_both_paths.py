"""A transfer (过户) mid-month: the old holder's final bill took part of the month's kWh, and the
new holder's regular bill takes it off the month's reading on both billing paths alike (the one
rule ``rules.moves.less_final_billed``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pytest

from gridcare.billing.models import Bill, Reading
from gridcare.billing.rules.moves import less_final_billed
from gridcare.billing.services.bill_run import bill_run_open, bill_run_start
from gridcare.billing.services.bill_single import bill_issue_one
from gridcare.billing.services.moves import account_move_in
from gridcare.billing.tests.helpers import billing_clerk, tariffs
from gridcare.billing.tests.move_helpers import BANK, fixed_today, monthly_tariff, move_data, read_and_billed  # noqa: F401
from gridcare.billing.tests.test_moves_settlement import _prepaid
from gridcare.core.testing import City
from gridcare.org.access import scope_for

D = Decimal
pytestmark = pytest.mark.usefixtures("fixed_today")
NEW = {"new_name": "李四", "new_id_number": "33010219800101123X", "new_phone": "13900000002"}


def test_the_rule_takes_the_final_bills_kwh_off_and_leaves_other_accounts_alone() -> None:
    kwh = np.array([30000, 10000, -4000], dtype=np.int64)
    before = np.array([15000, 15000, 0], dtype=np.int64)
    assert less_final_billed(kwh, before).tolist() == [15000, 0, -4000]


def test_bill_single_bills_a_transferred_account_as_the_bill_run_does(town: City) -> None:
    monthly_tariff()
    account = town.account
    account.tariff_code = "RES-M"
    account.save(update_fields=["tariff_code"])
    read_and_billed(account, "2026-10", date(2026, 10, 31), "1000.00")
    _prepaid(account, "100.00")
    clerk = billing_clerk(town)
    data = move_data(date(2026, 11, 17), "1150.00", refund=BANK, **NEW)
    move, _created = account_move_in(scope=scope_for(clerk), actor=clerk, account=account, data=data)
    assert Bill.objects.get(pk=move.bill_id).kwh == D(150)  # the old holder's final bill
    Reading.objects.create(
        account=account, period="2026-11", read_on=date(2026, 11, 30), register=D(1300), kwh=D(300), kwh_flat=D(300)
    )
    # 300 kWh read, 150 billed to the old holder: 150 × 0.4883 = 73.245 → 73.25 on either path.
    run = bill_run_open(period="2026-11", unit=None, actor=None)
    single = bill_issue_one(account=account, period="2026-11", run=run, tariffs=tariffs())
    assert single is not None
    by_single = (single.segment, single.kwh, single.kwh_flat, single.energy_charge, single.amount)
    assert by_single == (0, D("150.00"), D("150.00"), D("73.25"), D("73.25"))
    single.delete()
    bill_run_start(period="2026-11", read_ahead=False)
    batch = Bill.objects.get(account=account, period="2026-11", segment=0)
    assert (batch.segment, batch.kwh, batch.kwh_flat, batch.energy_charge, batch.amount) == by_single
