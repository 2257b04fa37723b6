"""A bill with unusual usage links the energy-saving advice with its reason (SELF-4): on the staff
bill page and the portal's bill page; a usual bill shows nothing. Bills come from real bill runs."""

from __future__ import annotations

from datetime import date

from gridcare.billing.models import Bill
from gridcare.billing.services.bill_run import bill_run_start
from gridcare.billing.tests.helpers import billable, reading, tariffs
from gridcare.core.testing import City, signed_in
from gridcare.knowledge import selectors
from gridcare.knowledge.tests.conftest import Publish
from gridcare.portal.tests.conftest import Customer
from gridcare.portal.tests.conftest import zhang as zhang  # noqa: F401 - the fixture
from gridcare.portal.tests.test_pay_pages import page_client


def _billed(town: City, usage: list[tuple[str, str]]) -> None:
    tariffs()
    billable(town.account)
    for period, kwh in usage:
        reading(town.account, period, kwh)
        bill_run_start(period=period, read_ahead=False)
    Bill.objects.update(due_date=date(2030, 1, 25))


def test_forty_five_per_cent_above_last_year_links_the_advice(town: City, publish: Publish, zhang: Customer) -> None:
    advice = publish("夏季空调节电常识", "空调温度设定在26℃。", audience="public", tags=("节电",))
    publish("内部节电话术", "内部", kind="script", audience="internal", tags=("节电",))
    _billed(town, [("2025-06", "200"), ("2026-06", "290")])
    found = selectors.bill_advice(account=town.account, period="2026-06", public=True, on=date(2026, 7, 1))
    assert found is not None
    assert found.reason == "本月用电比去年同月高 45%"
    assert [a.pk for a in found.articles] == [advice.pk]
    staff = signed_in(town.clerk).get(f"/billing/accounts/{town.account.account_no}/").content.decode()
    assert "本月用电比去年同月高 45%" in staff and f'href="/knowledge/articles/{advice.pk}/"' in staff
    no = town.account.account_no
    portal = page_client(zhang.user).get(f"/portal/accounts/{no}/bills/2026-06/").content.decode()
    assert "本月用电比去年同月高 45%" in portal and f'href="/portal/help/{advice.pk}/"' in portal


def test_a_usual_bill_shows_no_advice(town: City, publish: Publish) -> None:
    publish("夏季空调节电常识", "空调温度设定在26℃。", audience="public", tags=("节电",))
    _billed(town, [("2025-06", "200"), ("2026-06", "250")])
    assert selectors.bill_advice(account=town.account, period="2026-06", public=True) is None
    page = signed_in(town.clerk).get(f"/billing/accounts/{town.account.account_no}/").content.decode()
    assert "节电提示" not in page


def test_reaching_tier_three_is_unusual(town: City, publish: Publish) -> None:
    publish("夏季空调节电常识", "空调温度设定在26℃。", audience="public", tags=("节电",))
    _billed(town, [("2026-01", "4000"), ("2026-02", "1000")])  # 5,000 kWh in the year: past 4,800
    found = selectors.bill_advice(account=town.account, period="2026-02", public=False)
    assert found is not None and found.reason == "本月用电已进入第3档阶梯电价"
