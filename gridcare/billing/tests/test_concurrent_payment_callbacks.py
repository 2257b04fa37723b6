from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from gridcare.billing.models import Bill, Payment, PaymentAllocation
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.testing import City, run_together
from gridcare.org.access import scope_for


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_copies_of_one_callback_at_once_post_one_payment(town: City) -> None:
    issued_bill(town.account, "2026-10", "500.00", date(2026, 11, 25))
    data = PaymentIn(
        "wechat", "WX-RACE", town.account.account_no, Decimal("120.00"), datetime(2026, 11, 20, tzinfo=UTC)
    )
    scope = scope_for(town.clerk)

    def callback(_: int) -> tuple[int, bool]:
        payment, created = payment_post(scope=scope, actor=town.clerk, data=data)
        return payment.pk, created

    results, errors = run_together(10, callback)
    assert errors == []
    assert len({pk for pk, _ in results}) == 1
    assert sorted(created for _, created in results) == [False] * 9 + [True]
    assert Payment.objects.count() == 1
    assert PaymentAllocation.objects.count() == 1
    assert Bill.objects.get().paid == Decimal("120.00")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_different_payments_at_once_both_count(town: City) -> None:
    issued_bill(town.account, "2026-10", "500.00", date(2026, 11, 25))
    scope = scope_for(town.clerk)

    def pay(i: int) -> None:
        data = PaymentIn(
            "alipay", f"A{i}", town.account.account_no, Decimal("100.00"), datetime(2026, 11, 20, tzinfo=UTC)
        )
        payment_post(scope=scope, actor=town.clerk, data=data)

    _, errors = run_together(2, pay)
    assert errors == []
    assert Bill.objects.get().paid == Decimal("200.00")
