"""A credit balance's refund: asked by the billing office (held at once, a double click one
refund, never above the balance), approved by a second person (the asker cannot), exported once
in the bank's payment file, marked paid (the customer told); a rejection gives the hold back.
Every refusal changes nothing."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from gridcare.billing import refund_selectors
from gridcare.billing.models import PrepaidBalance, PrepaidEntry, Refund, RefundBatch, RefundEvent
from gridcare.billing.services.refunds import (
    RefundIn,
    refund_batch_paid,
    refund_decide,
    refund_export,
    refund_request,
)
from gridcare.billing.tests.helpers import billing_clerk
from gridcare.core.exceptions import Conflict, Forbidden, InvalidInput
from gridcare.core.testing import City
from gridcare.notices.models import Notice
from gridcare.org.access import scope_for

D = Decimal


def _bank(amount: str, key: str | None = None) -> RefundIn:
    return RefundIn(
        amount=D(amount),
        method="bank",
        reason="多缴电费退回",
        request_key=key or uuid.uuid4().hex,
        payee_name="张三",
        bank_name="工商银行杭州分行",
        bank_account="6222 0212 3456 7890 123",
    )


def _balance(town: City) -> Decimal:
    return PrepaidBalance.objects.get(account=town.account).balance


def _snapshot() -> tuple[object, ...]:
    return (
        tuple(Refund.objects.order_by("id").values_list("status", "batch_id", "amount")),
        tuple(PrepaidBalance.objects.values_list("balance", flat=True)),
        PrepaidEntry.objects.count(),
        RefundEvent.objects.count(),
        RefundBatch.objects.count(),
        Notice.objects.count(),
    )


@pytest.fixture
def funded(town: City) -> City:
    PrepaidBalance.objects.create(account=town.account, balance=D("100.00"))
    return town


def test_a_refund_asked_approved_exported_once_and_paid(funded: City) -> None:
    town = funded
    clerk = billing_clerk(town)
    office = scope_for(clerk)
    key = uuid.uuid4().hex
    refund, created = refund_request(scope=office, actor=clerk, account=town.account, data=_bank("60.00", key))
    assert created and refund.status == "pending" and _balance(town) == D("40.00")
    again, created = refund_request(scope=office, actor=clerk, account=town.account, data=_bank("60.00", key))
    assert (again.pk, created, _balance(town)) == (refund.pk, False, D("40.00"))
    assert refund.bank_account == "6222021234567890123"

    before = _snapshot()
    with pytest.raises(InvalidInput, match="超过可退余额 40.00 元"):
        refund_request(scope=office, actor=clerk, account=town.account, data=_bank("40.01"))
    with pytest.raises(Forbidden, match="申请人以外"):
        refund_decide(scope=office, actor=clerk, refund=refund, approve=True)
    with pytest.raises(Conflict, match="没有待导出"):
        refund_export(scope=office, actor=clerk)
    assert _snapshot() == before

    refund = refund_decide(scope=scope_for(town.supervisor), actor=town.supervisor, refund=refund, approve=True)
    assert (refund.status, refund.decided_by) == ("approved", town.supervisor)
    batch = refund_export(scope=office, actor=clerk)
    assert (batch.lines, batch.total) == (1, D("60.00"))
    before = _snapshot()
    with pytest.raises(Conflict, match="没有待导出"):
        refund_export(scope=office, actor=clerk)
    assert _snapshot() == before
    # The bank's file has the whole number; the list's export and the pages show the last four.
    [line] = list(refund_selectors.refund_file_lines(batch))
    assert line[5] == "6222021234567890123" and line[8] == D("60.00")
    [listed] = list(refund_selectors.refund_list_lines(Refund.objects.all()))
    assert "6222021234567890123" not in " ".join(map(str, listed)) and listed[5].endswith("**** 0123")

    refund_batch_paid(scope=office, actor=clerk, batch=batch)
    refund.refresh_from_db()
    assert refund.status == "paid" and _balance(town) == D("40.00")
    message = Notice.objects.get(template_code="refund_paid")
    assert "退款60.00元" in message.body and "尾号 0123 的银行账户" in message.body
    with pytest.raises(Conflict):
        refund_batch_paid(scope=office, actor=clerk, batch=batch)
    types = list(RefundEvent.objects.filter(refund=refund).order_by("id").values_list("type", flat=True))
    assert types == ["requested", "approved", "exported", "paid"]


def test_a_rejected_refund_gives_the_hold_back(funded: City) -> None:
    town = funded
    clerk = billing_clerk(town)
    refund, _ = refund_request(scope=scope_for(clerk), actor=clerk, account=town.account, data=_bank("100.00"))
    assert _balance(town) == D("0.00")
    refund_decide(
        scope=scope_for(town.supervisor), actor=town.supervisor, refund=refund, approve=False, note="账户有误"
    )
    refund.refresh_from_db()
    assert (refund.status, refund.decision_note, _balance(town)) == ("rejected", "账户有误", D("100.00"))
    entries = list(PrepaidEntry.objects.order_by("id").values_list("kind", "amount"))
    assert entries == [("refund", D("-100.00")), ("released", D("100.00"))]
    before = _snapshot()
    with pytest.raises(Conflict):
        refund_decide(scope=scope_for(town.supervisor), actor=town.supervisor, refund=refund, approve=True)
    assert _snapshot() == before


def test_who_may_ask_and_decide(funded: City) -> None:
    town = funded
    before = _snapshot()
    for person in (town.clerk, town.manager, town.supervisor, town.agent):
        with pytest.raises(Forbidden):
            refund_request(scope=scope_for(person), actor=person, account=town.account, data=_bank("10.00"))
    assert _snapshot() == before
    clerk = billing_clerk(town)
    refund, _ = refund_request(scope=scope_for(clerk), actor=clerk, account=town.account, data=_bank("10.00"))
    before = _snapshot()
    for person in (town.clerk, town.manager, town.agent):
        with pytest.raises(Forbidden):
            refund_decide(scope=scope_for(person), actor=person, refund=refund, approve=True)
    assert _snapshot() == before


def test_a_bad_destination_is_refused_field_by_field(funded: City) -> None:
    town = funded
    clerk = billing_clerk(town)
    bad = RefundIn(amount=D("0.001"), method="bank", reason="", request_key="k", bank_account="12ab")
    before = _snapshot()
    with pytest.raises(InvalidInput) as refused:
        refund_request(scope=scope_for(clerk), actor=clerk, account=town.account, data=bad)
    assert set(refused.value.errors) == {"amount", "reason", "payee_name", "bank_name", "bank_account"}
    original = RefundIn(amount=D("5.00"), method="original", reason="退回", request_key="k2", payment_id=999)
    with pytest.raises(InvalidInput) as refused:
        refund_request(scope=scope_for(clerk), actor=clerk, account=town.account, data=original)
    assert set(refused.value.errors) == {"payment_id"}
    assert _snapshot() == before
