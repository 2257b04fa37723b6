"""Issue 11 item 3: the counter's pay form carries an idempotency key; the same form posted twice
(a double click, a resent page) records one payment."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from gridcare.billing.models import Bill, Payment, PaymentAllocation, PrepaidBalance
from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.testing import City, signed_in
from gridcare.core.timezone import SHANGHAI


@pytest.fixture(autouse=True)
def _before_the_due_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI))


def _form_key(client: Client, account_no: str) -> str:
    page = client.get(f"/billing/accounts/{account_no}/").content.decode()
    found = re.search(r'name="idempotency_key" value="([0-9a-f-]{36})"', page)
    assert found, "the pay form has no idempotency key"
    return found.group(1)


def test_the_same_pay_form_posted_twice_records_one_payment(town: City) -> None:
    issued_bill(town.account, "2026-10", "88.00", date(2026, 11, 25))
    client = signed_in(town.clerk)
    no = town.account.account_no
    body = {"channel": "counter_cash", "amount": "100.00", "idempotency_key": _form_key(client, no)}
    first = client.post(f"/billing/accounts/{no}/pay/", body, follow=True)
    second = client.post(f"/billing/accounts/{no}/pay/", body, follow=True)
    assert "收费成功：100.00 元。" in first.content.decode()
    assert "这笔收费已经入账（100.00 元），重复提交未再收费。" in second.content.decode()
    assert list(Payment.objects.values_list("channel", "amount")) == [("counter_cash", Decimal("100.00"))]
    assert PaymentAllocation.objects.count() == 1
    assert PrepaidBalance.objects.get().balance == Decimal("12.00")
    assert Bill.objects.get().status == "paid"


def test_each_rendering_of_the_page_is_a_new_payment(town: City) -> None:
    issued_bill(town.account, "2026-10", "88.00", date(2026, 11, 25))
    client = signed_in(town.clerk)
    no = town.account.account_no
    keys = {_form_key(client, no), _form_key(client, no)}
    for key in keys:
        client.post(
            f"/billing/accounts/{no}/pay/", {"channel": "counter_cash", "amount": "44.00", "idempotency_key": key}
        )
    assert len(keys) == 2
    assert Payment.objects.count() == 2
    assert Bill.objects.get().status == "paid"


def test_a_pay_form_without_its_key_or_with_a_huge_amount_records_nothing(town: City) -> None:
    issued_bill(town.account, "2026-10", "88.00", date(2026, 11, 25))
    client = signed_in(town.clerk)
    no = town.account.account_no
    stale = client.post(f"/billing/accounts/{no}/pay/", {"channel": "counter_cash", "amount": "88.00"})
    assert stale.status_code == 200  # the form again, with a new key and the amount typed
    assert "收费表单已失效，已换成新的表单：请核对金额后再收费。" in stale.content.decode()
    assert re.search(r'name="idempotency_key" value="[0-9a-f-]{36}"', stale.content.decode())
    key = _form_key(client, no)
    for amount in ("1e26", "99999999999999999999", "NaN", "-1", "0"):
        page = client.post(
            f"/billing/accounts/{no}/pay/", {"channel": "counter_cash", "amount": amount, "idempotency_key": key}
        )
        assert page.status_code == 200
        assert "请输入正确的金额（大于零，最多两位小数）。" in page.content.decode()
    over = client.post(
        f"/billing/accounts/{no}/pay/", {"channel": "counter_cash", "amount": "50000.01", "idempotency_key": key}
    )
    assert "单笔缴费金额不能超过 50000.00 元（营业厅现金）。" in over.content.decode()
    assert (Payment.objects.count(), PrepaidBalance.objects.count(), Bill.objects.get().paid) == (0, 0, Decimal("0"))
