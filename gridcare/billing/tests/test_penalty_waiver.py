from datetime import date
from decimal import Decimal

import pytest

from gridcare.billing.models import Bill, BillEvent, PenaltyWaiver
from gridcare.billing.rules.bill_penalty import bill_penalty
from gridcare.billing.services.arrears import waiver_decide, waiver_request
from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.exceptions import Conflict, Forbidden
from gridcare.core.testing import City
from gridcare.org.access import scope_for


def test_a_waiver_approved_by_a_second_person_removes_the_penalty(town: City) -> None:
    bill = issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25))
    assert bill_penalty(bill, date(2026, 12, 5)) == Decimal("3.00")
    waiver = waiver_request(scope=scope_for(town.clerk), actor=town.clerk, bill=bill, reason="系统故障未能缴费")
    waiver_decide(scope=scope_for(town.manager), actor=town.manager, waiver=waiver, approve=True)
    bill.refresh_from_db()
    assert bill.penalty_waived
    assert bill_penalty(bill, date(2026, 12, 5)) == Decimal("0")
    assert list(BillEvent.objects.values_list("type", flat=True)) == ["waiver_requested", "waiver_approved"]


def test_the_requester_cannot_approve_their_own_waiver(town: City) -> None:
    bill = issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25))
    waiver = waiver_request(scope=scope_for(town.manager), actor=town.manager, bill=bill, reason="特殊困难")
    with pytest.raises(Forbidden):
        waiver_decide(scope=scope_for(town.manager), actor=town.manager, waiver=waiver, approve=True)
    waiver.refresh_from_db()
    assert (waiver.status, Bill.objects.get().penalty_waived) == ("requested", False)


@pytest.mark.parametrize("persona", ["clerk", "guide", "agent", "supervisor"])
def test_only_managers_and_administrators_approve(town: City, persona: str) -> None:
    bill = issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25))
    waiver = waiver_request(scope=scope_for(town.admin), actor=town.admin, bill=bill, reason="特殊困难")
    user = town.users[persona]
    with pytest.raises(Forbidden):
        waiver_decide(scope=scope_for(user), actor=user, waiver=waiver, approve=True)
    assert PenaltyWaiver.objects.get().status == "requested"


def test_a_second_open_request_and_a_second_decision_are_refused(town: City) -> None:
    bill = issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25))
    waiver = waiver_request(scope=scope_for(town.clerk), actor=town.clerk, bill=bill, reason="a")
    with pytest.raises(Conflict):
        waiver_request(scope=scope_for(town.clerk), actor=town.clerk, bill=bill, reason="b")
    waiver_decide(scope=scope_for(town.manager), actor=town.manager, waiver=waiver, approve=False)
    with pytest.raises(Conflict):
        waiver_decide(scope=scope_for(town.admin), actor=town.admin, waiver=waiver, approve=True)
    assert (PenaltyWaiver.objects.count(), Bill.objects.get().penalty_waived) == (1, False)
