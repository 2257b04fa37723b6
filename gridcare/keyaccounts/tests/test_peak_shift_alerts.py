"""A peak-shift order (错峰) that names key accounts' feeders: each manager gets one message with
the list of their accounts, once per order; the page /key-accounts/peak-shifts/<id>/ lists the
caller's accounts with each current plan (link and PDF), the window and the limit; the portfolio's
rows and the account page link the coming orders; an order that is over tells nobody; per post."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from gridcare.core.testing import City, signed_in
from gridcare.core.timezone import SHANGHAI
from gridcare.customers.models import TransformerArea
from gridcare.keyaccounts.services.plans import PlanData, peak_shift_alerts, plan_create
from gridcare.keyaccounts.tests.portfolio_helpers import Portfolio, portfolio_city
from gridcare.keyaccounts.tests.test_plans import PLAN
from gridcare.notices.models import Notice, PeakShiftOrder
from gridcare.notices.services.campaigns import PeakShift, peak_shift_issue
from gridcare.org.access import scope_for

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _the_week_before(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def _behind_f1(town: City) -> Portfolio:
    """The kam's and 钱七's key accounts behind F1 (the far one in U2 is behind no feeder)."""
    p = portfolio_city(town)
    area = TransformerArea.objects.get(code="T1")
    for account in (p.mine, p.others):
        account.transformer_area = area
        account.save(update_fields=["transformer_area"])
    return p


def _order(town: City, day: date = date(2026, 12, 1)) -> PeakShiftOrder:
    order = PeakShift(feeders=["F1"], day=day, start=time(10), end=time(12), limit_kw=800)
    return peak_shift_issue(scope=scope_for(town.planner), actor=town.planner, order=order).order


def test_each_manager_gets_the_list_of_their_accounts_once_per_order(town: City) -> None:
    _behind_f1(town)
    order = _order(town)
    assert peak_shift_alerts(now=NOW) == 2  # the kam and 钱七, one each
    assert peak_shift_alerts(now=NOW) == 0
    sent = dict(Notice.objects.filter(template_code="key_account_peak_shift").values_list("recipient", "body"))
    assert sent == {
        "staff:T0008": "【大客户服务】12月1日 10:00至12:00错峰，负荷上限800千瓦，涉及您的1户大客户：城东机械厂。"
        f"请查看各户应急方案：/key-accounts/peak-shifts/{order.pk}/",
        "staff:T0900": "【大客户服务】12月1日 10:00至12:00错峰，负荷上限800千瓦，涉及您的1户大客户：城南医院。"
        f"请查看各户应急方案：/key-accounts/peak-shifts/{order.pk}/",
    }
    assert set(Notice.objects.filter(template_code="key_account_peak_shift").values_list("channel", flat=True)) == {
        "push"
    }


def test_an_order_that_is_over_tells_nobody(town: City) -> None:
    _behind_f1(town)
    _order(town, day=date(2026, 11, 24))  # today 10:00-12:00
    assert peak_shift_alerts(now=datetime(2026, 11, 24, 12, 0, tzinfo=SHANGHAI)) == 0
    assert peak_shift_alerts(now=datetime(2026, 11, 24, 11, 59, tzinfo=SHANGHAI)) == 2


def test_the_page_lists_the_callers_accounts_with_each_plan_the_window_and_the_limit(town: City) -> None:
    p = _behind_f1(town)
    plan = plan_create(scope=scope_for(town.kam), actor=town.kam, account=p.mine, data=PlanData(**PLAN))
    order = _order(town)
    page = signed_in(town.kam).get(f"/key-accounts/peak-shifts/{order.pk}/").content.decode()
    assert "城东机械厂" in page and "城南医院" not in page
    assert f"/key-accounts/plans/{plan.pk}/" in page and f"/key-accounts/plans/{plan.pk}/pdf/" in page
    assert "2026-12-01 10:00 — 12:00，负荷上限 800 kW" in page and "10kV 城一线" in page
    assert "手术室 120 kW" in page and "/notices/peak-shifts/" in page  # the kam issues orders too
    supervisor = signed_in(town.supervisor).get(f"/key-accounts/peak-shifts/{order.pk}/").content.decode()
    assert "城东机械厂" in supervisor and "城南医院" in supervisor and "无应急方案" in supervisor
    assert "乡镇水厂" not in supervisor
    assert "/notices/peak-shifts/" not in supervisor  # a supervisor issues none: no link to a refusal


def test_the_portfolio_and_the_account_page_link_a_coming_order(town: City) -> None:
    p = _behind_f1(town)
    order = _order(town)
    _order(town, day=date(2026, 11, 24))  # today, over at noon: still coming at 09:00
    client = signed_in(town.kam)
    portfolio = client.get("/key-accounts/").content.decode()
    assert portfolio.count(f"/key-accounts/peak-shifts/{order.pk}/") == 1
    assert "12-01 10:00—12:00" in portfolio
    account = client.get(f"/key-accounts/{p.mine.account_no}/").content.decode()
    assert f"/key-accounts/peak-shifts/{order.pk}/" in account and "近期错峰" in account


def test_a_past_order_is_no_longer_linked_from_the_portfolio(town: City, monkeypatch: pytest.MonkeyPatch) -> None:
    _behind_f1(town)
    order = _order(town)
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 1, 12, 0, tzinfo=SHANGHAI))
    assert f"/key-accounts/peak-shifts/{order.pk}/" not in signed_in(town.kam).get("/key-accounts/").content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("kam", 200),
        ("supervisor", 200),
        ("community", 200),
        ("admin", 200),
        ("clerk", 403),
        ("agent", 403),
        ("planner", 403),
        ("foreign_clerk", 403),
        ("outsider", 404),
    ],
)
def test_the_page_per_post(town: City, persona: str, status: int) -> None:
    _behind_f1(town)
    order = _order(town)
    assert signed_in(town.users[persona]).get(f"/key-accounts/peak-shifts/{order.pk}/").status_code == status
    assert signed_in(town.users[persona]).get("/key-accounts/peak-shifts/999999/").status_code in (
        {403, 404} if status == 403 else {404}
    )
