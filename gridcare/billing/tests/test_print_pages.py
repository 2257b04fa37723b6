"""Bills and receipts printed through the browser (issue 13): the account page, asked to print,
shows the PDF's lines as a page with a print button, an A4 stylesheet for the bill and the
80 mm one for the receipt; the same scope as the account page (404 outside it)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from gridcare.billing.models import Payment
from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.testing import City, signed_in
from gridcare.core.timezone import business_date

pytestmark = pytest.mark.django_db


def _due() -> date:
    """Not due yet whenever the suite runs: the payment goes to the bill, no penalty."""
    return business_date() + timedelta(days=20)


def _paid(town: City) -> Payment:
    issued_bill(town.account, "2026-10", "88.00", _due())
    signed_in(town.clerk).post(
        f"/billing/accounts/{town.account.account_no}/pay/",
        {"channel": "counter_cash", "amount": "88.00", "idempotency_key": str(uuid.uuid4())},
    )
    return Payment.objects.get()


def test_the_bill_prints_on_a4_with_the_lines_of_its_pdf(town: City) -> None:
    _paid(town)
    no = town.account.account_no
    answer = signed_in(town.clerk).get(f"/billing/accounts/{no}/?print=bill&period=2026-10")
    page = answer.content.decode()
    assert answer.status_code == 200
    assert '<link rel="stylesheet" href="/static/billing/print-a4.css">' in page
    assert "print-80mm.css" not in page
    assert '<button type="button" class="primary" id="print-document" data-print>打印（A4）</button>' in page
    assert f'<a class="button" href="/billing/accounts/{no}/bills/2026-10.pdf?segment=0">PDF</a>' in page
    assert '<header><div class="company">国网示范市供电公司</div><h1>电费通知单</h1></header>' in page
    assert f'<tr><th scope="row">户号</th><td>{no}</td></tr>' in page
    assert '<tr><th scope="row">本期电费</th><td>88.00 元</td></tr>' in page
    assert f'<tr><th scope="row">缴费截止日</th><td>{_due().isoformat()}</td></tr>' in page
    assert "<footer>服务热线 95598 · 本单据由系统生成</footer>" in page
    assert '<script src="/static/halls/print.js"></script>' in page


def test_the_receipt_prints_on_80mm_paper(town: City) -> None:
    payment = _paid(town)
    no = town.account.account_no
    page = signed_in(town.clerk).get(f"/billing/accounts/{no}/?print=receipt&payment={payment.pk}").content.decode()
    assert '<link rel="stylesheet" href="/static/halls/print-80mm.css">' in page
    assert '<article class="document receipt slip" id="document">' in page
    assert '<div class="slip-type">电费缴费凭证</div>' in page
    assert "<tr><td>缴费金额</td><td>88.00 元</td></tr>" in page
    assert "<tr><td>其中违约金</td><td>0.00 元</td></tr>" in page
    assert "<tr><td>其中电费</td><td>88.00 元</td></tr>" in page
    assert f'<a class="button" href="/billing/accounts/{no}/receipts/{payment.pk}.pdf">PDF</a>' in page


def test_the_account_page_links_each_bill_and_payment_to_its_print(town: City) -> None:
    payment = _paid(town)
    page = signed_in(town.clerk).get(f"/billing/accounts/{town.account.account_no}/").content.decode()
    assert '<a href="?print=bill&amp;period=2026-10&amp;segment=0">打印</a>' in page
    assert f'<a href="?print=receipt&amp;payment={payment.pk}">打印凭条</a>' in page


@pytest.mark.parametrize(
    "query", ["print=bill&period=2099-01", "print=receipt&payment=0", "print=receipt&payment=99999999999999999999999"]
)
def test_a_missing_bill_or_payment_is_404(town: City, query: str) -> None:
    _paid(town)
    answer = signed_in(town.clerk).get(f"/billing/accounts/{town.account.account_no}/?{query}")
    assert answer.status_code == 404


def test_outside_the_scope_is_404_like_the_account_page(town: City) -> None:
    payment = _paid(town)
    no = town.account.account_no
    foreign = signed_in(town.foreign_clerk)
    assert foreign.get(f"/billing/accounts/{no}/?print=bill&period=2026-10").status_code == 404
    assert foreign.get(f"/billing/accounts/{no}/?print=receipt&payment={payment.pk}").status_code == 404
