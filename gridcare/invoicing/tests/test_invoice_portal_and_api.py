"""The customer's invoices page and download (their own accounts only), and the staff API:
list, one invoice, its PDF, the title read and set."""

from __future__ import annotations

import json

from gridcare.core.testing import City, api_client
from gridcare.invoicing.models import Invoice, InvoiceTitle
from gridcare.invoicing.tests.helpers import pay, pdf_text, work
from gridcare.portal.tests.conftest import Customer, li, zhang  # noqa: F401, F811 (the portal's customers, fixtures here too)
from gridcare.portal.tests.test_pay_pages import page_client


def test_a_customer_sees_and_downloads_their_own_invoices_only(town: City, zhang: Customer, li: Customer) -> None:  # noqa: F811
    pay(town, "113.00")
    work()
    invoice = Invoice.objects.get()
    mine = page_client(zhang.user)
    page = mine.get("/portal/invoices/")
    assert page.status_code == 200 and invoice.number in page.content.decode()
    document = mine.get(f"/portal/invoices/{invoice.pk}/pdf/")
    assert document.status_code == 200 and invoice.number in pdf_text(document.content)
    other = page_client(li.user)
    assert invoice.number not in other.get("/portal/invoices/").content.decode()
    assert other.get(f"/portal/invoices/{invoice.pk}/pdf/").status_code == 404


def test_the_api_lists_reads_and_prints_invoices_and_sets_the_title(town: City) -> None:
    pay(town, "113.00")
    work()
    invoice = Invoice.objects.get()
    client = api_client(town.clerk)
    listed = client.get("/api/v1/invoices", {"q": town.account.account_no})
    assert listed.status_code == 200 and listed["X-Total-Count"] == "1"
    row = listed.json()[0]
    assert (row["number"], row["gross"], row["net"], row["tax"]) == (invoice.number, "113.00", "100.00", "13.00")
    assert client.get(f"/api/v1/invoices/{invoice.pk}").json()["red"] is None
    assert client.get(f"/api/v1/invoices/{invoice.pk}/pdf")["Content-Type"] == "application/pdf"
    assert client.get("/api/v1/invoices/999999999").status_code == 404
    url = f"/api/v1/invoices/titles/{town.account.account_no}"
    assert client.get(url).json()["saved"] is False
    bad = {"kind": "organisation", "name": "某公司", "tax_number": "123"}
    refused = client.put(url, json.dumps(bad), content_type="application/json")
    assert refused.status_code == 422 and set(refused.json()["errors"]) == {"tax_number"}
    assert not InvoiceTitle.objects.exists()
    good = {**bad, "tax_number": "91110000600037341L", "email": "cw@example.cn"}
    saved = client.put(url, json.dumps(good), content_type="application/json")
    assert saved.status_code == 200
    assert (saved.json()["tax_number"], saved.json()["email"]) == ("91110000600037341L", "c***@example.cn")
    agent = api_client(town.agent).put(url, json.dumps(good), content_type="application/json")
    assert agent.status_code == 403
