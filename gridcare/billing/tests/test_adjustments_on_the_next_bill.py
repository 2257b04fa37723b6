"""Credit and debit notes: below the limit approved as asked, above it by a second person (the
asker refused, nothing changed); the next bill run carries them as a line, once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gridcare.billing.models import Adjustment, Bill
from gridcare.billing.services.adjustments import AdjustmentIn, adjustment_decide, adjustment_request
from gridcare.billing.services.bill_run import bill_run_start
from gridcare.billing.tests.helpers import billable, billing_clerk, reading, tariffs
from gridcare.core.exceptions import Forbidden
from gridcare.core.testing import City
from gridcare.org.access import scope_for

D = Decimal


def test_notes_are_approved_above_the_limit_and_carried_by_the_next_bill(town: City) -> None:
    tariffs()
    billable(town.account)
    reading(town.account, "2026-10", "200")  # 107.60
    clerk = billing_clerk(town)
    scope = scope_for(clerk)
    small, _ = adjustment_request(
        scope=scope,
        actor=clerk,
        account=town.account,
        data=AdjustmentIn(kind="credit", reason="reading", amount=D("20.50"), note="上月多抄", request_key="A1"),
    )
    big, _ = adjustment_request(
        scope=scope,
        actor=clerk,
        account=town.account,
        data=AdjustmentIn(kind="debit", reason="topup", amount=D("600.00"), note="补收", request_key="A2"),
    )
    again, created = adjustment_request(
        scope=scope,
        actor=clerk,
        account=town.account,
        data=AdjustmentIn(kind="credit", reason="reading", amount=D("20.50"), note="上月多抄", request_key="A1"),
    )
    assert (again.pk, created, small.status, big.status) == (small.pk, False, "approved", "pending")
    with pytest.raises(Forbidden):
        adjustment_decide(scope=scope, actor=clerk, adjustment=big, approve=True)
    big.refresh_from_db()
    assert (big.status, big.decided_by_id) == ("pending", None)
    bill_run_start(period="2026-10")
    bill = Bill.objects.get(account=town.account, period="2026-10")
    # Only the approved credit: 107.60 − 20.50 = 87.10; the debit waits for its approval.
    assert (bill.energy_charge, bill.adjustment, bill.amount) == (D("107.60"), D("-20.50"), D("87.10"))
    assert list(Adjustment.objects.order_by("id").values_list("status", "bill_id")) == [
        ("applied", bill.pk),
        ("pending", None),
    ]
    adjustment_decide(scope=scope_for(town.supervisor), actor=town.supervisor, adjustment=big, approve=True)
    big.refresh_from_db()
    assert big.status == "approved"
