"""投诉分析 (ASSESS-6) on constructed data: complaints per 10,000 customers by class, unit and
cause, exact; repeat complaints with the 30-day boundary (day 30 counts, day 31 does not); the
customers active at the end of the period; the trend month by month."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pytest_django import Settings

from gridcare.assessment.selectors_complaints import complaint_analysis
from gridcare.assessment.tests.complaints_helpers import at, complaint, more_accounts
from gridcare.core.testing import City, make_account
from gridcare.core.timezone import SHANGHAI
from gridcare.customers.models import Account, AccountEvent, AccountStatus
from gridcare.customers.selectors import active_accounts_at
from gridcare.org.access import scope_for
from gridcare.workorders.rules import Filed, repeats

NOV, DEC = date(2026, 11, 1), date(2026, 12, 1)
NOV_END = date(2026, 11, 30)


@pytest.fixture
def november(town: City) -> City:
    """U1: 3 complaints (2 服务态度, 1 电费电价), U2: 1 停送电 with no cause, in November; one in
    October and one of the other company, which November's figures leave out."""
    more_accounts(town)
    complaint(town, at(date(2026, 11, 3)), cause="service_attitude")
    complaint(town, at(date(2026, 11, 9)), cause="service_attitude")
    complaint(town, at(date(2026, 11, 30), 23, 59), complaint_class="business", cause="business_tariff")
    complaint(town, at(date(2026, 11, 12)), unit=town.other_unit, complaint_class="outage")
    complaint(town, at(date(2026, 10, 31), 23, 59), cause="service_conduct")
    complaint(town, at(date(2026, 11, 5)), account=town.foreign_account)
    return town


def test_a_unit_supervisor_divides_the_units_complaints_by_its_customers(november: City) -> None:
    a = complaint_analysis(scope=scope_for(november.supervisor), start=NOV, end=NOV_END)
    assert (a.total.complaints, a.total.customers, a.total.per_10k) == (3, 4, 7500.0)
    assert [(x.label, x.complaints, x.customers) for x in a.by_unit] == [("城区供电所", 3, 4)]
    assert [(x.query["class"], x.complaints) for x in a.by_class] == [
        ("service", 2),
        ("business", 1),
        ("outage", 0),
        ("supply_quality", 0),
        ("grid_construction", 0),
    ]


def test_the_planner_sees_the_company_by_class_unit_and_cause(november: City) -> None:
    a = complaint_analysis(scope=scope_for(november.planner), start=NOV, end=NOV_END)
    assert (a.total.complaints, a.total.customers, round(a.total.per_10k or 0, 4)) == (4, 6, 6666.6667)
    assert [(x.label, x.complaints, x.customers, x.per_10k) for x in a.by_unit] == [
        ("城区供电所", 3, 4, 7500.0),
        ("乡镇供电所", 1, 2, 5000.0),
    ]
    assert [(x.query["class"], x.complaints, x.customers) for x in a.by_class][:3] == [
        ("service", 2, 6),
        ("business", 1, 6),
        ("outage", 1, 6),
    ]
    counted = [(x.group, x.label, x.complaints) for x in a.by_cause if x.complaints]
    assert counted == [("服务投诉", "服务态度", 2), ("营业投诉", "电费电价", 1), ("停送电投诉", "（未填写原因）", 1)]
    assert sum(x.complaints for x in a.by_cause) == a.total.complaints == sum(x.complaints for x in a.by_class)
    assert a.place == "示范供电公司"


def test_the_customers_are_those_active_at_the_end_of_the_period(town: City) -> None:
    """Closed after the end: counted; opened after it: not; suspended over the end: not."""
    more_accounts(town)
    u1 = list(Account.objects.filter(supply_unit=town.unit, status="active").order_by("pk"))
    closed_later, suspended_over = u1[1], u1[2]
    after = at(NOV_END + timedelta(days=3))
    Account.objects.filter(pk=closed_later.pk).update(status=AccountStatus.CLOSED)
    AccountEvent.objects.create(
        account=closed_later, type="closed", parameters={"old": "active", "new": "closed"}, created_at=after
    )
    AccountEvent.objects.create(
        account=suspended_over, type="suspended", parameters={"old": "active"}, created_at=at(date(2026, 11, 20))
    )
    AccountEvent.objects.create(
        account=suspended_over, type="resumed", parameters={"old": "suspended"}, created_at=after
    )
    late = make_account(40, town.unit, town.hall, "十二月立户")
    Account.objects.filter(pk=late.pk).update(opened_on=DEC)
    # At the end of November: the closed-later one counts, the one suspended over the end and the
    # December one do not (3 of the 4 active now, +1, -1).
    assert active_accounts_at(on=NOV_END) == {
        town.unit.pk: 3,
        town.other_unit.pk: 2,
        town.foreign_account.supply_unit_id: 1,
    }
    assert active_accounts_at(on=NOV_END, where=scope_for(town.supervisor).account_filter()) == {town.unit.pk: 3}
    assert active_accounts_at(on=NOV_END + timedelta(days=5))[town.unit.pk] == 4  # as they are now
    assert active_accounts_at(on=date(2019, 12, 31)) == {}  # before anyone was opened


