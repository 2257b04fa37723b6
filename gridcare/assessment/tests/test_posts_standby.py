"""WO-7 "一次申告查实待岗" (issue 14, ASSESS-3): a complaint found true against a person, through
the work-order service, puts them on standby; on standby they cannot sign in at a counter or take
a work order (nothing written); only a supervisor (or an administrator) restores them, after
retraining, which the history records. The rule is a setting."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from pytest_django import Settings

from gridcare.assessment.models import LedgerEntry, LedgerEvent, PostEvent, PostState
from gridcare.assessment.selectors import on_standby, post_history, post_state_of
from gridcare.assessment.services.posts import post_state_set
from gridcare.core.exceptions import Forbidden, InvalidInput
from gridcare.core.history import history_lines
from gridcare.core.testing import City, api_client
from gridcare.halls.demo import configure_hall
from gridcare.halls.exceptions import OnStandby
from gridcare.halls.models import CounterSetup, Ticket, TicketEvent
from gridcare.halls.services import tickets
from gridcare.halls.services.tickets import ticket_issue
from gridcare.org.access import scope_for
from gridcare.org.models import Staff
from gridcare.workorders.models import OrderEvent, WorkOrder
from gridcare.workorders.services import complaint_verify
from gridcare.workorders.tests.conftest import Clock, take

NOTE = "经调取录像，营业员态度生硬属实"


def verify_against(town: City, who: User, *, by: User | None = None) -> None:
    """A complaint taken by the agent, found true against ``who`` by the supervisor."""
    order = take(town.agent, account_no=town.account.account_no)
    verifier = by or town.supervisor
    employee_no = Staff.objects.get(user=who).employee_no
    complaint_verify(scope=scope_for(verifier), actor=verifier, order=order, employee_no=employee_no, note=NOTE)


def _hall_state() -> tuple[Any, ...]:
    return (
        list(Ticket.objects.order_by("id").values_list("id", "status", "counter_id", "clerk_id")),
        TicketEvent.objects.count(),
        list(CounterSetup.objects.order_by("counter_id").values_list("counter_id", "status", "clerk_id")),
    )


def _posts() -> tuple[Any, ...]:
    return (
        list(PostState.objects.order_by("id").values_list("staff_id", "state", "retraining")),
        PostEvent.objects.count(),
    )


@pytest.fixture
def standby(town: City, clock: Clock) -> Staff:
    """The clerk of H1 on standby after a complaint found true; H1 set up with a waiting ticket
    and every counter free."""
    configure_hall(town.hall)
    CounterSetup.objects.filter(counter__hall=town.hall).update(clerk=None)
    ticket_issue(
        scope=scope_for(town.guide), actor=town.guide, hall=town.hall, kind="payment", source="guide", priority="normal"
    )
    verify_against(town, town.clerk)
    return Staff.objects.get(user=town.clerk)


def test_a_verified_complaint_puts_the_person_on_standby_and_proposes_a_penalty(town: City, standby: Staff) -> None:
    row = PostState.objects.get()
    order = WorkOrder.objects.get()
    assert (row.staff_id, row.state, row.reason, row.by, row.order_number) == (
        standby.pk,
        "standby",
        NOTE,
        town.supervisor,
        order.number,
    )
    assert row.finding is not None and row.finding.order_id == order.pk
    assert on_standby(standby) is True
    assert [line.sentence for line in history_lines(post_history(standby))] == [
        f"supervisor 查实投诉（工单 {order.number}），按“一次申告查实待岗”由“在岗”转为待岗，原因：{NOTE}"
    ]
    entry = LedgerEntry.objects.get()
    assert (entry.staff_id, entry.kind, entry.points, entry.amount, entry.status) == (
        standby.pk,
        "penalty",
        -10,
        None,
        "proposed",
    )
    assert (entry.source_kind, entry.source_ref, entry.period, entry.proposed_by) == (
        "complaint_verified",
        order.number,
        "2025-09",
        town.supervisor,
    )
    assert entry.decided_by is None
    assert [e.type for e in LedgerEvent.objects.all()] == ["proposed"]
    assert order.events.get(type=OrderEvent.Type.VERIFIED).parameters["consequence"] == "standby"


def test_a_second_complaint_keeps_the_person_on_standby_and_says_so(town: City, standby: Staff) -> None:
    verify_against(town, town.clerk)
    assert list(PostState.objects.values_list("state", flat=True)) == ["standby"]
    second = WorkOrder.objects.order_by("id").last()
    assert second is not None
    assert (
        history_lines(post_history(standby))[-1].sentence
        == f"supervisor 查实投诉（工单 {second.number}），仍在待岗，原因：{NOTE}"
    )
    assert LedgerEntry.objects.count() == 2


def test_on_standby_the_clerk_cannot_sign_in_at_a_counter_and_nothing_is_written(town: City, standby: Staff) -> None:
    before = _hall_state()
    scope = scope_for(town.clerk)
    with pytest.raises(OnStandby) as refused:
        tickets.counter_call_next(scope=scope, actor=town.clerk, counter=town.counters[1])
    assert str(refused.value.message) == "您处于待岗状态，恢复上岗前不能在窗口登录或叫号。"
    CounterSetup.objects.filter(counter=town.counters[2]).update(status="closed")
    before = _hall_state()
    with pytest.raises(OnStandby):
        tickets.counter_set_status(scope=scope, actor=town.clerk, counter=town.counters[2], status="open")
    answer = api_client(town.clerk).post(f"/api/v1/counters/{town.counters[1].pk}/call-next")
    assert answer.status_code == 403
    assert answer.json() == {"detail": "您处于待岗状态，恢复上岗前不能在窗口登录或叫号。", "errors": {}}
    assert _hall_state() == before


def test_on_standby_the_hall_manager_works_no_counter_either(town: City, clock: Clock) -> None:
    configure_hall(town.hall)
    verify_against(town, town.manager)
    before = _hall_state()
    with pytest.raises(OnStandby):
        tickets.counter_call_next(scope=scope_for(town.manager), actor=town.manager, counter=town.counters[0])
    assert _hall_state() == before


def test_on_standby_an_agent_cannot_take_a_work_order_and_nothing_is_written(town: City, clock: Clock) -> None:
    verify_against(town, town.agent)
    orders, events = WorkOrder.objects.count(), OrderEvent.objects.count()
    with pytest.raises(Forbidden) as refused:
        take(town.agent, account_no=town.account.account_no)
    assert str(refused.value.message) == "您处于待岗状态，恢复上岗前不能受理工单。"
    answer = api_client(town.agent).post(
        "/api/v1/workorders",
        {"channel": "phone_95598", "text": "咨询电价", "account_no": town.account.account_no},
        content_type="application/json",
    )
    assert answer.status_code == 403
    assert answer.json()["detail"] == "您处于待岗状态，恢复上岗前不能受理工单。"
    assert (WorkOrder.objects.count(), OrderEvent.objects.count()) == (orders, events)


@pytest.mark.parametrize("persona", ["manager", "clerk", "guide", "agent", "planner", "kam"])
def test_only_a_supervisor_lifts_standby_others_are_refused_and_nothing_changes(
    town: City, standby: Staff, persona: str
) -> None:
    user = town.users[persona]
    before = _posts()
    with pytest.raises(Forbidden):
        post_state_set(
            scope=scope_for(user), actor=user, staff=standby, state="on_duty", reason="复训合格", retraining="已复训"
        )
    assert _posts() == before
    assert on_standby(standby) is True


def test_the_hall_manager_is_told_standby_is_for_a_supervisor_to_lift(town: City, standby: Staff) -> None:
    with pytest.raises(Forbidden) as refused:
        post_state_set(
            scope=scope_for(town.manager),
            actor=town.manager,
            staff=standby,
            state="on_duty",
            reason="复训合格",
            retraining="已复训",
        )
    assert str(refused.value.message) == "待岗人员须经复训后由监察考核员恢复上岗。"


def test_lifting_standby_asks_for_the_retraining_and_records_it(town: City, standby: Staff) -> None:
    scope = scope_for(town.supervisor)
    before = _posts()
    with pytest.raises(InvalidInput) as refused:
        post_state_set(
            scope=scope, actor=town.supervisor, staff=standby, state="on_duty", reason="复训合格", retraining=" "
        )
    assert refused.value.errors == {"retraining": "恢复上岗前请填写复训情况。"}
    assert _posts() == before
    row = post_state_set(
        scope=scope,
        actor=town.supervisor,
        staff=standby,
        state="on_duty",
        reason="复训考试合格",
        retraining="2025-09-28 服务规范复训 4 学时，考试 92 分",
    )
    assert (row.state, row.retraining, row.by) == (
        "on_duty",
        "2025-09-28 服务规范复训 4 学时，考试 92 分",
        town.supervisor,
    )
    assert on_standby(standby) is False and post_state_of(standby) == "on_duty"
    assert history_lines(post_history(standby))[-1].sentence == (
        "supervisor 确认复训合格，由“待岗”恢复为“在岗”，复训情况：2025-09-28 服务规范复训 4 学时，考试 92 分，原因：复训考试合格"
    )
    assert [e.type for e in PostEvent.objects.order_by("id")] == ["standby_for_complaint", "restored"]


def test_once_restored_the_clerk_signs_in_again(town: City, standby: Staff) -> None:
    post_state_set(
        scope=scope_for(town.admin),
        actor=town.admin,
        staff=standby,
        state="on_duty",
        reason="复训合格",
        retraining="已复训",
    )
    called = tickets.counter_call_next(scope=scope_for(town.clerk), actor=town.clerk, counter=town.counters[1])
    assert called is not None
    assert CounterSetup.objects.get(counter=town.counters[1]).clerk == town.clerk


def test_with_the_rule_off_a_verified_complaint_only_proposes_the_penalty(
    town: City, clock: Clock, settings: Settings
) -> None:
    settings.GRIDCARE_ASSESSMENT = {**settings.GRIDCARE_ASSESSMENT, "STANDBY_ON_VERIFIED_COMPLAINT": False}
    verify_against(town, town.clerk)
    assert PostState.objects.count() == 0 and PostEvent.objects.count() == 0
    assert on_standby(Staff.objects.get(user=town.clerk)) is False
    assert list(LedgerEntry.objects.values_list("points", "status")) == [(-10, "proposed")]


def test_the_penalty_points_are_a_setting_and_zero_proposes_none(town: City, clock: Clock, settings: Settings) -> None:
    settings.GRIDCARE_ASSESSMENT = {**settings.GRIDCARE_ASSESSMENT, "LEDGER_VERIFIED_COMPLAINT_POINTS": 0}
    verify_against(town, town.clerk)
    assert LedgerEntry.objects.count() == 0
    assert on_standby(Staff.objects.get(user=town.clerk)) is True
