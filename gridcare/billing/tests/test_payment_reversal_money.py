"""A reversed payment leaves the account owing exactly what it owed before the payment, to the
fen: both bills owe again, the prepaid deposit is taken back, the penalty runs again from the
date the payment had settled it to; a deposit already spent reopens the bill it paid."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from gridcare.billing import selectors
from gridcare.billing.models import (
    Bill,
    BillStatus,
    Payment,
    PaymentAllocation,
    PaymentEvent,
    PaymentReversal,
    PrepaidBalance,
    PrepaidEntry,
)
from gridcare.billing.services.bill_run import bill_run_start
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.services.reversals import payment_reversal_preview, payment_reverse
from gridcare.billing.tests.helpers import billable, billing_clerk, issued_bill, reading, tariffs
from gridcare.core.exceptions import Conflict, Forbidden, InvalidInput
from gridcare.core.testing import City
from gridcare.notices.models import Notice
from gridcare.org.access import scope_for

D = Decimal


def _pay(town: City, amount: str, at: datetime, txn: str = "P1") -> Payment:
    data = PaymentIn("wechat", txn, town.account.account_no, D(amount), at)
    payment, _created = payment_post(scope=scope_for(town.clerk), actor=town.clerk, data=data)
    return payment


def _due(town: City, on: date) -> tuple[Decimal, Decimal, Decimal]:
    due = selectors.account_due(account=town.account, on=on)
    return due.principal, due.penalty, due.prepaid


def _two_overdue_bills(town: City) -> tuple[Bill, Bill]:
    old = issued_bill(town.account, "2026-08", "400.00", date(2026, 9, 25))
    new = issued_bill(town.account, "2026-09", "200.00", date(2026, 10, 25))
    return old, new


def test_a_payment_of_two_bills_and_a_deposit_reversed_owes_exactly_what_it_owed(town: City) -> None:
    old, new = _two_overdue_bills(town)
    on = date(2026, 10, 30)
    # 2026-10-30: penalties old 35 days × 400 × 0.1% = 14.00, new 5 days × 200 × 0.1% = 1.00.
    assert _due(town, on) == (D("600.00"), D("15.00"), D("0.00"))
    payment = _pay(town, "700.00", datetime(2026, 10, 30, 2, tzinfo=UTC))
    assert (payment.to_penalty, payment.to_bills, payment.to_prepaid) == (D("15.00"), D("600.00"), D("85.00"))
    assert _due(town, on) == (D("0.00"), D("0.00"), D("85.00"))

    billing = billing_clerk(town)
    reversal, created = payment_reverse(
        scope=scope_for(billing), actor=billing, payment=payment, reason="chargeback", reference="CB-1"
    )
    assert created
    assert _due(town, on) == (D("600.00"), D("15.00"), D("0.00"))
    # The penalty runs again for the days since: on 2026-11-09, old 45 days 18.00, new 15 days 3.00.
    assert _due(town, date(2026, 11, 9)) == (D("600.00"), D("21.00"), D("0.00"))
    for bill in (old, new):
        bill.refresh_from_db()
        assert (bill.paid, bill.penalty_paid, bill.penalty_carried, bill.penalty_accrued) == (D(0), D(0), D(0), D(0))
        assert (bill.status, bill.penalty_settled_to) == (BillStatus.ISSUED, None)
    assert (reversal.from_bills, reversal.from_penalty, reversal.from_prepaid) == (D("600.00"), D("15.00"), D("85.00"))
    assert (reversal.reopened, reversal.uncovered, reversal.amount) == (D(0), D(0), D("700.00"))
    # The ledgers still add up: a bill's allocations (with the counter-rows) are what it shows paid.
    for bill in (old, new):
        rows = PaymentAllocation.objects.filter(bill=bill)
        assert sum(a.principal + a.penalty for a in rows) == D(0)
    kinds = list(PrepaidEntry.objects.order_by("id").values_list("kind", "amount"))
    assert kinds == [("deposit", D("85.00")), ("reversal", D("-85.00"))]
    event = PaymentEvent.objects.get()
    assert (event.type, event.actor, event.parameters["reference"]) == ("reversed", billing, "CB-1")
    message = Notice.objects.get(template_code="payment_reversed")
    assert "缴费700.00元已撤销（拒付（退单））" in message.body


def test_a_part_payment_reversed_after_a_later_payment_owes_what_the_later_payment_alone_leaves(
    town: City,
) -> None:
    old, new = _two_overdue_bills(town)
    first = _pay(town, "200.00", datetime(2026, 10, 10, 2, tzinfo=UTC), "A")
    _pay(town, "50.00", datetime(2026, 10, 20, 2, tzinfo=UTC), "B")
    billing = billing_clerk(town)
    payment_reverse(scope=scope_for(billing), actor=billing, payment=first, reason="bank_return", reference="R1")
    # The 50.00 of 2026-10-20 paid 2.06 penalty and 47.94 electricity; without the first payment
    # the old bill had accrued 25 days × 400 × 0.1% = 10.00 by then: penalty first, 10.00 + 40.00.
    old.refresh_from_db()
    assert (old.paid, old.penalty_paid, old.penalty_carried) == (D("40.00"), D("10.00"), D("0.00"))
    second = Payment.objects.get(channel_txn_id="B")
    assert (second.to_penalty, second.to_bills) == (D("10.00"), D("40.00"))
    assert (old.penalty_settled_to, old.status) == (date(2026, 10, 20), BillStatus.PARTLY_PAID)
    # A twin account that only ever paid the 50.00 owes the same to the fen, on any later day.
    twin = town.other_unit_account
    issued_bill(twin, "2026-08", "400.00", date(2026, 9, 25))
    issued_bill(twin, "2026-09", "200.00", date(2026, 10, 25))
    data = PaymentIn("wechat", "TWIN", twin.account_no, D("50.00"), datetime(2026, 10, 20, 2, tzinfo=UTC))
    payment_post(scope=scope_for(town.clerk), actor=town.clerk, data=data)
    for on in (date(2026, 10, 20), date(2026, 11, 15), date(2027, 2, 1)):
        ours = selectors.account_due(account=town.account, on=on)
        theirs = selectors.account_due(account=twin, on=on)
        assert (ours.principal + ours.penalty) == (theirs.principal + theirs.penalty), on
    assert new.pk


def test_a_reversal_after_the_deposit_was_spent_reopens_the_bill_it_paid(town: City) -> None:
    tariffs()
    account = billable(town.account)
    reading(account, "2026-01", "100")  # 53.80
    payment = _pay(town, "100.00", datetime(2026, 1, 5, 2, tzinfo=UTC))
    assert payment.to_prepaid == D("100.00")
    bill_run_start(period="2026-01")
    bill = Bill.objects.get(account=account)
    assert (bill.paid, bill.status) == (D("53.80"), BillStatus.PAID)
    assert PrepaidBalance.objects.get(account=account).balance == D("46.20")
    billing = billing_clerk(town)
    reversal, _ = payment_reverse(
        scope=scope_for(billing), actor=billing, payment=payment, reason="channel_refund", reference="WX-R-1"
    )
    bill.refresh_from_db()
    assert (bill.paid, bill.status) == (D("0.00"), BillStatus.ISSUED)
    assert (reversal.from_prepaid, reversal.reopened, reversal.uncovered) == (D("46.20"), D("53.80"), D("0.00"))
    assert PrepaidBalance.objects.get(account=account).balance == D("0.00")
    # The account owes the bill the spent deposit had paid, and nothing was left out.
    assert selectors.account_due(account=account, on=date(2026, 1, 20)).principal == D("53.80")
    settled = selectors.bill_settlements(bill)
    assert sum((r.amount for r in settled), D(0)) == bill.paid_total == D("0.00")


def test_the_same_reference_again_is_the_same_reversal_and_another_is_refused(town: City) -> None:
    _two_overdue_bills(town)
    payment = _pay(town, "700.00", datetime(2026, 10, 30, 2, tzinfo=UTC))
    billing = billing_clerk(town)
    scope = scope_for(billing)
    first, _ = payment_reverse(scope=scope, actor=billing, payment=payment, reason="chargeback", reference="CB-1")
    again, created = payment_reverse(scope=scope, actor=billing, payment=payment, reason="chargeback", reference="CB-1")
    assert (again.pk, created) == (first.pk, False)
    before = _snapshot()
    with pytest.raises(Conflict, match="已于 .* 冲正（凭证号 CB-1）"):
        payment_reverse(scope=scope, actor=billing, payment=payment, reason="bank_return", reference="OTHER")
    assert _snapshot() == before


def _snapshot() -> tuple[object, ...]:
    bills = tuple(Bill.objects.order_by("id").values_list("paid", "penalty_paid", "status", "penalty_carried"))
    return (
        bills,
        PaymentReversal.objects.count(),
        PaymentAllocation.objects.count(),
        PrepaidEntry.objects.count(),
        tuple(PrepaidBalance.objects.values_list("balance", flat=True)),
        PaymentEvent.objects.count(),
        Notice.objects.count(),
    )


def test_a_counter_clerk_may_not_reverse_and_a_bad_reason_is_refused_with_nothing_changed(town: City) -> None:
    _two_overdue_bills(town)
    payment = _pay(town, "700.00", datetime(2026, 10, 30, 2, tzinfo=UTC))
    before = _snapshot()
    with pytest.raises(Forbidden):
        payment_reverse(
            scope=scope_for(town.clerk), actor=town.clerk, payment=payment, reason="counter_error", reference="X"
        )
    billing = billing_clerk(town)
    with pytest.raises(InvalidInput) as refused:
        payment_reverse(scope=scope_for(billing), actor=billing, payment=payment, reason="oops", reference=" ")
    assert set(refused.value.errors) == {"reason", "reference"}
    assert _snapshot() == before


def test_the_preview_says_what_will_happen_and_writes_nothing(town: City) -> None:
    _two_overdue_bills(town)
    payment = _pay(town, "700.00", datetime(2026, 10, 30, 2, tzinfo=UTC))
    billing = billing_clerk(town)
    before = _snapshot()
    outcome = payment_reversal_preview(scope=scope_for(billing), payment=payment, reason="chargeback", reference="CB")
    assert [(b.period, b.status, b.principal, b.penalty) for b in outcome.bills] == [
        ("2026-08", "未缴", D("400.00"), D("14.00")),
        ("2026-09", "未缴", D("200.00"), D("1.00")),
    ]
    assert (outcome.amount, outcome.from_prepaid, outcome.uncovered) == (D("700.00"), D("85.00"), D("0.00"))
    assert _snapshot() == before