def _filed(pk: int, day: date, *, account: int | None = None, phone: str = "", hour: int = 10) -> Filed:
    moment = at(day, hour)
    return Filed(pk, account, phone, moment, moment.astimezone(SHANGHAI).date())


def test_the_repeat_rule_counts_day_30_and_not_day_31() -> None:
    first = date(2026, 11, 1)
    rows = [
        _filed(1, first, account=7),
        _filed(2, first + timedelta(days=30), account=7, hour=23),  # day 30, late in the day: repeats
        _filed(3, first, account=8, hour=23),
        _filed(4, first + timedelta(days=31), account=8, hour=0),  # day 31, just after midnight: not
        _filed(5, first, account=9),
        _filed(6, first, account=9, hour=11),  # the same day: repeats
        _filed(7, first, phone="13900000001"),
        _filed(8, first + timedelta(days=3), account=10, phone="13900000001"),  # no account before: by phone
        _filed(9, first, account=12, phone="13900000002"),
        _filed(10, first + timedelta(days=2), account=13, phone="13900000002"),  # two accounts, one phone: not
    ]
    assert repeats(rows, of={r.pk for r in rows}, days=30) == {2, 6, 8}
    assert repeats(rows, of={2, 4}, days=31) == {2, 4}


def test_repeat_complaints_on_the_page_follow_the_rule(town: City) -> None:
    more_accounts(town)
    a1, a2 = town.account, town.other_unit_account
    complaint(town, at(date(2026, 10, 15)), account=a1, phone="13800000001")
    complaint(town, at(date(2026, 11, 14), 20), account=a1)  # day 30 after 10-15: repeats
    complaint(town, at(date(2026, 10, 14)), account=a2, unit=town.other_unit)
    complaint(town, at(date(2026, 11, 14)), account=a2, unit=town.other_unit)  # day 31: not
    complaint(town, at(date(2026, 11, 20)), phone="13900009999")
    complaint(town, at(date(2026, 11, 21)), phone="13900009999", unit=town.other_unit)  # by phone: repeats
    a = complaint_analysis(scope=scope_for(town.planner), start=NOV, end=NOV_END)
    assert (a.total.complaints, a.total.repeats, a.repeat_days) == (4, 2, 30)
    assert [(x.label, x.repeats) for x in a.by_unit] == [("城区供电所", 1), ("乡镇供电所", 1)]
    # Seen from U2: its phone repeat counts though the first complaint was U1's.
    u2 = complaint_analysis(scope=scope_for(town.other_supervisor), start=NOV, end=NOV_END)
    assert (u2.total.complaints, u2.total.repeats) == (2, 1)


def test_the_repeat_window_is_a_setting(town: City, settings: Settings) -> None:
    settings.GRIDCARE_ASSESSMENT = {**settings.GRIDCARE_ASSESSMENT, "REPEAT_COMPLAINT_DAYS": 31}
    complaint(town, at(date(2026, 10, 14)), account=town.account)
    complaint(town, at(date(2026, 11, 14)), account=town.account)
    a = complaint_analysis(scope=scope_for(town.planner), start=NOV, end=NOV_END)
    assert (a.total.repeats, a.repeat_days) == (1, 31)


def test_the_trend_gives_each_of_the_last_12_months(november: City) -> None:
    complaint(november, at(date(2026, 9, 1), 0, 0), cause="service_attitude")
    complaint(november, at(date(2025, 11, 30)), cause="service_attitude")  # 13 months back: not in the trend
    late = make_account(50, november.unit, november.hall, "十月立户")
    Account.objects.filter(pk=late.pk).update(opened_on=date(2026, 10, 15))
    a = complaint_analysis(scope=scope_for(november.planner), start=NOV, end=NOV_END)
    assert [f"{m.month:%Y-%m}" for m in a.trend] == [
        f"{y}-{m:02d}" for y, m in [(2025, 12)] + [(2026, n) for n in range(1, 12)]
    ]
    by_month = {f"{m.month:%Y-%m}": (m.complaints, m.customers, m.repeats) for m in a.trend}
    assert by_month["2026-09"] == (1, 6, 0)
    assert by_month["2026-10"] == (1, 7, 0)
    assert by_month["2026-11"] == (4, 7, 0)  # no account, no phone: nobody repeats
    assert by_month["2026-08"] == (0, 6, 0)
    assert sum(m.complaints for m in a.trend) == 6
    last = a.trend[-1]
    assert (last.complaints, last.customers, last.per_10k) == (a.total.complaints, a.total.customers, a.total.per_10k)
