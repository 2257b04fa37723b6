"""Cancel and re-bill: a wrong bill with a late payment on it is cancelled and billed again by
the rules; the payment moves to the new bill, its penalty is worked out again from the new
bill's dates, a surplus goes to the prepaid balance; a second person approves (the asker is
refused, nothing changes); a double submit is one request; cancelled bills owe nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from gridcare.billing import selectors
from gridcare.billing.models import Bill, BillCorrection, BillStatus, PaymentAllocation, PrepaidBalance
from gridcare.billing.services import rebill
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.services.rebill import CorrectionIn, correction_decide, correction_request
from gridcare.billing.tests.helpers import billable, billing_clerk, issued_bill, reading
from gridcare.core.exceptions import Forbidden
from gridcare.core.testing import City
from gridcare.notices.models import Notice
from gridcare.org.access import scope_for

D = Decimal
TODAY = date(2026, 12, 7)


@pytest.fixture
def wrong(town: City, monkeypatch: pytest.MonkeyPatch) -> Bill:
    """A 2026-10 bill of 300.00 (its reading is 200 kWh: 107.60 by the tariff), due 2026-11-25,
    and a 100.00 payment on 2026-12-05, ten days late: 3.00 penalty, 97.00 electricity."""
    monkeypatch.setattr(rebill, "business_date", lambda: TODAY)
    billable(town.account)
    reading(town.account, "2026-10", "200")
    bill = issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25))
    data = PaymentIn("wechat", "W1", town.account.account_no, D("100.00"), datetime(2026, 12, 5, 2, tzinfo=UTC))
    payment, _ = payment_post(scope=scope_for(town.clerk), actor=town.clerk, data=data)
    assert (payment.to_penalty, payment.to_bills) == (D("3.00"), D("97.00"))
    return bill


def _ask(town: City, bill: Bill, key: str = "K1", kwh: str | None = None) -> BillCorrection:
    clerk = billing_clerk(town)
    data = CorrectionIn(reason="reading", note="抄错表", request_key=key, kwh=D(kwh) if kwh else None)
    correction, _ = correction_request(scope=scope_for(clerk), actor=clerk, bill=bill, data=data)
    return correction


def _snapshot() -> tuple[object, ...]:
    return (
        tuple(Bill.objects.order_by("id").values_list("status", "amount", "paid", "penalty_paid")),
        tuple(PaymentAllocation.objects.order_by("id").values_list("bill_id", "penalty", "principal")),
        tuple(BillCorrection.objects.values_list("status", flat=True)),
        Notice.objects.count(),
    )


def test_a_corrected_bill_takes_the_payment_with_the_penalty_worked_out_again(town: City, wrong: Bill) -> None:
    correction = _ask(town, wrong)
    assert (correction.old_amount, correction.preview_amount) == (D("300.00"), D("107.60"))
    done = correction_decide(
        scope=scope_for(town.supervisor), actor=town.supervisor, correction=correction, approve=True
    )
    assert done.status == "done"
    wrong.refresh_from_db()
    new = Bill.objects.get(pk=done.new_bill_id)
    assert (wrong.status, wrong.replaced_by_id, wrong.paid, wrong.penalty_paid) == ("cancelled", new.pk, D(0), D(0))
    # Due 15 days after the re-bill (2026-12-22): the payment of 12-05 was on time, all electricity.
    assert (new.amount, new.energy_charge, new.due_date) == (D("107.60"), D("107.60"), date(2026, 12, 22))
    assert (new.paid, new.penalty_paid, new.status) == (D("100.00"), D("0.00"), BillStatus.PARTLY_PAID)
    rows = list(PaymentAllocation.objects.values_list("bill_id", "penalty", "principal"))
    assert rows == [(new.pk, D("0.00"), D("100.00"))]
    due = selectors.account_due(account=town.account, on=TODAY)
    assert (due.principal, due.penalty, due.prepaid) == (D("7.60"), D("0.00"), D("0.00"))
    message = Notice.objects.get(template_code="bill_corrected")
    assert "原300.00元，更正后107.60元" in message.body and "尚需缴纳7.60元" in message.body


def test_a_bill_corrected_below_what_was_paid_sends_the_rest_to_the_prepaid_balance(town: City, wrong: Bill) -> None:
    correction = _ask(town, wrong, kwh="100")  # 100 kWh × 0.538 = 53.80
    correction_decide(scope=scope_for(town.supervisor), actor=town.supervisor, correction=correction, approve=True)
    new = Bill.objects.get(pk=BillCorrection.objects.get().new_bill_id)
    assert (new.amount, new.paid, new.status) == (D("53.80"), D("53.80"), BillStatus.PAID)
    assert PrepaidBalance.objects.get(account=town.account).balance == D("46.20")
    payment = town.account.payments.get()
    assert (payment.to_penalty, payment.to_bills, payment.to_prepaid) == (D("0.00"), D("53.80"), D("46.20"))
    assert town.account.readings.get(period="2026-10").kwh == D("100.00")


def test_the_asker_may_not_approve_and_nothing_changes(town: City, wrong: Bill) -> None:
    correction = _ask(town, wrong)
    before = _snapshot()
    asker = correction.requested_by
    with pytest.raises(Forbidden):
        correction_decide(scope=scope_for(asker), actor=asker, correction=correction, approve=True)
    with pytest.raises(Forbidden):  # a counter clerk has no such capability
        correction_decide(scope=scope_for(town.clerk), actor=town.clerk, correction=correction, approve=True)
    assert _snapshot() == before


def test_a_double_submit_is_one_request(town: City, wrong: Bill) -> None:
    first = _ask(town, wrong, key="SAME")
    clerk = first.requested_by
    data = CorrectionIn(reason="reading", note="抄错表", request_key="SAME")
    again, created = correction_request(scope=scope_for(clerk), actor=clerk, bill=wrong, data=data)
    assert (again.pk, created, BillCorrection.objects.count()) == (first.pk, False, 1)


def test_cancelled_bills_are_left_out_of_arrears_and_a_second_decision_is_refused(town: City, wrong: Bill) -> None:
    correction = _ask(town, wrong, key=uuid.uuid4().hex)
    correction_decide(scope=scope_for(town.supervisor), actor=town.supervisor, correction=correction, approve=True)
    assert Bill.objects.filter(account=town.account, period="2026-10").count() == 2
    assert [b.period for b in selectors.overdue_bills(scope=scope_for(town.admin), on=date(2027, 1, 30))] == ["2026-10"]
    assert selectors.year_billed_kwh(account=town.account, period="2026-11") == D("200.00")
    before = _snapshot()
    with pytest.raises(Exception, match="已被他人处理"):
        correction_decide(scope=scope_for(town.admin), actor=town.admin, correction=correction, approve=True)
    assert _snapshot() == before
