"""A reconnection task (复电) is scheduled only for an account whose supply was actually cut off."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from gridcare.billing.models import Bill, BillEvent, DunningStep, DunningStepKind
from gridcare.billing.services.arrears import dunning_record
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.tests.helpers import billing_clerk, issued_bill
from gridcare.core.testing import City, signed_in
from gridcare.org.access import scope_for

PAID_AT = datetime(2027, 1, 3, 2, 0, tzinfo=UTC)


def _pay_everything(town: City, txn: str) -> None:
    data = PaymentIn("counter_cash", txn, town.account.account_no, Decimal("400.00"), PAID_AT)
    payment_post(scope=scope_for(town.clerk), actor=town.clerk, data=data)


def _noticed(town: City) -> Bill:
    bill = issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25))
    dunning_record(bill=bill, step=DunningStepKind.REMINDER, on=date(2026, 11, 26), actor=town.clerk)
    dunning_record(bill=bill, step=DunningStepKind.CUTOFF_NOTICE, on=date(2026, 12, 27), actor=town.clerk)
    return bill


def _reconnections_listed(town: City) -> list[int]:
    page = signed_in(billing_clerk(town)).get("/billing/dunning/")
    return [step.bill_id for step in page.context["reconnections"]]


def test_paying_after_a_cutoff_notice_alone_schedules_no_reconnection(town: City) -> None:
    _noticed(town)
    _pay_everything(town, "R1")
    assert list(DunningStep.objects.order_by("id").values_list("step", flat=True)) == ["reminder", "cutoff_notice"]
    assert not BillEvent.objects.filter(type="dunning_reconnect_scheduled").exists()
    assert _reconnections_listed(town) == []


def test_paying_after_a_real_cutoff_schedules_one_reconnection_within_the_time_limit(town: City) -> None:
    bill = _noticed(town)
    dunning_record(bill=bill, step=DunningStepKind.CUTOFF, on=date(2026, 12, 31), actor=town.clerk)
    _pay_everything(town, "R2")
    reconnect = DunningStep.objects.get(step="reconnect")
    assert (reconnect.bill_id, reconnect.deadline, reconnect.done_on) == (
        bill.pk,
        PAID_AT + timedelta(hours=24),
        date(2027, 1, 3),
    )
    event = BillEvent.objects.get(type="dunning_reconnect_scheduled")
    assert (event.bill_id, event.parameters["deadline"]) == (bill.pk, (PAID_AT + timedelta(hours=24)).isoformat())
    assert _reconnections_listed(town) == [bill.pk]
