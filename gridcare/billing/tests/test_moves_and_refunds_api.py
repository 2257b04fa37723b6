"""The API of moving out, deposits and refunds (issue 19): a closure previewed then done once per
request key; a deposit paid at the counter and held; refunds listed, asked, approved by a second
person, one line paid and one failed (its money back in the balance, the customer told). Bank
accounts are masked in every answer; a refused call changes nothing."""

from __future__ import annotations

import json
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from gridcare.billing.models import PrepaidBalance, Refund, RefundBatch
from gridcare.billing.services.refunds import refund_export
from gridcare.billing.tests.helpers import billable, billing_clerk
from gridcare.billing.tests.move_helpers import fixed_today, read_and_billed  # noqa: F401
from gridcare.billing.tests.test_moves_settlement import _prepaid, _shop, _snapshot
from gridcare.core.testing import City, api_client
from gridcare.notices.models import Notice
from gridcare.org.access import scope_for

D = Decimal
pytestmark = pytest.mark.usefixtures("fixed_today")
BANK = {"method": "bank", "payee_name": "张三", "bank_name": "工商银行杭州分行", "bank_account": "6222021234567890123"}


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, data=json.dumps(body), content_type="application/json")


def test_a_closure_previewed_then_done_once(town: City) -> None:
    account = billable(town.account)
    read_and_billed(account, "2026-10", date(2026, 10, 31), "500.00")
    _prepaid(account, "80.00")
    office = api_client(billing_clerk(town))
    path = f"/api/v1/accounts/{account.account_no}/closure"
    body = {"move_on": "2026-11-17", "reading": "500.00", "request_key": uuid.uuid4().hex, "refund": BANK}
    before = _snapshot()
    preview = _post(office, path + "/preview", body)
    assert preview.status_code == 200, preview.content
    assert (preview.json()["credit"], preview.json()["left_owed"]) == ("80.00", "0.00")
    assert "结余 80.00 元将退还" in preview.json()["sentence"]
    assert _snapshot() == before
    # A counter clerk may not close an account (403), and nothing changes.
    assert _post(api_client(town.clerk), path, body).status_code == 403
    assert _snapshot() == before
    first = _post(office, path, body)
    assert first.status_code == 201, first.content
    assert (first.json()["status"], first.json()["credit"]) == ("done", "80.00")
    again = _post(office, path, body)
    assert (again.status_code, again.json()["id"], again.json()["created"]) == (200, first.json()["id"], False)
    bad = _post(office, path, {**body, "reading": "1e999", "request_key": "x"})
    assert bad.status_code in (409, 422)


def test_a_deposit_is_paid_at_the_counter_and_held(town: City) -> None:
    shop = _shop(town)
    clerk = api_client(town.clerk)
    path = f"/api/v1/accounts/{shop.account_no}/deposit"
    # No bills yet: the per-kVA rule, 50 kVA × 20 yuan of commerce = 1000.00.
    assert clerk.get(path).json() == {
        "account_no": shop.account_no,
        "required": "1000.00",
        "held": "0.00",
        "short": "1000.00",
    }
    body = {"amount": "600.00", "channel": "counter_cash", "request_key": "DK-1"}
    paid = _post(clerk, path, body)
    assert (paid.status_code, paid.json()["held"], paid.json()["short"]) == (201, "600.00", "400.00")
    assert _post(clerk, path, body).status_code == 200
    assert PrepaidBalance.objects.filter(account=shop).exists() is False  # never the prepaid balance
    # The counter cannot apply it on default (a supervisor's action), and nothing changes.
    before = _snapshot()
    assert _post(clerk, path + "/application", {"reason": "长期欠费"}).status_code == 403
    assert _snapshot() == before


def test_refunds_listed_asked_approved_and_one_failed_line_recorded(town: City) -> None:
    _prepaid(town.account, "100.00")
    asker_user = billing_clerk(town)
    asker = api_client(asker_user)
    key = uuid.uuid4().hex
    body = {"amount": "60.00", "reason": "多缴电费退回", "request_key": key, **BANK}
    created = _post(asker, f"/api/v1/accounts/{town.account.account_no}/refunds", body)
    assert created.status_code == 201, created.content
    refund_id = created.json()["id"]
    assert created.json()["destination"].endswith("**** 0123") and "6222021234567890123" not in created.content.decode()
    assert _post(asker, f"/api/v1/accounts/{town.account.account_no}/refunds", body).status_code == 200
    listed = asker.get("/api/v1/refunds?status=pending").json()
    assert [r["id"] for r in listed] == [refund_id]
    assert asker.get("/api/v1/refunds?status=nonsense").status_code == 422
    # The asker cannot approve it (403); the unit's supervisor does.
    assert _post(asker, f"/api/v1/refunds/{refund_id}/decision", {"approve": True}).status_code == 403
    decided = _post(api_client(town.supervisor), f"/api/v1/refunds/{refund_id}/decision", {"approve": True})
    assert decided.json()["status"] == "approved"
    refund_export(scope=scope_for(asker_user), actor=asker_user)
    assert PrepaidBalance.objects.get(account=town.account).balance == D("40.00")
    failed = _post(asker, f"/api/v1/refunds/{refund_id}/failed", {"reason": "收款账户已销户"})
    assert failed.status_code == 200, failed.content
    assert (failed.json()["status"], failed.json()["failure_reason"]) == ("failed", "收款账户已销户")
    # The 60.00 is back in the balance, refundable again; the customer is told; once only.
    assert PrepaidBalance.objects.get(account=town.account).balance == D("100.00")
    assert Notice.objects.filter(template_code="refund_failed").count() == 1
    before = _snapshot()
    assert _post(asker, f"/api/v1/refunds/{refund_id}/failed", {"reason": "再次"}).status_code == 409
    assert _post(asker, f"/api/v1/refunds/{refund_id}/paid", {}).status_code == 409
    assert _snapshot() == before
    assert Refund.objects.get().status == "failed" and RefundBatch.objects.count() == 1
