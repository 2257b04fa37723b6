"""Builders for the e-invoice tests: a payment posted now, the job run once, a PDF's text."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils import timezone
from pypdf import PdfReader

from gridcare.billing.models import Payment
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.core.testing import City
from gridcare.invoicing.services import WorkDone, invoices_work
from gridcare.org.access import scope_for


def pay(town: City, amount: str, txn: str = "WX-1") -> Payment:
    data = PaymentIn("wechat", txn, town.account.account_no, Decimal(amount), timezone.now())
    payment, _created = payment_post(scope=scope_for(town.clerk), actor=town.clerk, data=data)
    return payment


def work() -> WorkDone:
    return invoices_work()


def pdf_text(document: bytes) -> str:
    assert document.startswith(b"%PDF")
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(document)).pages)
