"""A provider that fails is retried with growing waits and the invoice issued once it answers;
after the last attempt the invoice is marked failed, and correcting the title issues it again.
The HTTP adapter is switched on by configuration (its request shape checked, never called)."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from pytest_django import Settings

from gridcare.core.testing import City
from gridcare.invoicing.exceptions import IssuerError
from gridcare.invoicing.issuers import HttpIssuer, IssueRequest, SimulatedIssuer, issuer_for
from gridcare.invoicing.models import Invoice, InvoiceStatus
from gridcare.invoicing.services import invoices_work, title_set
from gridcare.invoicing.tests.helpers import pay
from gridcare.org.access import scope_for

D = Decimal


@pytest.fixture
def einvoice(settings: Settings) -> dict[str, Any]:
    import config.settings

    conf: dict[str, Any] = dict(config.settings.GRIDCARE_EINVOICE)
    settings.GRIDCARE_EINVOICE = conf
    return conf


def test_a_failing_provider_is_retried_then_the_invoice_issued_once(town: City, einvoice: dict[str, Any]) -> None:
    einvoice["SIMULATED_FAILURES"] = 2
    pay(town, "113.00")
    t0 = timezone.now()
    first = invoices_work(now=t0)
    invoice = Invoice.objects.get()
    assert (first.queued, first.retried, invoice.attempts, invoice.status) == (1, 1, 1, InvoiceStatus.PENDING)
    assert invoice.next_attempt_at == t0 + timedelta(minutes=5)
    assert invoices_work(now=t0 + timedelta(minutes=4)).counts()["retried"] == 0  # not due yet
    assert invoices_work(now=t0 + timedelta(minutes=5)).retried == 1
    invoice.refresh_from_db()
    assert invoice.next_attempt_at == t0 + timedelta(minutes=15)  # 5, then 10
    done = invoices_work(now=t0 + timedelta(minutes=15))
    invoice.refresh_from_db()
    assert (done.issued, invoice.status, invoice.attempts, invoice.last_error) == (1, InvoiceStatus.ISSUED, 3, "")
    assert list(invoice.events.values_list("type", flat=True)) == ["queued", "retry", "retry", "issued"]
    assert invoices_work(now=t0 + timedelta(hours=1)).issued == 0


def test_after_the_last_attempt_it_fails_and_a_corrected_title_issues_it(town: City, einvoice: dict[str, Any]) -> None:
    einvoice["SIMULATED_FAILURES"], einvoice["MAX_ATTEMPTS"] = 9, 2
    pay(town, "113.00")
    t0 = timezone.now()
    invoices_work(now=t0)
    assert invoices_work(now=t0 + timedelta(minutes=5)).failed == 1
    invoice = Invoice.objects.get()
    assert (invoice.status, invoice.attempts) == (InvoiceStatus.FAILED, 2)
    assert invoices_work(now=t0 + timedelta(days=1)).counts() == {
        "queued": 0,
        "issued": 0,
        "red": 0,
        "retried": 0,
        "failed": 0,
    }
    einvoice["SIMULATED_FAILURES"] = 0
    title_set(
        scope=scope_for(town.clerk),
        actor=town.clerk,
        account=town.account,
        kind="organisation",
        name="示范市某某科技有限公司",
        tax_number="91110000600037341L",
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.attempts, invoice.buyer_tax_number) == ("pending", 0, "91110000600037341L")
    assert invoices_work().issued == 1


def _request() -> IssueRequest:
    return IssueRequest(
        serial="GC7",
        invoice_id=7,
        kind="blue",
        attempt=1,
        seller_name="国网示范市供电公司",
        seller_tax_number="91330100MA2H00000L",
        buyer_name="张三",
        buyer_tax_number="",
        title_kind="personal",
        item_name="*供电*电费",
        tax_code="1100101010000000000",
        net=D("100.00"),
        tax=D("13.00"),
        gross=D("113.00"),
        rate=D("0.13"),
        original_number="",
        on=timezone.localdate(),
    )


def test_the_http_adapter_is_chosen_by_configuration_and_signs_its_request(einvoice: dict[str, Any]) -> None:
    assert isinstance(issuer_for(), SimulatedIssuer)
    einvoice.update(PROVIDER="http", HTTP_URL="https://fp.example.cn/issue", HTTP_APP_ID="gc", HTTP_SECRET="s3")
    issuer = issuer_for()
    assert isinstance(issuer, HttpIssuer)
    body = issuer.body(_request())
    payload = json.loads(body)
    assert (payload["serial"], payload["total"], payload["items"][0]["tax"]) == ("GC7", "113.00", "13.00")
    assert issuer.signature(body) == issuer.signature(body) and len(issuer.signature(body)) == 64
    issued = HttpIssuer.answer(
        {
            "code": 0,
            "number": "26339000000000000007",
            "verification_code": "1" * 20,
            "issued_at": "2026-12-07T10:00:00+08:00",
        }
    )
    assert issued.number == "26339000000000000007"
    with pytest.raises(IssuerError) as refused:
        HttpIssuer.answer({"code": 4001, "message": "购买方税号有误"})
    assert not refused.value.temporary


def test_the_simulated_issuer_gives_the_same_invoice_the_same_answer() -> None:
    a, b = SimulatedIssuer().issue(_request()), SimulatedIssuer().issue(_request())
    assert (a.number, a.verification_code) == (b.number, b.verification_code)
    assert a.number.endswith("000000000000007") and len(a.number) == 20
