"""Corrections under concurrent decisions, for real on PostgreSQL: two approvals of one
correction at once re-bill once (the other is refused, nothing doubled); two starts of the same
batch re-bill at once open one batch."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from gridcare.billing.models import Bill, BillCorrection, CorrectionEvent, PaymentAllocation, RebillBatch
from gridcare.billing.services import rebill
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.services.rebill import CorrectionIn, correction_decide, correction_request
from gridcare.billing.services.rebill_batch import rebill_batch_request
from gridcare.billing.tests.helpers import billable, billing_clerk, issued_bill, reading, tariffs
from gridcare.core.exceptions import Conflict
from gridcare.core.testing import City, run_together
from gridcare.notices.models import Notice
from gridcare.org.access import scope_for

D = Decimal


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_approvals_of_one_correction_at_once_rebill_once(town: City, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rebill, "business_date", lambda: date(2026, 12, 7))
    billable(town.account)
    reading(town.account, "2026-10", "200")
    bill = issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25))
    data = PaymentIn("wechat", "W1", town.account.account_no, D("100.00"), datetime(2026, 12, 5, 2, tzinfo=UTC))
    payment_post(scope=scope_for(town.clerk), actor=town.clerk, data=data)
    clerk = billing_clerk(town)
    ask = CorrectionIn(reason="reading", note="抄错表", request_key="RACE-1")
    correction, _ = correction_request(scope=scope_for(clerk), actor=clerk, bill=bill, data=ask)
    deciders = [town.supervisor, town.admin]

    def approve(i: int) -> int:
        found = BillCorrection.objects.select_related("bill__account").get(pk=correction.pk)
        done = correction_decide(scope=scope_for(deciders[i]), actor=deciders[i], correction=found, approve=True)
        assert done.new_bill_id is not None
        return done.new_bill_id

    results, errors = run_together(2, approve)
    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], Conflict)
    assert Bill.objects.filter(account=town.account, period="2026-10").count() == 2
    new = Bill.objects.get(pk=results[0])
    assert (new.amount, new.paid, new.status) == (D("107.60"), D("100.00"), "partly_paid")
    assert list(PaymentAllocation.objects.values_list("bill_id", "principal")) == [(new.pk, D("100.00"))]
    assert CorrectionEvent.objects.filter(type="done").count() == 1
    assert Notice.objects.filter(template_code="bill_corrected").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_starts_of_the_same_batch_at_once_open_one(town: City) -> None:
    tariffs()
    code = next(iter(tariffs()))

    def start(i: int) -> tuple[int, bool]:
        batch, created = rebill_batch_request(
            scope=scope_for(town.admin),
            actor=town.admin,
            period="2026-10",
            tariff_code=code,
            reason="电价更正",
            request_key=f"RACE-{i}",
        )
        return batch.pk, created

    results, errors = run_together(2, start)
    assert RebillBatch.objects.count() == 1
    assert all(isinstance(e, Conflict) for e in errors)
    assert [created for _, created in results].count(True) == 1
