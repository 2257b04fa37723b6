"""The invoice PDF opens and says who sold what to whom, with the tax split and the amount in
capitals; bills, receipts and invoices carry the company configured (another company's name,
hotline, bank and seal image), not one written in code."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pytest_django import Settings

from gridcare.billing.pdf import bill_pdf, receipt_pdf
from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.testing import City
from gridcare.invoicing.models import Invoice
from gridcare.invoicing.pdf import invoice_pdf
from gridcare.invoicing.tests.helpers import pay, pdf_text, work


@pytest.fixture
def other_company(settings: Settings, tmp_path: Path) -> dict[str, Any]:
    seal = tmp_path / "seal.png"
    Image.new("RGBA", (120, 120), (200, 0, 0, 160)).save(seal)
    conf = {
        "NAME": "国网样板县供电有限责任公司",
        "ADDRESS": "样板县人民路 8 号",
        "HOTLINE": "0571-12345678",
        "BANK_NAME": "中国建设银行样板县支行",
        "BANK_ACCOUNT": "33050100000000000099",
        "TAX_NUMBER": "91110000600037341L",
        "SEAL_IMAGE": str(seal),
        "LOGO_IMAGE": str(seal),
        "COLOUR": "#c00000",
    }
    settings.GRIDCARE_COMPANY = conf
    return conf


def test_the_invoice_pdf_shows_seller_buyer_and_the_split(town: City) -> None:
    pay(town, "113.00")
    work()
    invoice = Invoice.objects.select_related("account", "payment").get()
    text = pdf_text(invoice_pdf(invoice))
    for expected in (
        "电子发票（普通发票）",
        "国网示范市供电公司",
        "91330100MA2H00000L",
        invoice.number,
        invoice.buyer_name,
        "100.00",
        "13.00",
        "壹佰壹拾叁元整",
        town.account.account_no,
    ):
        assert expected in text, expected


def test_bills_receipts_and_invoices_carry_the_configured_company(town: City, other_company: dict[str, Any]) -> None:
    bill = issued_bill(town.account, "2026-08", "226.00", date(2026, 9, 25))
    payment = pay(town, "226.00")
    work()
    invoice = Invoice.objects.select_related("account", "payment").get()
    for document in (bill_pdf(bill), receipt_pdf(payment), invoice_pdf(invoice)):
        text = pdf_text(document)
        assert "国网样板县供电有限责任公司" in text
        assert "国网示范市供电公司" not in text
    assert "0571-12345678" in pdf_text(receipt_pdf(payment))
    assert "33050100000000000099" in pdf_text(invoice_pdf(invoice))
    assert "91110000600037341L" in pdf_text(invoice_pdf(invoice))
