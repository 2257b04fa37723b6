from datetime import date

import pytest

from gridcare.billing.models import Bill, BillEvent, BillStatus
from gridcare.billing.services.bill_status import bill_transition
from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.exceptions import Conflict
from gridcare.core.testing import City


def test_a_transition_moves_the_status_and_writes_the_event(town: City) -> None:
    bill = issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25))
    bill_transition(bill=bill, to=BillStatus.PAID, actor=town.clerk, event="payment", payment=7)
    assert Bill.objects.get().status == BillStatus.PAID
    event = BillEvent.objects.get()
    assert (event.type, event.actor, event.parameters) == ("payment", town.clerk, {"status": "paid", "payment": 7})


def test_an_illegal_move_is_refused_before_anything_is_written(town: City) -> None:
    bill = issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25))
    Bill.objects.filter(pk=bill.pk).update(status=BillStatus.PAID)
    bill.refresh_from_db()
    with pytest.raises(Conflict, match="账单状态不能从“已结清”变为“部分缴费”。"):
        bill_transition(bill=bill, to=BillStatus.PARTLY_PAID, actor=town.clerk, event="payment")
    assert (Bill.objects.get().status, BillEvent.objects.count()) == (BillStatus.PAID, 0)
