"""A reversed payment's e-invoice is cancelled by a red invoice (冲红) equal and opposite,
referencing it, issued once by the worker; an invoice not yet issued is simply not issued."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from gridcare.billing.models import Payment
from gridcare.billing.services.reversals import payment_reverse
from gridcare.billing.tests.helpers import billing_clerk
from gridcare.core.testing import City
from gridcare.invoicing.models import Invoice, InvoiceStatus
from gridcare.invoicing.services.issue import _queue  # the queueing step alone, before the issuer ran
from gridcare.invoicing.tests.helpers import pay, work
from gridcare.notices.models import Notice
from gridcare.org.access import scope_for

D = Decimal


def _reverse(town: City, payment_pk: int, reference: str = "CB-1") -> None:
    office = User.objects.filter(username="billing").first() or billing_clerk(town)
    payment = Payment.objects.get(pk=payment_pk)
    payment_reverse(scope=scope_for(office), actor=office, payment=payment, reason="chargeback", reference=reference)


def test_a_reversed_payment_gets_a_red_invoice_equal_and_opposite(town: City) -> None:
    payment = pay(town, "700.00")
    work()
    blue = Invoice.objects.get()
    assert (blue.gross, blue.net, blue.tax) == (D("700.00"), D("619.47"), D("80.53"))
    _reverse(town, payment.pk)
    _reverse(town, payment.pk)  # the same reference again: one reversal, one red invoice
    red = Invoice.objects.get(kind="red")
    assert (red.original_id, red.payment_id, red.status) == (blue.pk, payment.pk, InvoiceStatus.PENDING)
    assert (red.gross, red.net, red.tax) == (D("-700.00"), D("-619.47"), D("-80.53"))
    assert red.reason == "拒付（退单）"
    done = work()
    work()
    red.refresh_from_db()
    assert (done.red, done.issued, red.status) == (1, 0, InvoiceStatus.ISSUED)
    assert red.number and red.number != blue.number
    assert (blue.gross + red.gross, blue.net + red.net, blue.tax + red.tax) == (0, 0, 0)
    assert Invoice.objects.count() == 2
    assert list(red.events.values_list("type", flat=True)) == ["red_queued", "issued"]


def test_a_payment_reversed_before_its_invoice_was_issued_is_never_invoiced(town: City) -> None:
    payment = pay(town, "50.00")
    _queue(payment.account, "payment", payment.amount, timezone.now(), payment=payment)
    _reverse(town, payment.pk)
    blue = Invoice.objects.get()
    assert blue.status == InvoiceStatus.CANCELLED
    done = work()
    assert (done.queued, done.issued, done.red) == (0, 0, 0)
    assert Invoice.objects.count() == 1
    assert not Notice.objects.filter(template_code__startswith="einvoice").exists()


def test_a_payment_reversed_before_the_worker_saw_it_is_not_invoiced(town: City) -> None:
    payment = pay(town, "50.00")
    _reverse(town, payment.pk)
    assert work().queued == 0
    assert not Invoice.objects.exists()
