"""The issuer's call holds no row lock and no transaction: a worker claims the invoice (issuing,
with the idempotency key it sends), commits, calls the issuer, then records the answer. A crash
during the call leaves the row issuing; once its lease has passed a retry sends the same key and
completes it, once. On PostgreSQL two workers issuing one payment at once make one invoice."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from gridcare.core.testing import City, run_together
from gridcare.invoicing.issuers import Issued, IssueRequest, SimulatedIssuer
from gridcare.invoicing.models import Invoice, InvoiceEvent, InvoiceStatus
from gridcare.invoicing.services import WorkDone, invoices_work
from gridcare.invoicing.services.issue import _claim, _issued, _queue, _request
from gridcare.invoicing.tests.helpers import pay, work


class Recording:
    """The simulated issuer, noting each call's key and whether a transaction was open; with
    ``crash`` the worker dies during the call (the issuer may or may not have made the invoice)."""

    name = "simulated"

    def __init__(self, *, crash: bool = False) -> None:
        self.calls: list[tuple[str, bool]] = []
        self.crash = crash
        self.inner = SimulatedIssuer()

    def issue(self, request: IssueRequest) -> Issued:
        self.calls.append((request.serial, connection.in_atomic_block))
        issued = self.inner.issue(request)
        if self.crash:
            raise RuntimeError("the worker was killed during the call")
        return issued


@pytest.mark.django_db(transaction=True)
def test_the_issuer_is_called_outside_any_transaction_with_the_claimed_key(town: City) -> None:
    pay(town, "113.00")
    issuer = Recording()
    assert invoices_work(issuer=issuer).issued == 1
    invoice = Invoice.objects.get()
    assert issuer.calls == [(f"GC{invoice.pk}", False)]
    assert (invoice.status, invoice.issue_key, invoice.attempts) == (InvoiceStatus.ISSUED, f"GC{invoice.pk}", 1)


def test_a_crash_during_the_call_leaves_a_row_a_retry_completes_with_the_same_key(town: City) -> None:
    pay(town, "113.00")
    t0 = timezone.now()
    crashing = Recording(crash=True)
    with pytest.raises(RuntimeError):
        invoices_work(now=t0, issuer=crashing)
    invoice = Invoice.objects.get()
    key = f"GC{invoice.pk}"
    assert (invoice.status, invoice.issue_key, invoice.attempts, invoice.number) == ("issuing", key, 1, "")
    assert invoice.next_attempt_at == t0 + timedelta(seconds=60)  # the lease: 3 × the 10 s timeout, at least 60 s
    early = Recording()
    assert invoices_work(now=t0 + timedelta(seconds=59), issuer=early).issued == 0
    assert early.calls == []  # still the crashed worker's claim
    retry = Recording()
    done = invoices_work(now=t0 + timedelta(seconds=60), issuer=retry)
    invoice.refresh_from_db()
    assert [serial for serial, _open in retry.calls] == [key]
    assert (done.issued, invoice.status, invoice.attempts, invoice.issue_key) == (1, InvoiceStatus.ISSUED, 2, key)
    assert list(invoice.events.values_list("type", flat=True)) == ["queued", "issued"]
    assert invoices_work(now=t0 + timedelta(hours=1), issuer=Recording()).issued == 0


def test_a_late_answer_after_a_lapsed_lease_adds_nothing(town: City) -> None:
    payment = pay(town, "113.00")
    t0 = timezone.now()
    _queue(town.account, "payment", payment.amount, t0, payment=payment)
    invoice = Invoice.objects.get()
    slow = _claim(invoice.pk, t0, SimulatedIssuer(), WorkDone())  # a worker that then hangs
    assert slow is not None and slow.status == InvoiceStatus.ISSUING
    assert invoices_work(now=t0 + timedelta(minutes=2)).issued == 1  # its lease lapsed: another finishes it
    done = WorkDone()
    _issued(slow, SimulatedIssuer().issue(_request(slow, t0)), SimulatedIssuer(), done)  # the hung one answers
    assert done.issued == 0
    assert InvoiceEvent.objects.filter(type="issued").count() == 1
    invoice.refresh_from_db()
    assert (invoice.status, invoice.attempts) == (InvoiceStatus.ISSUED, 2)


def test_the_simulated_issuer_answers_a_repeated_key_with_the_same_invoice_another_day() -> None:
    from dataclasses import replace

    from gridcare.invoicing.tests.test_invoice_provider_retries import _request as a_request

    first = SimulatedIssuer().issue(a_request())
    again = SimulatedIssuer().issue(replace(a_request(), attempt=2, on=date(2030, 1, 2)))
    assert again == first


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_issuing_one_payment_at_once_make_one_invoice(town: City) -> None:
    pay(town, "113.00")
    results, errors = run_together(2, lambda _i: work().counts())
    assert errors == []
    assert (sum(r["queued"] for r in results), sum(r["issued"] for r in results)) == (1, 1)
    invoice = Invoice.objects.get()
    assert (invoice.status, invoice.attempts, invoice.issue_key) == (InvoiceStatus.ISSUED, 1, f"GC{invoice.pk}")
    assert InvoiceEvent.objects.filter(type="issued").count() == 1
