"""Yearly tiers (居民阶梯 by year): a correction that changes a month's kWh also re-bills the
same year's later bills already issued, priced by the year's corrected kWh before them, with the
same second person's approval; the preview lists them; other tariffs' later bills stay."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gridcare.billing.models import Bill, BillCorrection, BillStatus
from gridcare.billing.rebill_views import correction_sentence
from gridcare.billing.services import rebill
from gridcare.billing.services.bill_run import bill_run_start
from gridcare.billing.services.rebill import CorrectionIn, correction_decide, correction_preview, correction_request
from gridcare.billing.tests.helpers import billable, billing_clerk, reading, tariffs
from gridcare.core.exceptions import Forbidden
from gridcare.core.testing import City
from gridcare.notices.models import Notice
from gridcare.org.access import scope_for

D = Decimal


@pytest.fixture
def year(town: City, monkeypatch: pytest.MonkeyPatch) -> list[Bill]:
    """RES-TIER (0.538, 0.588 above 2,760 kWh a year): March 2,700 kWh (1,452.60), April 200
    (from 2,700: 60 × 0.538 + 140 × 0.588 = 114.60), May 100 (from 2,900: all tier 2, 58.80)."""
    from datetime import date

    monkeypatch.setattr(rebill, "business_date", lambda: date(2026, 6, 10))
    tariffs()
    billable(town.account)
    for period, kwh in (("2026-03", "2700"), ("2026-04", "200"), ("2026-05", "100")):
        reading(town.account, period, kwh)
        bill_run_start(period=period, unit=town.unit, read_ahead=False)
    bills = list(Bill.objects.filter(account=town.account).order_by("period"))
    assert [b.amount for b in bills] == [D("1452.60"), D("114.60"), D("58.80")]
    return bills


def _data(kwh: str) -> CorrectionIn:
    return CorrectionIn(reason="reading", note="三月抄错", request_key="K-later", kwh=D(kwh))


def test_a_corrected_month_re_bills_the_years_later_bills(town: City, year: list[Bill]) -> None:
    march = year[0]
    clerk = billing_clerk(town)
    # March read 2,500 kWh, not 2,700: 1,345.00; April from 2,500: 200 × 0.538 = 107.60; May
    # from 2,700: 60 × 0.538 + 40 × 0.588 = 55.80.
    preview = correction_preview(scope=scope_for(clerk), bill=march, data=_data("2500"))
    assert preview.amount == D("1345.00")
    assert [(b.period, p.prior_kwh, p.amount) for b, p in preview.later] == [
        ("2026-04", D(2500), D("107.60")),
        ("2026-05", D(2700), D("55.80")),
    ]
    sentence = correction_sentence(march, preview)
    assert "同年以后 2 期账单" in sentence and "2026-04 ¥114.60 → ¥107.60、2026-05 ¥58.80 → ¥55.80" in sentence
    correction, _created = correction_request(scope=scope_for(clerk), actor=clerk, bill=march, data=_data("2500"))
    before = list(Bill.objects.order_by("id").values_list("status", "amount"))
    with pytest.raises(Forbidden):  # the asker cannot approve: nothing changes
        correction_decide(scope=scope_for(clerk), actor=clerk, correction=correction, approve=True)
    assert list(Bill.objects.order_by("id").values_list("status", "amount")) == before
    correction_decide(scope=scope_for(town.supervisor), actor=town.supervisor, correction=correction, approve=True)
    live = Bill.objects.filter(account=town.account).exclude(status=BillStatus.CANCELLED).order_by("period")
    assert [(b.period, b.kwh, b.prior_kwh, b.amount) for b in live] == [
        ("2026-03", D(2500), D(0), D("1345.00")),
        ("2026-04", D(200), D(2500), D("107.60")),
        ("2026-05", D(100), D(2700), D("55.80")),
    ]
    assert Bill.objects.filter(account=town.account, status=BillStatus.CANCELLED).count() == 3
    assert BillCorrection.objects.get().new_bill_id == live[0].pk
    assert Notice.objects.filter(template_code="bill_corrected").count() == 3


def test_a_correction_that_keeps_the_kwh_leaves_the_later_bills_alone(town: City, year: list[Bill]) -> None:
    clerk = billing_clerk(town)
    data = CorrectionIn(reason="tariff", note="复核", request_key="K-same")
    assert correction_preview(scope=scope_for(clerk), bill=year[0], data=data).later == ()
    correction, _created = correction_request(scope=scope_for(clerk), actor=clerk, bill=year[0], data=data)
    correction_decide(scope=scope_for(town.supervisor), actor=town.supervisor, correction=correction, approve=True)
    later = Bill.objects.filter(account=town.account, period__in=["2026-04", "2026-05"])
    assert sorted(later.values_list("pk", "status")) == sorted((b.pk, b.status) for b in year[1:])
