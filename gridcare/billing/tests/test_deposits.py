"""Security deposits of non-residential accounts: the required amount by the configured rule,
collected at the counter and held apart from the prepaid balance (no bill run spends it), set
against the debt on default by a supervisor with a reason. Refusals change nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import override_settings

from gridcare.billing.models import Bill, BillStatus, DepositEntry, DepositEvent, Payment
from gridcare.billing.move_selectors import deposit_held
from gridcare.billing.services.deposits import deposit_apply, deposit_collect, deposit_required
from gridcare.billing.tests.helpers import billable, issued_bill
from gridcare.billing.tests.move_helpers import fixed_today  # noqa: F401
from gridcare.billing.tests.test_moves_settlement import _shop, _snapshot
from gridcare.core.exceptions import Conflict, Forbidden
from gridcare.core.testing import City
from gridcare.org.access import scope_for

D = Decimal
pytestmark = pytest.mark.usefixtures("fixed_today")


def test_the_rule_asks_two_months_of_the_average_bill_or_yuan_per_kva(town: City) -> None:
    shop = _shop(town)
    assert deposit_required(shop) == D("1000.00")  # no bills yet: 50 kVA × 20 yuan
    for period, amount in (("2026-08", "300.00"), ("2026-09", "500.35")):
        issued_bill(shop, period, amount, date(2026, 10, 25))
    assert deposit_required(shop) == D("801.00")  # 2 × 400.175 = 800.35, up to the whole yuan
    with override_settings(
        GRIDCARE_DEPOSIT={
            "RULE": "kva",
            "MONTHS": D(2),
            "HISTORY_MONTHS": 12,
            "PER_KVA": "commercial:25",
            "MINIMUM": D(0),
        }
    ):
        assert deposit_required(shop) == D("1250.00")
    assert deposit_required(billable(town.account)) == D("0")


def test_collected_held_and_applied_on_default_by_a_supervisor(town: City) -> None:
    shop = _shop(town)
    payment, created = deposit_collect(
        scope=scope_for(town.clerk),
        actor=town.clerk,
        account=shop,
        amount=D("800.00"),
        channel="counter_card",
        request_key="K1",
    )
    assert created and (payment.to_deposit, payment.to_bills, payment.to_prepaid) == (D("800.00"), D(0), D(0))
    again, created = deposit_collect(
        scope=scope_for(town.clerk),
        actor=town.clerk,
        account=shop,
        amount=D("800.00"),
        channel="counter_card",
        request_key="K1",
    )
    assert (again.pk, created, deposit_held(shop)) == (payment.pk, False, D("800.00"))
    bill = issued_bill(shop, "2026-10", "250.30", date(2026, 11, 25))

    before = _snapshot()
    with pytest.raises(Forbidden):
        deposit_apply(scope=scope_for(town.clerk), actor=town.clerk, account=shop, reason="长期欠费")
    with pytest.raises(Conflict, match="居民用户不收取保证金"):
        deposit_collect(
            scope=scope_for(town.clerk),
            actor=town.clerk,
            account=town.account,
            amount=D("1.00"),
            channel="counter_cash",
            request_key="K2",
        )
    assert _snapshot() == before

    applied = deposit_apply(
        scope=scope_for(town.supervisor), actor=town.supervisor, account=shop, reason="欠费逾期，按合同抵缴"
    )
    assert (applied, deposit_held(shop)) == (D("250.30"), D("549.70"))
    bill.refresh_from_db()
    assert (bill.paid, bill.status) == (D("250.30"), BillStatus.PAID)
    assert Payment.objects.get(channel="deposit_offset").amount == D("250.30")
    assert list(DepositEntry.objects.order_by("id").values_list("kind", "amount")) == [
        ("collected", D("800.00")),
        ("applied", D("-250.30")),
    ]
    assert DepositEvent.objects.filter(account=shop).count() == 2
    with pytest.raises(Conflict, match="无可抵缴金额"):
        deposit_apply(scope=scope_for(town.supervisor), actor=town.supervisor, account=shop, reason="再次抵缴")
    assert not Bill.objects.filter(account=shop).exclude(status=BillStatus.PAID).exists()


def test_a_deposit_set_off_or_collection_is_not_reversed_and_the_refusal_says_why(town: City) -> None:
    from gridcare.billing.models import PaymentReversal
    from gridcare.billing.services.reversals import payment_reverse

    shop = _shop(town)
    collected, _created = deposit_collect(
        scope=scope_for(town.clerk),
        actor=town.clerk,
        account=shop,
        amount=D("800.00"),
        channel="counter_card",
        request_key="K-rev",
    )
    issued_bill(shop, "2026-10", "250.30", date(2026, 11, 25))
    deposit_apply(scope=scope_for(town.supervisor), actor=town.supervisor, account=shop, reason="欠费逾期，按合同抵缴")
    set_off = Payment.objects.get(channel="deposit_offset")
    before = (_snapshot(), deposit_held(shop))
    admin = town.users["admin"]
    with pytest.raises(Conflict, match=r"以保证金或预存余额抵缴的电费（250.30 元），不能冲正.*重新收取保证金"):
        payment_reverse(scope=scope_for(admin), actor=admin, payment=set_off, reason="counter_error", reference="R-1")
    with pytest.raises(Conflict, match=r"收取的是保证金（800.00 元），不能冲正"):
        payment_reverse(scope=scope_for(admin), actor=admin, payment=collected, reason="counter_error", reference="R-2")
    assert (_snapshot(), deposit_held(shop)) == before and before[1] == D("549.70")
    assert not PaymentReversal.objects.exists()
