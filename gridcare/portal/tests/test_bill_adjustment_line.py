"""A credit note the bill carries (issue 19) is a line of its own on the portal's bill page, in
the app's bill and in the bill's PDF (its text extracted), to the fen."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pypdf
import pytest
from django.test import Client

from gridcare.billing.services.adjustments import AdjustmentIn, adjustment_request
from gridcare.billing.services.bill_run import bill_run_start
from gridcare.billing.tests.helpers import billable, billing_clerk, reading, tariffs
from gridcare.core.testing import City
from gridcare.org.access import scope_for
from gridcare.portal import usage_api, usage_views
from gridcare.portal.access import COOKIE, USER_KEY, SessionStore
from gridcare.portal.tests.conftest import Customer


def test_the_credit_note_is_a_line_on_the_page_the_app_and_the_pdf(
    town: City, zhang: Customer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for module in (usage_api, usage_views):
        monkeypatch.setattr(module, "business_date", lambda: date(2026, 11, 10))
    tariffs()
    billable(town.account)
    reading(town.account, "2026-10", "200")  # 107.60
    clerk = billing_clerk(town)
    note = AdjustmentIn(kind="credit", reason="reading", amount=Decimal("20.50"), note="上月多抄", request_key="P1")
    adjustment_request(scope=scope_for(clerk), actor=clerk, account=town.account, data=note)
    bill_run_start(period="2026-10")
    no = town.account.account_no
    app = zhang.api().get(f"/api/v1/portal/accounts/{no}/bills/2026-10").json()
    assert (app["energy_charge"], app["adjustment"], app["amount"]) == ("107.60", "-20.50", "87.10")
    client = Client()
    client.cookies[COOKIE] = _page_session(zhang)
    page = client.get(f"/portal/accounts/{no}/bills/2026-10/").content.decode()
    assert "<dt>退补电费</dt><dd>¥-20.50</dd>" in page and "¥87.10" in page
    pdf = client.get(f"/portal/accounts/{no}/bills/2026-10/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    assert "退补电费" in text and "-20.50 元" in text and "87.10 元" in text


def _page_session(customer: Customer) -> str:
    store = SessionStore()
    store[USER_KEY] = customer.user.pk
    store.save()
    assert store.session_key is not None
    return store.session_key
