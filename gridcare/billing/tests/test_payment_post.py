from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from gridcare.billing.models import Bill, Payment, PaymentAllocation, PrepaidBalance
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.exceptions import Conflict, Forbidden, InvalidInput, NotFound
from gridcare.core.testing import City, api_client
from gridcare.notices.models import Notice
from gridcare.org.access import scope_for

PAID_AT = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, before the due date


def _pay(town: City, txn: str = "WX001", amount: str = "100.00", account_no: str | None = None) -> tuple[Payment, bool]:
    data = PaymentIn(
        channel="wechat",
        channel_txn_id=txn,
        account_no=account_no or town.account.account_no,
        amount=Decimal(amount),
        paid_at=PAID_AT,
    )
    return payment_post(scope=scope_for(town.clerk), actor=town.clerk, data=data)


def _state() -> tuple[int, int, list[tuple[str, Decimal, str]], int]:
    bills = list(Bill.objects.order_by("id").values_list("period", "paid", "status"))
    return Payment.objects.count(), PaymentAllocation.objects.count(), bills, Notice.objects.count()


def test_a_payment_settles_the_bill_and_queues_a_receipt_message(town: City) -> None:
    bill = issued_bill(town.account, "2026-10", "100.00", date(2026, 11, 25))
    payment, created = _pay(town)
    bill.refresh_from_db()
    assert created
    assert (bill.paid, bill.status) == (Decimal("100.00"), "paid")
    assert (payment.to_bills, payment.to_penalty, payment.to_prepaid) == (Decimal("100.00"), 0, 0)
    notice = Notice.objects.get(dedupe_key=f"payment_received:{payment.pk}")
    assert (
        notice.body
        == f"【国网示范市供电公司】户号{town.account.account_no}于2026-11-20 10:00缴费100.00元，感谢您的支持。"
    )


def test_the_same_channel_txn_posted_again_returns_the_first_payment_and_pays_nothing(town: City) -> None:
    issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25))
    first, _ = _pay(town)
    before = _state()
    again, created = _pay(town)
    assert (again.pk, created) == (first.pk, False)
    assert _state() == before
    assert Bill.objects.get().paid == Decimal("100.00")


def test_the_same_txn_with_another_amount_is_a_conflict_and_changes_nothing(town: City) -> None:
    issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25))
    _pay(town)
    before = _state()
    with pytest.raises(Conflict):
        _pay(town, amount="100.01")
    assert _state() == before


def test_unknown_and_foreign_accounts_are_not_found_and_nothing_is_posted(town: City) -> None:
    for account_no in ("9999999999", town.foreign_account.account_no):
        with pytest.raises(NotFound):
            _pay(town, account_no=account_no)
    assert _state() == (0, 0, [], 0)


@pytest.mark.parametrize("amount", ["0", "-5.00", "1.001"])
def test_bad_amounts_are_refused_and_nothing_is_posted(town: City, amount: str) -> None:
    with pytest.raises(InvalidInput):
        _pay(town, amount=amount)
    assert _state() == (0, 0, [], 0)


def test_a_hall_guide_cannot_post_payments(town: City) -> None:
    data = PaymentIn("wechat", "WX9", town.account.account_no, Decimal("10.00"), PAID_AT)
    with pytest.raises(Forbidden):
        payment_post(scope=scope_for(town.guide), actor=town.guide, data=data)
    assert _state() == (0, 0, [], 0)


def test_surplus_becomes_prepaid_balance(town: City) -> None:
    issued_bill(town.account, "2026-10", "80.00", date(2026, 11, 25))
    payment, _ = _pay(town, amount="100.00")
    assert payment.to_prepaid == Decimal("20.00")
    assert PrepaidBalance.objects.get(account=town.account).balance == Decimal("20.00")


def _notification(town: City, channel_txn_id: str) -> dict[str, str]:
    """An Alipay notification of 60.00 for the town's account, as the channel posts it."""
    return {
        "channel": "alipay",
        "channel_txn_id": channel_txn_id,
        "account_no": town.account.account_no,
        "amount": "60.00",
        "paid_at": "2026-11-20T10:00:00+08:00",
    }


def test_api_answers_201_then_200_for_a_retried_notification(town: City) -> None:
    issued_bill(town.account, "2026-10", "100.00", date(2026, 11, 25))
    client = api_client(town.clerk)
    body = _notification(town, "ALI-1")
    first = client.post("/api/v1/payments", body, content_type="application/json")
    second = client.post("/api/v1/payments", body, content_type="application/json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert second.json()["created"] is False
    assert Bill.objects.get().paid == Decimal("60.00")


def test_api_status_codes_for_conflict_unknown_account_and_bad_amount(town: City) -> None:
    client = api_client(town.clerk)
    body = _notification(town, "ALI-2")
    assert client.post("/api/v1/payments", body, content_type="application/json").status_code == 201
    before = _state()
    conflict = client.post("/api/v1/payments", {**body, "amount": "61.00"}, content_type="application/json")
    unknown = client.post(
        "/api/v1/payments",
        {**body, "channel_txn_id": "ALI-3", "account_no": "9999999999"},
        content_type="application/json",
    )
    zero = client.post(
        "/api/v1/payments", {**body, "channel_txn_id": "ALI-4", "amount": "0"}, content_type="application/json"
    )
    assert (conflict.status_code, unknown.status_code, zero.status_code) == (409, 404, 422)
    assert zero.json()["errors"] == {"amount": "缴费金额必须大于零。"}
    assert _state() == before
