import threading
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection

from gridcare.billing.models import Bill, Payment, PaymentAllocation
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.testing import City
from gridcare.org.access import scope_for


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_copies_of_one_callback_at_once_post_one_payment(town: City) -> None:
    issued_bill(town.account, "2026-10", "500.00", date(2026, 11, 25))
    data = PaymentIn(
        "wechat", "WX-RACE", town.account.account_no, Decimal("120.00"), datetime(2026, 11, 20, tzinfo=UTC)
    )
    scope = scope_for(town.clerk)
    barrier = threading.Barrier(10)
    results: list[tuple[int, bool]] = []
    errors: list[BaseException] = []

    def callback() -> None:
        try:
            barrier.wait()
            payment, created = payment_post(scope=scope, actor=town.clerk, data=data)
            results.append((payment.pk, created))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=callback) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
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
    barrier = threading.Barrier(2)

    def pay(txn: str) -> None:
        barrier.wait()
        data = PaymentIn("alipay", txn, town.account.account_no, Decimal("100.00"), datetime(2026, 11, 20, tzinfo=UTC))
        payment_post(scope=scope, actor=town.clerk, data=data)
        connection.close()

    threads = [threading.Thread(target=pay, args=(f"A{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Bill.objects.get().paid == Decimal("200.00")
