"""The notices demo data: what seed_demo gets, and that a second run changes nothing."""

from __future__ import annotations

from datetime import timedelta

from gridcare.core.testing import City, make_account
from gridcare.customers.models import TransformerArea
from gridcare.notices.models import Notice, NoticeTemplate, Outage
from gridcare.notices.reliability import unit_reliability
from gridcare.notices.selectors import channel_quality
from gridcare.notices.services.demo import seed_notices
from gridcare.notices.tests.conftest import MORNING
from gridcare.org.access import scope_for


def test_the_demo_fills_the_quality_and_reliability_pages_once(town: City) -> None:
    # 台区 T1 has the persona account and 20 more; T2 and T3 have 3 customers each.
    for i in range(20):
        make_account(100 + i, town.unit, town.hall, f"故障{i}", phone=f"1390000{i:04d}", transformer_area=town.area)
    for code in ("T2", "T3"):
        area = TransformerArea.objects.create(feeder=town.feeder, code=code, name=f"城一线{code[1]}号台区")
        for i in range(3):
            make_account(
                200 + 10 * int(code[1]) + i,
                town.unit,
                town.hall,
                "计划",
                phone=f"1370{code[1]}00{i:04d}",
                transformer_area=area,
            )
    summary = seed_notices(now=MORNING)
    fault = Outage.objects.get(kind="fault")
    planned = Outage.objects.get(kind="planned")
    assert summary == (
        f"notices demo: fault outage #{fault.pk} (21 customers, 38 delivered / 2 failed / 2 awaiting receipt), "
        f"planned outage #{planned.pk} (6 notices queued)"
    )
    assert list(NoticeTemplate.objects.order_by("code", "version").values_list("code", "version", "active")) == [
        ("arrears_reminder", 1, True),
        ("planned_outage", 1, False),
        ("planned_outage", 2, True),
    ]
    assert (fault.status, fault.restored_at - fault.starts_at) == ("restored", timedelta(hours=2, minutes=15))
    assert (planned.status, planned.starts_at - MORNING > timedelta(days=7)) == ("announced", True)
    rows = {(r.gateway, r.campaign): r for r in channel_quality(now=MORNING)}
    told, back = rows[("sms-http", "fault_outage")], rows[("sms-http", "power_restored")]
    assert [(r.total, r.delivered, r.failed, r.sent) for r in (told, back)] == [(21, 19, 1, 1), (21, 19, 1, 1)]
    assert told.p50 is not None and back.p90 is not None
    month = f"{fault.starts_at.astimezone(MORNING.tzinfo):%Y-%m}"
    figures = unit_reliability(scope=scope_for(town.planner), unit_code="U1", month=month)
    assert (figures.fault.outages, figures.fault.interruptions, figures.fault.customer_minutes) == (1, 21, 2835)
    before = (Notice.objects.count(), Outage.objects.count(), NoticeTemplate.objects.count())
    assert seed_notices(now=MORNING) == "notices demo: already there"
    assert (Notice.objects.count(), Outage.objects.count(), NoticeTemplate.objects.count()) == before
