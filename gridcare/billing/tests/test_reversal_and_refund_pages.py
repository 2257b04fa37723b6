"""The money-back pages (issue 19): a reversal is asked first with what it will do and done once
confirmed; a refund is requested on its form, decided by another person after a confirmation,
exported and marked paid from the list; every new event type reads as a sentence."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

from gridcare.billing.models import Payment, PaymentEvent, PaymentReversal, PrepaidBalance, Refund, RefundEvent
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.tests.helpers import billing_clerk, issued_bill
from gridcare.core.history import history_lines, table_of
from gridcare.core.testing import City, signed_in, streamed
from gridcare.org.access import scope_for


def _paid(town: City) -> Payment:
    issued_bill(town.account, "2026-08", "400.00", date(2026, 9, 25))
    issued_bill(town.account, "2026-09", "200.00", date(2026, 10, 25))
    data = PaymentIn(
        "wechat", "WX-P", town.account.account_no, Decimal("700.00"), datetime(2026, 10, 30, 2, tzinfo=UTC)
    )
    return payment_post(scope=scope_for(town.clerk), actor=town.clerk, data=data)[0]


def test_a_reversal_is_asked_first_then_done_once(town: City) -> None:
    payment = _paid(town)
    office = signed_in(billing_clerk(town))
    no = town.account.account_no
    account_page = office.get(f"/billing/accounts/{no}/").content.decode()
    url = f"/billing/accounts/{no}/payments/{payment.pk}/reversal/"
    assert url in account_page
    assert url not in signed_in(town.clerk).get(f"/billing/accounts/{no}/").content.decode()
    asked = office.post(url, {"reason": "bank_return", "reference": "BR-1"})
    page = asked.content.decode()
    assert asked.status_code == 200 and PaymentReversal.objects.count() == 0
    assert "撤销该笔 ¥700.00 缴费（2026-10-30）" in page
    assert "账单 2026-08 恢复为未缴（电费 ¥400.00，违约金 ¥14.00）" in page
    assert "扣回预存 ¥85.00" in page and "违约金自 2026-10-30 起重新计算" in page
    done = office.post(url, {"reason": "bank_return", "reference": "BR-1", "confirmed": "1"})
    assert done.status_code == 302 and PaymentReversal.objects.count() == 1
    shown = office.get(url).content.decode()
    assert "已冲正" in shown and "冲正了这笔 ¥700.00 的缴费（银行代扣退回，凭证号 BR-1）" in shown
    assert signed_in(town.clerk).post(url, {"reason": "counter_error", "reference": "X"}).status_code == 403


def test_a_refund_is_requested_and_decided_by_another_person_after_asking(town: City) -> None:
    PrepaidBalance.objects.create(account=town.account, balance=Decimal("80.00"))
    clerk = billing_clerk(town)
    office = signed_in(clerk)
    no = town.account.account_no
    form = office.get(f"/billing/accounts/{no}/refund/").content.decode()
    key = re.search(r'name="request_key" value="([0-9a-f-]+)"', form)
    assert key and "可退余额（预存及多缴）：¥80.00" in form
    data = {
        "request_key": key.group(1),
        "amount": "30.00",
        "method": "bank",
        "payee_name": "张三",
        "bank_name": "建设银行",
        "bank_account": "6217000012345678",
        "payment_id": "",
        "reason": "多缴退回",
    }
    assert office.post(f"/billing/accounts/{no}/refund/", data).status_code == 302
    assert office.post(f"/billing/accounts/{no}/refund/", data).status_code == 302  # a double click
    refund = Refund.objects.get()
    page = office.get(f"/billing/refunds/{refund.pk}/").content.decode()
    assert "**** 5678" in page and "6217000012345678" not in page and "refund-decision" not in page
    supervisor = signed_in(town.supervisor)
    assert "refund-decision" in supervisor.get(f"/billing/refunds/{refund.pk}/").content.decode()
    asked = supervisor.post(f"/billing/refunds/{refund.pk}/decide/", {"approve": "1", "note": ""})
    assert "批准退款 ¥30.00 至 建设银行 **** 5678？" in asked.content.decode()
    refund.refresh_from_db()
    assert refund.status == "pending"
    supervisor.post(f"/billing/refunds/{refund.pk}/decide/", {"approve": "1", "note": "", "confirmed": "1"})
    refund.refresh_from_db()
    assert refund.status == "approved"
    listed = office.get("/billing/refunds/?status=approved").content.decode()
    assert "待导出 1 笔，共 ¥30.00" in listed
    asked = office.post("/billing/refunds/batches/new/", {})
    assert "将导出 1 笔已批准退款，共 ¥30.00" in asked.content.decode()
    made = office.post("/billing/refunds/batches/new/", {"confirmed": "1"})
    assert made.status_code == 302
    refund.refresh_from_db()
    assert refund.status == "exported"
    csv = streamed(office.get(f"/billing/refunds/batches/{refund.batch_id}/file/")).decode("utf-8-sig")
    assert "6217000012345678" in csv and "30.00" in csv
    xlsx = office.get(f"/billing/refunds/batches/{refund.batch_id}/file/?format=xlsx")
    assert xlsx.status_code == 200
    masked = streamed(office.get("/billing/refunds/export/?status=exported")).decode("utf-8-sig")
    assert "6217000012345678" not in masked and "5678" in masked
    office.post(f"/billing/refunds/batches/{refund.batch_id}/", {"confirmed": "1"})
    refund.refresh_from_db()
    assert refund.status == "paid"
    assert signed_in(town.clerk).get("/billing/refunds/").status_code == 403


def test_every_new_event_type_has_a_label_and_a_sentence() -> None:
    for model, types in ((PaymentEvent, PaymentEvent.Type), (RefundEvent, RefundEvent.Type)):
        table = table_of(model)
        assert table is not None
        assert {str(k): str(v) for k, v in table.labels.items()} == {str(k): str(v) for k, v in types.choices}
        assert [t for t in types.values if not table.alternatives(t)] == []


def test_the_refund_sentences_read_as_chinese(town: City) -> None:
    rows = [
        RefundEvent(
            type="requested", parameters={"amount": "30.00", "method": "bank", "reason": "多缴"}, actor=town.admin
        ),
        RefundEvent(type="exported", parameters={"batch": "7"}, actor=town.admin),
        RefundEvent(type="rejected", parameters={}, actor=town.admin),
    ]
    for row in rows:
        row.created_at = datetime(2026, 12, 1, tzinfo=UTC)
    sentences = [line.sentence for line in history_lines(rows)]
    assert sentences == [
        "admin 申请退款 ¥30.00（转账至银行账户），原因：多缴",
        "admin 将退款导出到退款批次 #7",
        "admin 驳回了退款，款项退回预存余额",
    ]
