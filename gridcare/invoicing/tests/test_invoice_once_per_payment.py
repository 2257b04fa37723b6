"""Each payment gets exactly one e-invoice, however often the worker runs (and, on PostgreSQL,
with two workers at once); an account that asks for bill invoices gets one per bill instead;
the invoice is e-mailed through the outbox when the buyer has an address."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from pytest_django import Settings

from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.testing import City, run_together
from gridcare.invoicing.models import Invoice, InvoiceEvent, InvoiceStatus
from gridcare.invoicing.services import title_set
from gridcare.invoicing.tests.helpers import pay, work
from gridcare.jobs.models import JobRun
from gridcare.notices.models import Notice
from gridcare.org.access import scope_for

D = Decimal


def test_the_job_issues_one_invoice_per_payment_however_often_it_runs(town: City) -> None:
    payment = pay(town, "113.00")
    call_command("worker", "--once", "issue_invoices", stdout=StringIO())
    call_command("worker", "--once", "issue_invoices", stdout=StringIO())
    invoice = Invoice.objects.get()
    assert (invoice.payment_id, invoice.kind, invoice.status) == (payment.pk, "blue", InvoiceStatus.ISSUED)
    assert (invoice.gross, invoice.net, invoice.tax, invoice.rate) == (D("113.00"), D("100.00"), D("13.00"), D("0.13"))
    assert len(invoice.number) == 20 and len(invoice.verification_code) == 20
    assert (invoice.title_kind, invoice.buyer_name, invoice.buyer_tax_number) == (
        "personal",
        town.account.customer.name,
        "",
    )
    assert list(JobRun.objects.order_by("id").values_list("counts", flat=True)) == [
        {"queued": 1, "issued": 1, "red": 0, "retried": 0, "failed": 0},
        {"queued": 0, "issued": 0, "red": 0, "retried": 0, "failed": 0},
    ]
    assert list(invoice.events.values_list("type", flat=True)) == ["queued", "issued"]


def test_an_organisation_title_is_invoiced_and_mailed(town: City) -> None:
    title_set(
        scope=scope_for(town.clerk),
        actor=town.clerk,
        account=town.account,
        kind="organisation",
        name="示范市某某科技有限公司",
        tax_number="914403001922038216",
        email="cw@example.cn",
    )
    pay(town, "0.01")
    work()
    invoice = Invoice.objects.get()
    assert (invoice.buyer_name, invoice.buyer_tax_number) == ("示范市某某科技有限公司", "914403001922038216")
    assert (invoice.gross, invoice.net, invoice.tax) == (D("0.01"), D("0.01"), D("0.00"))
    notice = Notice.objects.get(template_code="einvoice_issued")
    assert (notice.channel, notice.recipient) == ("email", "cw@example.cn")
    assert invoice.number in notice.body and "国网示范市供电公司" in notice.body
    work()
    assert Notice.objects.filter(template_code="einvoice_issued").count() == 1


def test_an_account_asking_for_bill_invoices_gets_one_per_bill_and_none_per_payment(town: City) -> None:
    title_set(
        scope=scope_for(town.clerk),
        actor=town.clerk,
        account=town.account,
        kind="personal",
        name="张三",
        bill_invoices=True,
    )
    bill = issued_bill(town.account, "2026-08", "226.00", date(2026, 9, 25))
    pay(town, "226.00")
    work()
    work()
    invoice = Invoice.objects.get()
    assert (invoice.bill_id, invoice.payment_id, invoice.source) == (bill.pk, None, "bill")
    assert (invoice.gross, invoice.net, invoice.tax) == (D("226.00"), D("200.00"), D("26.00"))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_issue_each_invoice_once(town: City) -> None:
    for i in range(6):
        pay(town, f"{10 + i}.00", txn=f"WX-{i}")
    results, errors = run_together(2, lambda _i: work().counts())
    assert errors == []
    assert sum(r["queued"] for r in results) == 6
    assert sum(r["issued"] for r in results) == 6
    assert Invoice.objects.filter(status=InvoiceStatus.ISSUED).count() == 6
    assert InvoiceEvent.objects.filter(type="issued").count() == 6
    assert len(set(Invoice.objects.values_list("number", flat=True))) == 6


def test_payments_before_the_configured_window_are_not_invoiced(town: City, settings: Settings) -> None:
    import config.settings

    settings.GRIDCARE_EINVOICE = {**config.settings.GRIDCARE_EINVOICE, "SINCE": "2099-01-01"}
    pay(town, "113.00")
    assert work().queued == 0
    settings.GRIDCARE_EINVOICE = {**config.settings.GRIDCARE_EINVOICE, "SINCE": "2000-01-01"}
    assert work().queued == 1
