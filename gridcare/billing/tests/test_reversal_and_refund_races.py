"""Money back under concurrent duplicates, for real on PostgreSQL: ten copies of one reversal at
once make one reversal row and leave the account exact; two refunds of the same balance at once
never refund more than the balance."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from gridcare.billing import selectors
from gridcare.billing.models import (
    PaymentAllocation,
    PaymentEvent,
    PaymentReversal,
    PrepaidBalance,
    PrepaidEntry,
    Refund,
)
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.services.refunds import RefundIn, refund_request
from gridcare.billing.services.reversals import payment_reverse
from gridcare.billing.tests.helpers import billing_clerk, issued_bill
from gridcare.core.testing import City, run_together
from gridcare.org.access import scope_for

D = Decimal


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_copies_of_one_reversal_at_once_reverse_once(town: City) -> None:
    issued_bill(town.account, "2026-08", "400.00", date(2026, 9, 25))
    issued_bill(town.account, "2026-09", "200.00", date(2026, 10, 25))
    on = date(2026, 10, 30)
    before = selectors.account_due(account=town.account, on=on)
    data = PaymentIn("wechat", "WX-R", town.account.account_no, D("700.00"), datetime(2026, 10, 30, 2, tzinfo=UTC))
    payment, _ = payment_post(scope=scope_for(town.clerk), actor=town.clerk, data=data)
    office = billing_clerk(town)
    scope = scope_for(office)

    def reverse(_: int) -> tuple[int, bool]:
        reversal, created = payment_reverse(
            scope=scope, actor=office, payment=payment, reason="chargeback", reference="CB-RACE"
        )
        return reversal.pk, created

    results, errors = run_together(10, reverse)
    assert errors == []
    assert len({pk for pk, _ in results}) == 1
    assert sorted(created for _, created in results) == [False] * 9 + [True]
    assert (PaymentReversal.objects.count(), PaymentEvent.objects.count()) == (1, 1)
    assert PaymentAllocation.objects.filter(reversal__isnull=False).count() == 2
    after = selectors.account_due(account=town.account, on=on)
    assert (after.principal, after.penalty, after.prepaid) == (before.principal, before.penalty, before.prepaid)
    assert (after.principal, after.penalty, after.prepaid) == (D("600.00"), D("15.00"), D("0.00"))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_refunds_of_the_same_balance_at_once_refund_it_at_most_once(town: City) -> None:
    PrepaidBalance.objects.create(account=town.account, balance=D("100.00"))
    office = billing_clerk(town)
    scope = scope_for(office)

    def ask(_: int) -> int:
        data = RefundIn(
            amount=D("70.00"),
            method="bank",
            reason="多缴退回",
            request_key=uuid.uuid4().hex,
            payee_name="张三",
            bank_name="工商银行",
            bank_account="6222021234567890",
        )
        refund, _created = refund_request(scope=scope, actor=office, account=town.account, data=data)
        return refund.pk

    results, errors = run_together(2, ask)
    assert len(results) == 1 and len(errors) == 1
    assert "超过可退余额 30.00 元" in str(errors[0])
    assert Refund.objects.count() == 1
    assert PrepaidBalance.objects.get(account=town.account).balance == D("30.00")
    assert list(PrepaidEntry.objects.values_list("amount", flat=True)) == [D("-70.00")]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_double_clicked_refund_at_once_is_one_refund(town: City) -> None:
    PrepaidBalance.objects.create(account=town.account, balance=D("100.00"))
    office = billing_clerk(town)
    scope = scope_for(office)
    key = uuid.uuid4().hex

    def ask(_: int) -> tuple[int, bool]:
        data = RefundIn(
            amount=D("40.00"),
            method="bank",
            reason="多缴退回",
            request_key=key,
            payee_name="张三",
            bank_name="工商银行",
            bank_account="6222021234567890",
        )
        refund, created = refund_request(scope=scope, actor=office, account=town.account, data=data)
        return refund.pk, created

    results, errors = run_together(5, ask)
    assert errors == []
    assert len({pk for pk, _ in results}) == 1 and sorted(c for _, c in results) == [False] * 4 + [True]
    assert PrepaidBalance.objects.get(account=town.account).balance == D("60.00")
