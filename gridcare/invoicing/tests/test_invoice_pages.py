"""The staff pages: the invoice list (searched, masked), one invoice with its 冲红 history and
PDF, the account's title form (a bad tax number kept on its field, nothing saved); who may."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client

from gridcare.billing.services.reversals import payment_reverse
from gridcare.billing.tests.helpers import billing_clerk
from gridcare.core.testing import City
from gridcare.customers.rules import mask_name
from gridcare.invoicing.models import Invoice, InvoiceTitle
from gridcare.invoicing.tests.helpers import pay, pdf_text, work
from gridcare.org.access import scope_for


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_list_finds_an_accounts_invoices_and_masks_a_persons_name(town: City) -> None:
    pay(town, "113.00")
    work()
    invoice = Invoice.objects.get()
    page = _client(town.clerk).get("/invoices/", {"q": town.account.account_no})
    assert page.status_code == 200
    body = page.content.decode()
    assert invoice.number in body and mask_name(town.account.customer.name) in body
    assert town.account.customer.name not in body.replace(mask_name(town.account.customer.name), "")
    none = _client(town.clerk).get("/invoices/", {"q": "0000009999"})
    assert invoice.number not in none.content.decode()


def test_an_invoice_page_shows_its_red_invoice_and_the_pdf_downloads(town: City) -> None:
    payment = pay(town, "113.00")
    work()
    office = billing_clerk(town)
    payment_reverse(scope=scope_for(office), actor=office, payment=payment, reason="counter_error", reference="E-1")
    work()
    blue, red = Invoice.objects.get(kind="blue"), Invoice.objects.get(kind="red")
    page = _client(office).get(f"/invoices/{blue.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert f"/invoices/{red.pk}/" in body and red.number in body and "-113.00" in body
    red_page = _client(office).get(f"/invoices/{red.pk}/").content.decode()
    assert f"/invoices/{blue.pk}/" in red_page and "柜台差错" in red_page
    document = _client(office).get(f"/invoices/{red.pk}/pdf/")
    assert document["Content-Type"] == "application/pdf"
    text = pdf_text(document.content)
    assert "红字" in text and blue.number in text and "负壹佰壹拾叁元整" in text


def test_the_title_form_keeps_a_bad_tax_number_on_its_field_and_saves_nothing(town: City) -> None:
    url = f"/invoices/accounts/{town.account.account_no}/title/"
    client = _client(town.clerk)
    bad = {"kind": "organisation", "name": "示范市某某科技有限公司", "tax_number": "914403001922038217"}
    page = client.post(url, bad)
    assert page.status_code == 200
    body = page.content.decode()
    assert "校验位正确" in body and 'value="914403001922038217"' in body
    assert not InvoiceTitle.objects.exists()
    saved = client.post(url, {**bad, "tax_number": "914403001922038216", "email": "cw@example.cn"})
    assert saved.status_code == 302
    title = InvoiceTitle.objects.get()
    assert (title.kind, title.tax_number, title.email, title.updated_by) == (
        "organisation",
        "914403001922038216",
        "cw@example.cn",
        town.clerk,
    )
    assert "示范市某某科技有限公司" in client.get(url).content.decode()


def test_an_agent_reads_invoices_but_may_not_change_a_title(town: City) -> None:
    client = _client(town.agent)
    assert client.get("/invoices/").status_code == 200
    url = f"/invoices/accounts/{town.account.account_no}/title/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"kind": "personal", "name": "张三"}).status_code == 403
    assert not InvoiceTitle.objects.exists()
