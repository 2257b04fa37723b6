"""A closure settles what the account owes with its security deposit, then its prepaid balance;
what is left becomes a refund (approved by a second person) and the account is closed. A closure
that leaves debt keeps the account 待结清 (no longer billed): completing it is refused, with
nothing changed, until the debt is paid."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from gridcare.billing.models import (
    AccountMove,
    Bill,
    BillStatus,
    DepositEntry,
    Payment,
    PaymentAllocation,
    PrepaidBalance,
    PrepaidEntry,
    Reading,
    Refund,
)
from gridcare.billing.services.bill_run import bill_run_start
from gridcare.billing.services.deposits import deposit_collect, deposit_held
from gridcare.billing.services.moves import account_close, closure_complete
from gridcare.billing.services.prepaid import prepaid_deposit
from gridcare.billing.tests.helpers import billable, billing_clerk
from gridcare.billing.tests.move_helpers import BANK, fixed_today, move_data, read_and_billed  # noqa: F401
from gridcare.core.exceptions import Conflict
from gridcare.core.testing import City, make_account
from gridcare.customers.models import Account, AccountEvent, CustomerClass
from gridcare.notices.models import Notice
from gridcare.org.access import scope_for

D = Decimal
pytestmark = pytest.mark.usefixtures("fixed_today")


def _shop(town: City) -> Account:
    account = make_account(
        200, town.unit, town.hall, "城东商店", customer_class=CustomerClass.COMMERCIAL, phone="13900000001"
    )
    return billable(account, capacity=D(50))


def _arrears(account: Account) -> Bill:
    bill = read_and_billed(account, "2026-10", date(2026, 10, 31), "500.00", paid=False)
    Bill.objects.filter(pk=bill.pk).update(amount=D("120.50"), energy_charge=D("120.50"))
    return bill


def _prepaid(account: Account, amount: str) -> None:
    payment = Payment.objects.create(
        channel="wechat",
        channel_txn_id=uuid.uuid4().hex,
        account=account,
        amount=D(amount),
        paid_at="2026-11-01T02:00:00Z",
        business_date=date(2026, 11, 1),
        to_prepaid=D(amount),
    )
    prepaid_deposit(account=account, amount=D(amount), payment=payment)


def _snapshot() -> tuple[object, ...]:
    return (
        tuple(Account.objects.order_by("id").values_list("status", flat=True)),
        tuple(Bill.objects.order_by("id").values_list("status", "paid", "penalty_paid")),
        tuple(AccountMove.objects.order_by("id").values_list("status", "left_owed")),
        Payment.objects.count(),
        PaymentAllocation.objects.count(),
        PrepaidEntry.objects.count(),
        tuple(PrepaidBalance.objects.values_list("balance", flat=True)),
        DepositEntry.objects.count(),
        Refund.objects.count(),
        AccountEvent.objects.count(),
        Notice.objects.count(),
    )


def test_arrears_prepaid_and_deposit_settle_and_109_50_is_refunded(town: City) -> None:
    shop = _shop(town)
    _arrears(shop)
    _prepaid(shop, "30.00")
    deposit_collect(
        scope=scope_for(town.clerk),
        actor=town.clerk,
        account=shop,
        amount=D("200.00"),
        channel="counter_cash",
        request_key="dep-1",
    )
    assert deposit_held(shop) == D("200.00")
    clerk = billing_clerk(town)
    move, created = account_close(
        scope=scope_for(clerk), actor=clerk, account=shop, data=move_data(date(2026, 11, 17), "500.00", refund=BANK)
    )
    assert created
    # Owed 120.50 (the final bill of 0 kWh is 0.00): the deposit pays it, 79.50 of it and the
    # prepaid 30.00 are the credit, refunded: 109.50.
    assert (move.owed, move.from_deposit, move.from_prepaid) == (D("120.50"), D("120.50"), D("0.00"))
    assert (move.credit, move.left_owed, move.status) == (D("109.50"), D("0.00"), "done")
    refund = Refund.objects.get()
    assert (refund.amount, refund.source, refund.status, refund.pk) == (
        D("109.50"),
        "closure",
        "pending",
        move.refund_id,
    )
    shop.refresh_from_db()
    assert shop.status == "closed"
    assert deposit_held(shop) == D("0.00")
    assert PrepaidBalance.objects.get(account=shop).balance == D("0.00")
    bills = {b.period: b for b in Bill.objects.filter(account=shop)}
    assert (bills["2026-10"].status, bills["2026-10"].paid) == (BillStatus.PAID, D("120.50"))
    offset = Payment.objects.get(channel="deposit_offset")
    assert (offset.amount, offset.to_bills, offset.to_prepaid) == (D("120.50"), D("120.50"), D("0.00"))
    assert Notice.objects.filter(template_code="account_closed").count() == 1
    # A closed account is skipped by later bill runs.
    Reading.objects.create(account=shop, period="2026-11", read_on=date(2026, 11, 28), register=D(600), kwh=D(100))
    bill_run_start(period="2026-11", read_ahead=False)
    assert not Bill.objects.filter(account=shop, period="2026-11", segment=0).exclude(pk=move.bill_id).exists()


def test_a_closure_with_debt_stays_settling_and_cannot_be_closed_until_paid(town: City) -> None:
    account = billable(town.account)
    _arrears(account)
    clerk = billing_clerk(town)
    office = scope_for(clerk)
    move, _created = account_close(
        scope=office, actor=clerk, account=account, data=move_data(date(2026, 11, 17), "500.00")
    )
    account.refresh_from_db()
    assert (account.status, move.status, move.left_owed) == ("settling", "settling", D("120.50"))

    before = _snapshot()
    with pytest.raises(Conflict, match="尚欠电费 120.50 元"):
        closure_complete(scope=office, actor=clerk, move=move)
    with pytest.raises(Conflict, match="待结清"):
        account_close(scope=office, actor=clerk, account=account, data=move_data(date(2026, 11, 18), "500.00"))
    assert _snapshot() == before

    _prepaid(account, "120.50")  # paid at the counter: kept as credit, then set off
    Bill.objects.filter(account=account, period="2026-10").update(paid=D("120.50"), status=BillStatus.PAID)
    PrepaidBalance.objects.filter(account=account).update(balance=D("0.00"))
    done = closure_complete(scope=office, actor=clerk, move=move)
    account.refresh_from_db()
    assert (account.status, done.status) == ("closed", "done")


def test_the_archive_does_not_close_an_account_with_money_owed_or_held(town: City) -> None:
    from gridcare.customers.services import account_transition

    _prepaid(town.account, "30.00")
    before = _snapshot()
    with pytest.raises(Conflict, match="预存 30.00 元"):
        account_transition(scope=scope_for(town.clerk), actor=town.clerk, account=town.account, to="closed")
    assert _snapshot() == before
