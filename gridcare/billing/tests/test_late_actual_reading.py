"""估抄月份补录实抄: the actual reading of an estimated month that arrives after its bill is
accepted as the correction it is: a cancel-and-re-bill request for the estimated bill (a second
person approves), and the next actual reading trues up what the corrected bill billed, so the
months bill exactly the registers' difference; refused clearly, changing nothing, from the
command, twice, or once the estimate is trued up."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from gridcare.billing.exceptions import BillingError
from gridcare.billing.models import Bill, BillCorrection, BillStatus, Reading
from gridcare.billing.services.bill_run import bill_run_start
from gridcare.billing.services.readings import readings_import
from gridcare.billing.services.rebill import correction_decide
from gridcare.billing.tests.helpers import billable, billing_clerk, issued_bill, reading, tariffs
from gridcare.core.testing import City, make_account, signed_in
from gridcare.customers.models import Account, CustomerClass
from gridcare.org.access import scope_for

D = Decimal
HEAD = "户号,账期,抄表日期,上次示数,本次示数\n"


def _estimated_september(town: City) -> Account:
    """RES-TIER, 2,600 kWh by August (register 5,000), 100 kWh last September: September 2026
    estimated at 100 kWh (53.80)."""
    tariffs()
    account = billable(
        make_account(430, town.unit, town.hall, "补录", customer_class=CustomerClass.RESIDENTIAL, phone="13800000000")
    )
    rows = [reading(account, "2025-09", "100"), reading(account, "2026-08", "2600")]
    Reading.objects.filter(pk__in=[r.pk for r in rows]).update(register=D(5000))
    Bill.objects.filter(pk=issued_bill(account, "2026-08", "1398.80", rows[1].read_on).pk).update(kwh=D(2600))
    bill_run_start(period="2026-09", unit=town.unit, read_ahead=False)
    assert Bill.objects.get(account=account, period="2026-09").amount == D("53.80")
    return account


def _file(account: Account, period: str, previous: str, register: str) -> bytes:
    return (HEAD + f"{account.account_no},{period},{period}-28,{previous},{register}\n").encode()


def _state() -> tuple[object, ...]:
    return (
        tuple(Reading.objects.order_by("id").values_list("period", "kwh", "register", "estimated", "trued_up_by")),
        tuple(Bill.objects.order_by("id").values_list("status", "amount")),
        BillCorrection.objects.count(),
    )


def test_a_late_actual_reading_of_a_billed_estimate_is_a_correction_and_the_true_up_follows(town: City) -> None:
    account = _estimated_september(town)
    clerk = billing_clerk(town)
    before = _state()
    # From the command (no person to ask the correction): refused, nothing changes.
    with pytest.raises(BillingError) as refused:
        readings_import(file_name="r.csv", content=_file(account, "2026-09", "5000", "5120"), actor=None)
    assert "已按估抄出账" in str(list(refused.value.errors.values()))
    assert _state() == before

    # On the page: accepted, a correction asked (September actually 120 kWh: 120 × 0.538 = 64.56).
    upload = SimpleUploadedFile("r.csv", _file(account, "2026-09", "5000", "5120"), content_type="text/csv")
    answer = signed_in(clerk).post("/billing/readings/", {"file": upload}, follow=True)
    said = [str(m) for m in get_messages(answer.wsgi_request)]
    assert any("已提交账单更正申请" in m for m in said), said
    correction = BillCorrection.objects.get()
    assert (correction.kwh, correction.old_amount, correction.preview_amount, correction.status) == (
        D(120),
        D("53.80"),
        D("64.56"),
        "pending",
    )
    assert correction.requested_by_id == clerk.pk
    # Sent again while it waits: refused, nothing changes.
    waiting = _state()
    with pytest.raises(BillingError) as again:
        readings_import(
            file_name="r.csv", content=_file(account, "2026-09", "5000", "5120"), actor=clerk, scope=scope_for(clerk)
        )
    assert "待审批的更正申请" in str(list(again.value.errors.values()))
    assert _state() == waiting

    correction_decide(scope=scope_for(town.supervisor), actor=town.supervisor, correction=correction, approve=True)
    september = Bill.objects.filter(account=account, period="2026-09").exclude(status=BillStatus.CANCELLED).get()
    assert (september.kwh, september.amount) == (D(120), D("64.56"))

    # October's reading (5,250) trues up the estimate as corrected: 130 kWh; the true 250 kWh
    # from 2,600 (160 × 0.538 + 90 × 0.588 = 139.00) less the 64.56 billed: 74.44, the same as
    # two actual readings would have billed.
    readings_import(file_name="r.csv", content=_file(account, "2026-10", "5100", "5250"), actor=None)
    october_reading = Reading.objects.get(account=account, period="2026-10")
    assert (october_reading.kwh, october_reading.true_up_kwh) == (D(130), D(120))
    bill_run_start(period="2026-10", unit=town.unit, read_ahead=False)
    october = Bill.objects.get(account=account, period="2026-10")
    assert october.amount == D("74.44") and september.amount + october.amount == D("139.00")

    # Once trued up, the estimate's usage is settled: a late line for September is refused.
    settled = _state()
    with pytest.raises(BillingError) as late:
        readings_import(
            file_name="r.csv", content=_file(account, "2026-09", "5000", "5120"), actor=clerk, scope=scope_for(clerk)
        )
    assert "已由之后的实抄冲减" in str(list(late.value.errors.values()))
    assert _state() == settled


def test_a_late_actual_reading_of_an_unbilled_estimate_takes_its_place(town: City) -> None:
    account = _estimated_september(town)
    Bill.objects.filter(account=account, period="2026-09").delete()  # as if the run stopped before billing it
    readings_import(file_name="r.csv", content=_file(account, "2026-09", "5100", "5120"), actor=None)
    september = Reading.objects.get(account=account, period="2026-09")
    assert (september.estimated, september.kwh, september.register, september.true_up_kwh) == (
        False,
        D(120),
        D(5120),
        D(0),
    )
    assert not BillCorrection.objects.exists()
