"""A bill cancelled by a re-bill has its e-invoice red-lettered (冲红) in the same step, as a
reversed payment does, and the replacement bill of an account that wants bill invoices gets its
own blue invoice; a bill invoice not yet sent is simply not issued."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gridcare.billing.models import Bill, BillCorrection
from gridcare.billing.services import rebill
from gridcare.billing.services.rebill import CorrectionIn, correction_decide, correction_request
from gridcare.billing.tests.helpers import billable, billing_clerk, issued_bill, reading
from gridcare.core.testing import City
from gridcare.invoicing.models import Invoice, InvoiceStatus
from gridcare.invoicing.services import title_set
from gridcare.invoicing.services.issue import _queue
from gridcare.invoicing.tests.helpers import work
from gridcare.org.access import scope_for

D = Decimal
TODAY = date(2026, 12, 7)


@pytest.fixture
def wrong(town: City, monkeypatch: pytest.MonkeyPatch) -> Bill:
    """A 2026-10 bill of 339.00 of an account invoiced per bill; its reading of 200 kWh is
    107.60 by the tariff."""
    monkeypatch.setattr(rebill, "business_date", lambda: TODAY)
    title_set(
        scope=scope_for(town.clerk),
        actor=town.clerk,
        account=town.account,
        kind="personal",
        name="张三",
        bill_invoices=True,
    )
    billable(town.account)
    reading(town.account, "2026-10", "200")
    return issued_bill(town.account, "2026-10", "339.00", date(2026, 11, 25))


def _rebill(town: City, bill: Bill) -> Bill:
    clerk = billing_clerk(town)
    data = CorrectionIn(reason="reading", note="抄错表", request_key="K1")
    correction, _ = correction_request(scope=scope_for(clerk), actor=clerk, bill=bill, data=data)
    correction_decide(scope=scope_for(town.supervisor), actor=town.supervisor, correction=correction, approve=True)
    return Bill.objects.get(pk=BillCorrection.objects.get().new_bill_id)


def test_an_issued_bill_invoice_is_red_lettered_and_the_new_bill_invoiced(town: City, wrong: Bill) -> None:
    assert work().issued == 1
    blue = Invoice.objects.get(bill=wrong)
    assert (blue.status, blue.gross, blue.net, blue.tax) == (InvoiceStatus.ISSUED, D("339.00"), D("300.00"), D("39.00"))
    new = _rebill(town, wrong)
    red = Invoice.objects.get(kind="red")
    assert (red.original_id, red.bill_id, red.source, red.status) == (blue.pk, wrong.pk, "bill", InvoiceStatus.PENDING)
    assert (red.gross, red.net, red.tax) == (D("-339.00"), D("-300.00"), D("-39.00"))
    assert red.reason == "账单作废重新出账"
    fresh = Invoice.objects.get(bill=new, kind="blue")
    assert (fresh.status, fresh.gross, fresh.net, fresh.tax) == (
        InvoiceStatus.PENDING,
        D("107.60"),
        D("95.22"),
        D("12.38"),
    )
    done = work()
    assert (done.queued, done.issued, done.red) == (0, 1, 1)
    assert work().counts() == {"queued": 0, "issued": 0, "red": 0, "retried": 0, "failed": 0}
    red.refresh_from_db()
    fresh.refresh_from_db()
    assert red.status == fresh.status == InvoiceStatus.ISSUED
    assert len({blue.number, red.number, fresh.number}) == 3
    assert Invoice.objects.count() == 3


def test_a_bill_invoice_not_yet_sent_is_not_issued_and_the_new_bill_gets_one(town: City, wrong: Bill) -> None:
    from django.utils import timezone

    _queue(wrong.account, "bill", wrong.amount, timezone.now(), bill=wrong)
    new = _rebill(town, wrong)
    assert Invoice.objects.get(bill=wrong).status == InvoiceStatus.CANCELLED
    assert not Invoice.objects.filter(kind="red").exists()
    done = work()
    assert (done.queued, done.issued, done.red) == (0, 1, 0)
    assert Invoice.objects.get(bill=new).gross == D("107.60")
    assert Invoice.objects.count() == 2


def test_a_cancelled_bill_is_never_queued(town: City, wrong: Bill) -> None:
    new = _rebill(town, wrong)  # before the worker saw the first bill
    assert work().issued == 1
    assert list(Invoice.objects.values_list("bill_id", flat=True)) == [new.pk]
