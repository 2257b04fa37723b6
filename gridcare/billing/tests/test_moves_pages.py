"""The pages of moving out and in: 销户 from the account page asks first with the final bill and
the settlement sentence, then closes once; the account page shows a shop's deposit; a refund's
bank line is recorded failed from its page (asked first); the batch page lists its downloads."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from gridcare.billing.models import AccountMove, PrepaidBalance, Refund, RefundBatchDownload
from gridcare.billing.services.refunds import RefundIn, refund_decide, refund_export, refund_request
from gridcare.billing.tests.helpers import billable, billing_clerk
from gridcare.billing.tests.move_helpers import fixed_today, read_and_billed  # noqa: F401
from gridcare.billing.tests.test_moves_settlement import _prepaid, _shop
from gridcare.core.testing import City, signed_in
from gridcare.org.access import scope_for

D = Decimal
pytestmark = pytest.mark.usefixtures("fixed_today")


def test_a_closure_from_the_account_page_asks_first_then_closes_once(town: City) -> None:
    account = billable(town.account)
    read_and_billed(account, "2026-10", date(2026, 10, 31), "500.00")
    _prepaid(account, "80.00")
    client = signed_in(billing_clerk(town))
    page = client.get(f"/billing/accounts/{account.account_no}/")
    assert f"/billing/accounts/{account.account_no}/closure/" in page.content.decode()
    form = {
        "request_key": str(uuid.uuid4()),
        "move_on": "2026-11-17",
        "register": "500.00",
        "refund_method": "bank",
        "payee_name": "张三",
        "bank_name": "工商银行杭州分行",
        "bank_account": "6222021234567890123",
    }
    path = f"/billing/accounts/{account.account_no}/closure/"
    asked = client.post(path, form)
    text = asked.content.decode()
    assert asked.status_code == 200 and "结余 80.00 元将退还" in text and "确认销户" in text
    assert AccountMove.objects.count() == 0
    done = client.post(path, {**form, "confirmed": "1"})
    move = AccountMove.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/billing/moves/{move.pk}/"
    assert client.post(path, {**form, "confirmed": "1"}).status_code == 302  # the same form: one closure
    assert AccountMove.objects.count() == 1 and Refund.objects.get().amount == D("80.00")
    shown = client.get(f"/billing/moves/{move.pk}/").content.decode()
    assert "办理销户" in shown and "80.00" in shown


def test_a_shops_deposit_on_its_page_and_a_failed_bank_line(town: City) -> None:
    shop = _shop(town)
    page = signed_in(town.clerk).get(f"/billing/accounts/{shop.account_no}/").content.decode()
    assert "应收保证金" in page and "1000.00" in page and "收取保证金" in page

    _prepaid(town.account, "100.00")
    office_user = billing_clerk(town)
    office = scope_for(office_user)
    data = RefundIn(
        amount=D("60.00"),
        method="bank",
        reason="多缴",
        request_key=uuid.uuid4().hex,
        payee_name="张三",
        bank_name="工商银行",
        bank_account="6222021234567890123",
    )
    refund, _created = refund_request(scope=office, actor=office_user, account=town.account, data=data)
    refund_decide(scope=scope_for(town.supervisor), actor=town.supervisor, refund=refund, approve=True)
    batch = refund_export(scope=office, actor=office_user)
    client = signed_in(office_user)
    client.get(f"/billing/refunds/batches/{batch.pk}/file/")
    assert RefundBatchDownload.objects.filter(batch=batch, user=office_user).count() == 1
    listed = client.get(f"/billing/refunds/batches/{batch.pk}/").content.decode()
    assert "付款文件下载记录" in listed and "6222021234567890123" not in listed
    asked = client.post(f"/billing/refunds/{refund.pk}/failed/", {"reason": "户名不符"})
    assert "确认登记失败" in asked.content.decode()
    assert Refund.objects.get().status == "exported"
    client.post(f"/billing/refunds/{refund.pk}/failed/", {"reason": "户名不符", "confirmed": "1"})
    assert Refund.objects.get().status == "failed"
    assert PrepaidBalance.objects.get(account=town.account).balance == D("100.00")
