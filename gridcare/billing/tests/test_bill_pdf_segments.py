"""A period split by a transfer or a closure has two bills (``Bill.segment``): the bill PDF and
print page by period (staff) and the portal's bill page and PDF serve the segment asked
(``?segment=``), the month's regular bill without it, 404 for a segment that is not there, and
never a 500; the account and bill pages link each bill with its segment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gridcare.billing.models import Bill
from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.testing import City, signed_in
from gridcare.portal.services import bindings
from gridcare.portal.tests.conftest import PHONE, sign_in_by_code
from gridcare.portal.tests.visit_helpers import page_client

D = Decimal


@pytest.fixture
def split(town: City) -> tuple[Bill, Bill]:
    """November 2026 in two: the old holder's final bill (segment 1) and the regular bill (0)."""
    final = issued_bill(town.account, "2026-11", "73.95", date(2026, 12, 10))
    Bill.objects.filter(pk=final.pk).update(segment=1)
    regular = issued_bill(town.account, "2026-11", "73.25", date(2026, 12, 25))
    return Bill.objects.get(pk=regular.pk), Bill.objects.get(pk=final.pk)


def _served(monkeypatch: pytest.MonkeyPatch, target: str) -> list[int]:
    served: list[int] = []

    def pdf(bill: Bill) -> bytes:
        served.append(bill.pk)
        return b"%PDF-1.4"

    monkeypatch.setattr(target, pdf)
    return served


def test_the_staff_pdf_and_print_page_serve_the_segment_asked(
    town: City, split: tuple[Bill, Bill], monkeypatch: pytest.MonkeyPatch
) -> None:
    regular, final = split
    served = _served(monkeypatch, "gridcare.billing.views.bill_pdf")
    client = signed_in(town.clerk)
    url = f"/billing/accounts/{town.account.account_no}/bills/2026-11.pdf"
    answers = [client.get(url + query).status_code for query in ("", "?segment=0", "?segment=1")]
    assert (answers, served) == ([200, 200, 200], [regular.pk, regular.pk, final.pk])
    for query in ("?segment=2", "?segment=x", "?segment=-1", "?segment=99999999999"):
        assert client.get(url + query).status_code == 404
    page = client.get(f"/billing/accounts/{town.account.account_no}/?print=bill&period=2026-11&segment=1")
    assert page.status_code == 200 and page.context["bill"].pk == final.pk
    assert "bills/2026-11.pdf?segment=1" in page.content.decode()
    account_page = client.get(f"/billing/accounts/{town.account.account_no}/").content.decode()
    assert "bills/2026-11.pdf?segment=0" in account_page and "bills/2026-11.pdf?segment=1" in account_page
    assert "period=2026-11&amp;segment=1" in account_page


def test_the_portal_bill_and_its_pdf_serve_the_segment_asked(
    town: City, split: tuple[Bill, Bill], monkeypatch: pytest.MonkeyPatch
) -> None:
    regular, final = split
    user = sign_in_by_code(PHONE)
    bindings.account_bind(user=user, account_no=town.account.account_no, name="张三")
    served = _served(monkeypatch, "gridcare.portal.usage_views.bill_pdf")
    client = page_client(user)
    base = f"/portal/accounts/{town.account.account_no}/bills/2026-11/"
    assert [client.get(base + "pdf/" + q).status_code for q in ("", "?segment=1")] == [200, 200]
    assert served == [regular.pk, final.pk]
    assert client.get(base + "pdf/?segment=7").status_code == 404
    page = client.get(base + "?segment=1")
    assert page.status_code == 200 and page.context["b"].pk == final.pk
    assert "bills/2026-11/pdf/?segment=1" in page.content.decode()
    listing = client.get(f"/portal/accounts/{town.account.account_no}/bills/").content.decode()
    assert "bills/2026-11/?segment=0" in listing and "bills/2026-11/?segment=1" in listing
