"""Bill and receipt PDFs embed the font shipped in the repository, and that font has a glyph
for every character they print ("·", "¥", the labels, names and addresses)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from reportlab.pdfbase.ttfonts import TTFontFile

from gridcare.billing import pdf
from gridcare.billing.models import Bill, Payment
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.testing import City, make_account
from gridcare.org.access import scope_for


def _cmap() -> set[int]:
    return set(TTFontFile(str(pdf.FONT_FILE)).charToGlyph)


def _documents(town: City) -> tuple[Bill, Payment]:
    account = make_account(30, town.unit, town.hall, "欧阳鑫淼", address="上城区鑫苑路8号2幢301室（靠近菜场·东门）")
    bill = issued_bill(account, "2026-10", "88.00", date(2026, 11, 25))
    data = PaymentIn("counter_cash", "PDF1", account.account_no, Decimal("50.00"), datetime(2026, 11, 2, 2, tzinfo=UTC))
    payment, _created = payment_post(scope=scope_for(town.clerk), actor=town.clerk, data=data)
    bill.refresh_from_db()
    return Bill.objects.select_related("tariff", "account__customer", "account__supply_unit").get(pk=bill.pk), payment


def test_the_shipped_font_is_in_the_repository_and_small(town: City) -> None:
    assert pdf.FONT_FILE.is_file()
    assert pdf.FONT_FILE.stat().st_size < 3_000_000
    assert (pdf.FONT_FILE.parent / "OFL.txt").is_file()


def test_every_character_printed_has_a_glyph_in_the_embedded_font(town: City) -> None:
    bill, payment = _documents(town)
    texts = [pdf.company_name(), pdf.footer(), _("电费通知单"), _("电费缴费凭证"), "¥"]
    for label, value in [*pdf.bill_lines(bill), *pdf.receipt_lines(payment)]:
        texts += [label, value]
    used = {ord(c) for text in texts for c in text if not c.isspace()}
    assert {ord("·"), ord("¥"), ord("鑫"), ord("淼")} <= used
    assert used - _cmap() == set()


def test_the_pdfs_embed_the_shipped_font(town: City) -> None:
    bill, payment = _documents(town)
    for document in (pdf.bill_pdf(bill), pdf.receipt_pdf(payment)):
        fonts = set(re.findall(rb"/BaseFont /(?:[A-Z]{6}\+)?([A-Za-z0-9-]+)", document))
        assert fonts - {b"Helvetica"} == {b"GridcareSansSC"}  # Helvetica: reportlab's unused default
        assert b"/FontFile2" in document  # the TrueType program is inside the PDF
