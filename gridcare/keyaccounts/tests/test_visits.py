"""Visits: planned, recorded with facts that are checked (nothing written when refused), the
profile updated (impact grade, next visit by the importance grade), cancelled; the reminder the
day before, once."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from gridcare.core.exceptions import Conflict, InvalidInput
from gridcare.core.testing import City, signed_in
from gridcare.core.timezone import business_date
from gridcare.keyaccounts.models import FollowUp, KeyAccount, KeyAccountEvent, Visit, VisitNeed
from gridcare.keyaccounts.services.visits import VisitFacts, visit_cancel, visit_plan, visit_record, visit_reminders
from gridcare.keyaccounts.tests.portfolio_helpers import Portfolio, portfolio_city
from gridcare.notices.models import Notice
from gridcare.org.access import scope_for

pytestmark = pytest.mark.django_db

GOOD: dict[str, Any] = {
    "summary": "走访生产车间",
    "load_composition": [
        {"use": "production", "percent": "70"},
        {"use": "hvac", "percent": 20},
        {"use": "lighting", "percent": "10"},
    ],
    "critical_steps": [{"name": "注塑", "tolerance_minutes": 5}],
    "own_generation": [{"type": "diesel", "kw": "500"}],
    "impact_grade": "major",
    "satisfaction": "satisfied",
    "needs": [{"category": "energy_saving", "text": "希望做节能诊断"}],
    "follow_ups": [{"text": "安排节能诊断", "owner": "T0008", "due_on": "2099-01-31"}],
}


def _planned(p: Portfolio, day: date | None = None) -> Visit:
    return visit_plan(
        scope=scope_for(p.town.kam), actor=p.town.kam, account=p.mine, day=day or business_date(), purpose="例行走访"
    )


def test_recording_a_visit_keeps_its_facts_and_updates_the_profile(town: City) -> None:
    p = portfolio_city(town)
    visit = _planned(p)
    visit_record(scope=scope_for(town.kam), actor=town.kam, visit=visit, data=VisitFacts(**GOOD))
    visit.refresh_from_db()
    assert visit.status == "done"
    assert visit.load_composition == [
        {"use": "production", "percent": "70"},
        {"use": "hvac", "percent": "20"},
        {"use": "lighting", "percent": "10"},
    ]
    assert visit.critical_steps == [{"name": "注塑", "tolerance_minutes": 5}]
    profile = KeyAccount.objects.get(account=p.mine)
    assert profile.impact_grade == "major"
    assert profile.next_visit_on == visit.planned_for + timedelta(days=60)  # 一级重要
    assert list(VisitNeed.objects.values_list("category", "text", "status")) == [
        ("energy_saving", "希望做节能诊断", "open")
    ]
    assert list(FollowUp.objects.values_list("text", "owner__employee_no")) == [("安排节能诊断", "T0008")]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"load_composition": [{"use": "production", "percent": "70"}, {"use": "hvac", "percent": "25"}]},
            "load_composition",
            "负荷构成各项占比合计应为100%，现为95%。",
        ),
        (
            {"critical_steps": [{"name": "注塑", "tolerance_minutes": -5}]},
            "critical_steps",
            "关键生产环节第1行（注塑）：可承受停电时间应为0至10080之间的整数（分钟）。",
        ),
        (
            {"critical_steps": [{"name": "注塑", "tolerance_minutes": "abc"}]},
            "critical_steps",
            "关键生产环节第1行（注塑）：可承受停电时间应为0至10080之间的整数（分钟）。",
        ),
        (
            {"own_generation": [{"type": "diesel", "kw": "-1"}]},
            "own_generation",
            "自备电源第1行：容量应为大于0的千瓦数（最多两位小数）。",
        ),
        ({"needs": [{"category": "nope", "text": "x"}]}, "needs", "客户需求第1行：类别不在可选范围内。"),
        (
            {"follow_ups": [{"text": "x", "owner": "T0008", "due_on": "2000-01-01"}]},
            "follow_ups",
            "跟进事项第1行：完成期限应为走访当天或以后的日期。",
        ),
        (
            {"follow_ups": [{"text": "x", "owner": "T0003", "due_on": "2099-01-01"}]},
            "follow_ups",
            None,
        ),  # T0003: a hall post is of U1 too
        ({"impact_grade": "huge"}, "impact_grade", "请选择用电影响度。"),
        ({"summary": "a\x00b"}, "summary", "走访记录含有无效字符。"),
        ({"load_composition": "70% production"}, "load_composition", "负荷构成格式有误。"),
    ],
)
def test_bad_facts_are_refused_on_their_field_and_nothing_is_written(
    town: City, change: dict[str, Any], field: str, message: str | None
) -> None:
    p = portfolio_city(town)
    visit = _planned(p)
    before = (VisitNeed.objects.count(), FollowUp.objects.count(), KeyAccountEvent.objects.count())
    data = VisitFacts(**{**GOOD, **change})
    if message is None:  # an owner of the unit is accepted
        visit_record(scope=scope_for(town.kam), actor=town.kam, visit=visit, data=data)
        return
    with pytest.raises(InvalidInput) as refused:
        visit_record(scope=scope_for(town.kam), actor=town.kam, visit=visit, data=data)
    assert refused.value.errors == {field: message}
    visit.refresh_from_db()
    assert visit.status == "planned" and visit.load_composition == []
    assert (VisitNeed.objects.count(), FollowUp.objects.count(), KeyAccountEvent.objects.count()) == before
    assert not KeyAccount.objects.filter(account=p.mine, impact_grade="major").exists()


def test_the_page_shows_the_refusal_on_the_row_and_keeps_what_was_typed(town: City) -> None:
    p = portfolio_city(town)
    visit = _planned(p)
    form = {
        "do": "record",
        "impact_grade": "major",
        "satisfaction": "satisfied",
        "share_production": "70",
        "share_hvac": "20",
    }
    page = signed_in(town.kam).post(f"/key-accounts/visits/{visit.pk}/", form).content.decode()
    assert "负荷构成各项占比合计应为100%，现为90%。" in page
    assert 'value="70"' in page
    visit.refresh_from_db()
    assert visit.status == "planned"


def test_a_recorded_or_cancelled_visit_cannot_be_recorded_again(town: City) -> None:
    p = portfolio_city(town)
    visit = _planned(p)
    visit_cancel(scope=scope_for(town.kam), actor=town.kam, visit=visit, reason="客户停产检修")
    with pytest.raises(Conflict):
        visit_record(scope=scope_for(town.kam), actor=town.kam, visit=visit, data=VisitFacts(**GOOD))
    assert Visit.objects.get(pk=visit.pk).status == "cancelled"


def test_the_manager_is_reminded_the_day_before_once(town: City) -> None:
    p = portfolio_city(town)
    today = business_date()
    visit = _planned(p, today + timedelta(days=1))
    _planned(p, today + timedelta(days=2))  # not tomorrow
    assert visit_reminders(today=today) == 1
    assert visit_reminders(today=today) == 0
    notice = Notice.objects.get(template_code="key_account_visit_reminder")
    assert (notice.recipient, notice.channel) == ("staff:T0008", "push")
    assert "城东机械厂" in notice.body and "例行走访" in notice.body
    visit.refresh_from_db()
    assert visit.reminder_notice_id == notice.pk
    assert "走访提醒" in signed_in(town.kam).get("/key-accounts/").content.decode()


def test_a_supervisor_plans_for_one_of_the_units_managers(town: City) -> None:
    p = portfolio_city(town)
    visit = visit_plan(
        scope=scope_for(town.supervisor),
        actor=town.supervisor,
        account=p.others,
        day=business_date(),
        purpose="年度走访",
        manager="",
    )
    assert visit.manager.employee_no == "T0900"  # the account's own manager by default
    calendar = signed_in(town.supervisor).get(f"/key-accounts/visits/?month={business_date():%Y-%m}&manager=T0900")
    assert "城南医院" in calendar.content.decode()
    assert (
        "城南医院"
        not in signed_in(town.kam).get(f"/key-accounts/visits/?month={business_date():%Y-%m}").content.decode()
    )
