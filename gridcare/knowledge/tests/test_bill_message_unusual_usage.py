"""SELF-4 in the bill message: a bill whose usage is unusual (the bill page's one rule) is
announced with the second template, carrying the reason and the 节电 help's article and link;
written in bulk by bill_notify and by the bill run, each bill once."""

from __future__ import annotations

from datetime import date

from pytest_django import Settings

from gridcare.billing.models import Bill
from gridcare.billing.services.bill_notify import bill_notify
from gridcare.billing.services.bill_run import bill_run_start
from gridcare.billing.tests.helpers import billable, reading, tariffs
from gridcare.core.testing import City
from gridcare.knowledge.bill_messages import unusual_bill_variables
from gridcare.knowledge.tests.conftest import Publish
from gridcare.notices.models import Notice

BASE = "https://95598.example.cn"


def _bills(town: City, usage: list[tuple[str, str]]) -> None:
    tariffs()
    billable(town.account)
    for period, kwh in usage:
        reading(town.account, period, kwh)
        bill_run_start(period=period, read_ahead=False)


def test_forty_five_per_cent_above_last_year_is_in_the_message(
    town: City, publish: Publish, settings: Settings
) -> None:
    settings.GRIDCARE_KNOWLEDGE = {**settings.GRIDCARE_KNOWLEDGE, "LINK_BASE": BASE}
    advice = publish("夏季空调节电常识", "空调温度设定在26℃。", audience="public", tags=("节电",))
    publish("内部节电话术", "内部", kind="script", audience="internal", tags=("节电",))
    _bills(town, [("2025-06", "200"), ("2026-06", "290")])
    assert bill_notify(period="2026-06") == 1
    assert bill_notify(period="2026-06") == 0  # the same dedupe key: once per bill, either template
    bill = Bill.objects.get(period="2026-06")
    notice = Notice.objects.get(dedupe_key=f"bill_issued:{bill.pk}")
    no = town.account.account_no
    assert (notice.template_code, notice.body) == (
        "bill_issued_unusual",
        f"【国网示范市供电公司】户号{no}，2026-06电费{bill.amount}元，请于2026-07-25前缴纳。"
        f"本月用电比去年同月高 45%，节电小贴士《夏季空调节电常识》：{BASE}/portal/help/{advice.pk}/",
    )
    assert str(bill.amount) == "156.02"  # 290 kWh at 0.538


def test_a_usual_bill_keeps_the_plain_message(town: City, publish: Publish) -> None:
    publish("夏季空调节电常识", "空调温度设定在26℃。", audience="public", tags=("节电",))
    _bills(town, [("2025-06", "200"), ("2026-06", "260")])  # exactly 30 % above: not unusual
    assert bill_notify(period="2026-06") == 1
    assert list(
        Notice.objects.filter(dedupe_key__startswith="bill_issued:").values_list("template_code", flat=True)
    ) == ["bill_issued"]


def test_the_bill_run_announces_tier_three_without_an_article(town: City, settings: Settings) -> None:
    settings.GRIDCARE_BILLING = {**settings.GRIDCARE_BILLING, "NOTIFY_IN_RUN": True}
    settings.GRIDCARE_KNOWLEDGE = {**settings.GRIDCARE_KNOWLEDGE, "LINK_BASE": BASE}
    _bills(town, [("2026-01", "4000"), ("2026-02", "1000")])  # 5,000 kWh in the year: past 4,800
    jan, feb = Bill.objects.order_by("period")
    assert Notice.objects.get(dedupe_key=f"bill_issued:{jan.pk}").template_code == "bill_issued"
    notice = Notice.objects.get(dedupe_key=f"bill_issued:{feb.pk}")
    assert notice.template_code == "bill_issued_unusual"
    assert notice.body.endswith(
        f"本月用电已进入第3档阶梯电价，节电小贴士《节电常识》：{BASE}/portal/help/?q=%E8%8A%82%E7%94%B5"
    )
    # The set-based read agrees with the bill page's rule for the same bills.
    assert set(unusual_bill_variables(period="2026-02", bill_ids=[feb.pk])) == {feb.pk}
    assert unusual_bill_variables(period="2026-01", bill_ids=[jan.pk]) == {}
    assert date(2026, 3, 25) == feb.due_date
