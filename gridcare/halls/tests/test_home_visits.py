"""Home service (上门服务, WO-9): asked for once per account and business, scheduled by the hall
manager with one of the hall's own clerks, done or failed by that clerk, cancelled with a reason;
the customer told once at each step; every refused move, post and input writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from gridcare.core.exceptions import Conflict, Forbidden, InvalidInput, NotFound
from gridcare.core.testing import City
from gridcare.halls.access import home_visit_get_for_scope
from gridcare.halls.models import HomeVisit, HomeVisitEvent, HomeVisitStatus
from gridcare.halls.services.home_visits import (
    HomeVisitAsk,
    home_visit_cancel,
    home_visit_finish,
    home_visit_request,
    home_visit_schedule,
)
from gridcare.halls.tests.appointments_helpers import TUESDAY, Clock, at
from gridcare.notices.models import Notice
from gridcare.org.access import scope_for

ASK = HomeVisitAsk(purpose="account_change", reason="elderly", note="老人卧床，需办理过户", phone="13812345678")


def _rows() -> tuple[Any, ...]:
    return (
        list(HomeVisit.objects.order_by("pk").values_list("pk", "status", "clerk_id", "day", "starts_at")),
        HomeVisitEvent.objects.count(),
        Notice.objects.count(),
    )


def _ask(town: City, ask: HomeVisitAsk = ASK, who: str = "agent") -> HomeVisit:
    user = town.users[who]
    visit, _created = home_visit_request(scope=scope_for(user), actor=user, account_no=town.account.account_no, ask=ask)
    return visit


def _schedule(town: City, visit: HomeVisit, clerk: str = "T0001", **kw: Any) -> HomeVisit:
    return home_visit_schedule(
        scope=scope_for(town.manager), actor=town.manager, visit=visit, day=TUESDAY, start="10:00", clerk=clerk, **kw
    )


def test_an_agents_request_goes_to_the_accounts_hall_once(hall_town: City, clock: Clock) -> None:
    visit = _ask(hall_town)
    again, created = home_visit_request(
        scope=scope_for(hall_town.clerk), actor=hall_town.clerk, account_no=hall_town.account.account_no, ask=ASK
    )
    assert (again.pk, created) == (visit.pk, False)
    assert (visit.hall, visit.status, visit.channel, visit.address, visit.phone) == (
        hall_town.hall,
        "requested",
        "agent",
        "上城区解放路1号1幢101室",
        "13812345678",
    )
    assert HomeVisit.objects.count() == 1
    assert list(HomeVisitEvent.objects.values_list("type", flat=True)) == ["requested"]


def test_scheduling_takes_only_a_clerk_of_the_hall_and_tells_the_customer_once(hall_town: City, clock: Clock) -> None:
    visit = _ask(hall_town)
    before = _rows()
    with pytest.raises(InvalidInput) as refused:
        _schedule(hall_town, visit, clerk=hall_town.other_manager.staff.employee_no)  # H2's manager
    assert refused.value.errors == {"clerk": "请选择本营业厅的上门人员。"}
    with pytest.raises(InvalidInput) as agent:
        _schedule(hall_town, visit, clerk=hall_town.agent.staff.employee_no)
    assert set(agent.value.errors) == {"clerk"}
    assert _rows() == before
    done = _schedule(hall_town, visit)
    assert (done.status, done.clerk, done.day, f"{done.starts_at:%H:%M}-{done.ends_at:%H:%M}") == (
        "scheduled",
        hall_town.clerk.staff,
        TUESDAY,
        "10:00-10:30",
    )
    [notice] = Notice.objects.filter(template_code="home_visit_scheduled")
    assert notice.recipient == "13812345678"
    assert "11月24日10:00-10:30，工作人员clerk将上门办理" in notice.body
    with pytest.raises(Conflict):  # scheduling again is a reassignment, not a second schedule
        _schedule(hall_town, visit)
    assert Notice.objects.filter(template_code="home_visit_scheduled").count() == 1


def test_illegal_moves_are_refused_and_write_nothing(hall_town: City, clock: Clock) -> None:
    visit = _ask(hall_town)
    manager = scope_for(hall_town.manager)
    before = _rows()
    with pytest.raises(Conflict) as done_first:
        home_visit_finish(scope=manager, actor=hall_town.manager, visit=visit, done=True)
    assert done_first.value.message == "该上门服务当前为“待安排”，不能登记办结。"
    with pytest.raises(Conflict):
        _schedule(hall_town, visit, reassign=True)
    assert _rows() == before
    home_visit_cancel(scope=manager, actor=hall_town.manager, visit=visit, reason="客户已自行到厅办理")
    after_cancel = _rows()
    with pytest.raises(Conflict):
        _schedule(hall_town, visit)
    with pytest.raises(Conflict):
        home_visit_cancel(scope=manager, actor=hall_town.manager, visit=visit, reason="再次取消")
    assert _rows() == after_cancel
    assert Notice.objects.filter(template_code="home_visit_cancelled").count() == 1


def test_the_clerk_records_the_outcome_on_the_day_once(hall_town: City, clock: Clock) -> None:
    visit = _schedule(hall_town, _ask(hall_town))
    clerk = scope_for(hall_town.clerk)
    with pytest.raises(Conflict):  # Monday: the visit is on Tuesday
        home_visit_finish(scope=clerk, actor=hall_town.clerk, visit=visit, done=True)
    clock.set(at(TUESDAY, 11, 0))
    with pytest.raises(InvalidInput) as no_note:
        home_visit_finish(scope=clerk, actor=hall_town.clerk, visit=visit, done=False, note="  ")
    assert no_note.value.errors == {"note": "请填写此项。"}
    with pytest.raises(Forbidden):  # the guide was not sent there
        home_visit_finish(scope=scope_for(hall_town.guide), actor=hall_town.guide, visit=visit, done=True)
    done = home_visit_finish(scope=clerk, actor=hall_town.clerk, visit=visit, done=True, note="已办理过户")
    assert (done.status, done.outcome_note) == (HomeVisitStatus.DONE, "已办理过户")
    before = _rows()
    with pytest.raises(Conflict):
        home_visit_finish(scope=clerk, actor=hall_town.clerk, visit=visit, done=False, note="重复")
    assert _rows() == before
    [told] = Notice.objects.filter(template_code="home_visit_done")
    assert "已办结。办理情况：已办理过户。" in told.body


def test_a_clerk_is_never_sent_to_two_homes_in_one_slot(hall_town: City, clock: Clock) -> None:
    first = _schedule(hall_town, _ask(hall_town))
    second = _ask(hall_town, HomeVisitAsk(purpose="meter_test", reason="ill", phone="13812345678"))
    with pytest.raises(Conflict) as busy:
        _schedule(hall_town, second)
    assert busy.value.message == "clerk 在 2026-11-24 10:00 已有上门安排，请换一个时段或人员。"
    assert first.clerk is not None and HomeVisit.objects.get(pk=second.pk).status == "requested"


@pytest.mark.parametrize(
    ("who", "refused"),
    [("guide", Forbidden), ("supervisor", Forbidden), ("planner", Forbidden), ("outsider", Forbidden)],
)
def test_posts_without_the_capability_cannot_ask(hall_town: City, clock: Clock, who: str, refused: type) -> None:
    with pytest.raises(refused):
        _ask(hall_town, who=who)
    assert HomeVisit.objects.count() == 0


def test_per_post_reach_and_scheduling(hall_town: City, clock: Clock) -> None:
    visit = _ask(hall_town)
    for who in ("manager", "clerk", "agent", "supervisor", "admin"):
        assert home_visit_get_for_scope(scope=scope_for(hall_town.users[who]), visit_id=visit.pk) == visit
    for who in ("other_manager", "other_supervisor", "foreign_clerk", "guide", "outsider"):
        if who == "guide":
            continue  # the guide's hall reach sees it; the guide's post may not act (below)
        with pytest.raises(NotFound):
            home_visit_get_for_scope(scope=scope_for(hall_town.users[who]), visit_id=visit.pk)
    before = _rows()
    for who in ("clerk", "agent", "supervisor", "guide"):
        user = hall_town.users[who]
        with pytest.raises(Forbidden):
            home_visit_schedule(
                scope=scope_for(user), actor=user, visit=visit, day=TUESDAY, start="10:00", clerk="T0001"
            )
    assert _rows() == before


@pytest.mark.parametrize(
    ("ask", "field"),
    [
        (HomeVisitAsk(purpose="key_account", reason="ill", phone="13812345678"), "purpose"),
        (HomeVisitAsk(purpose="payment", reason="lazy", phone="13812345678"), "reason"),
        (HomeVisitAsk(purpose="payment", reason="other", phone="13812345678"), "note"),
        (HomeVisitAsk(purpose="payment", reason="ill", note="a\x00b", phone="13812345678"), "note"),
        (HomeVisitAsk(purpose="payment", reason="ill", note="长" * 201, phone="13812345678"), "note"),
        (HomeVisitAsk(purpose="payment", reason="ill", phone="12345"), "phone"),
    ],
)
def test_bad_input_is_refused_on_its_field(hall_town: City, clock: Clock, ask: HomeVisitAsk, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        _ask(hall_town, ask)
    assert set(refused.value.errors) == {field}
    assert _rows() == ([], 0, 0)


def test_an_account_outside_reach_or_garbage_is_refused_on_the_account(hall_town: City, clock: Clock) -> None:
    agent = scope_for(hall_town.agent)
    for number in (hall_town.foreign_account.account_no, "abc'\"<x>", "9" * 40, ""):
        with pytest.raises(InvalidInput) as refused:
            home_visit_request(scope=agent, actor=hall_town.agent, account_no=number, ask=ASK)
        assert set(refused.value.errors) == {"account_no"}
    assert _rows() == ([], 0, 0)
