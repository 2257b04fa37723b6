"""Improvement actions refuse bad input on its field and change nothing (issue 14, ASSESS-5): a
due date before the start, an unknown figure, a subject or owner outside the caller's reach, an
expected change against the figure's direction, a counter aimed at a work-order figure, a window
out of range; an evaluated action keeps what was compared; only ACTION_EDIT records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from gridcare.assessment.models import ActionEvent, ImprovementAction
from gridcare.assessment.services.actions import action_create, action_evaluate, action_update
from gridcare.assessment.tests.actions_helpers import AFTER, BEFORE, NOW, create, new_action, rolled, service_days
from gridcare.core.exceptions import Conflict, Forbidden, InvalidInput, NotFound
from gridcare.core.testing import City
from gridcare.org.access import scope_for


def _state() -> tuple[Any, ...]:
    return (
        list(ImprovementAction.objects.order_by("pk").values_list("pk", "title", "figure", "due_on", "result")),
        ActionEvent.objects.count(),
    )


def _refused(town: City, user: str = "manager", **fields: Any) -> dict[str, str]:
    person = town.users[user]
    before = _state()
    with pytest.raises(InvalidInput) as refused:
        action_create(scope=scope_for(person), actor=person, data=new_action(town, **fields))
    assert _state() == before
    return {k: str(v) for k, v in refused.value.errors.items()}


def test_a_due_date_before_the_start_is_refused(town: City) -> None:
    errors = _refused(town, started_on=date(2026, 11, 10), due_on=date(2026, 11, 9))
    assert errors == {"due_on": "完成期限不能早于开始日期。"}


def test_an_unknown_figure_is_refused(town: City) -> None:
    assert _refused(town, figure="happiness") == {"figure": "请选择要改进的指标。"}


def test_a_subject_outside_the_reach_is_refused(town: City) -> None:
    assert _refused(town, subject="H2") == {"subject": "请选择您管辖范围内的考核对象。"}  # the other hall
    assert _refused(town, level="unit", subject="U1") == {"subject": "请选择您管辖范围内的考核对象。"}  # a hall post
    other = town.users["other_manager"].staff.employee_no
    assert _refused(town, level="person", subject=other) == {"subject": "请选择您管辖范围内的考核对象。"}
    assert _refused(town, user="supervisor", level="counter", subject="H2/1") == {
        "subject": "请选择您管辖范围内的考核对象。"
    }
    assert (
        _refused(town, level="company", subject="HZ")["level"] == "请选择考核对象的层级：人员、窗口、营业厅或供电单位。"
    )


def test_an_owner_outside_the_reach_is_refused(town: City) -> None:
    other = town.users["other_manager"].staff.employee_no
    assert _refused(town, owner=other) == {"owner": "请选择您管辖范围内的责任人。"}


def test_an_expected_change_against_the_figure_or_out_of_range_is_refused(town: City) -> None:
    assert _refused(town, expected="-5") == {"expected_change": "满意率越高越好，预期变化应为正数。"}
    assert _refused(town, figure="wait_mean", expected="3") == {
        "expected_change": "平均等候时长越低越好，预期变化应为负数。"
    }
    assert _refused(town, expected="0") == {"expected_change": "请填写预期变化（不能为 0）。"}
    assert _refused(town, expected="abc") == {"expected_change": "预期变化应为数字，如 5 或 -3。"}
    assert _refused(town, expected="150") == {"expected_change": "预期变化超出合理范围（最多 100 个百分点）。"}


def test_a_counter_has_no_work_order_figure(town: City) -> None:
    errors = _refused(town, level="counter", subject="H1/1", figure="deadline_rate")
    assert errors == {"figure": "窗口没有工单数据，请选择柜台服务类指标，或把对象改为人员、营业厅或供电单位。"}


def test_every_wrong_field_is_said_at_once(town: City) -> None:
    errors = _refused(town, title=" ", started_on="2026-13-01", due_on="", window_days="3")
    assert errors == {
        "title": "请填写措施名称。",
        "started_on": "请填写开始日期，如 2026-11-01。",
        "due_on": "请填写完成期限，如 2026-11-30。",
        "window_days": "对比天数应在 7 到 180 天之间。",
    }


def test_posts_without_action_edit_are_refused_and_nothing_is_written(town: City) -> None:
    for name in ("clerk", "guide", "agent", "kam", "community", "planner", "foreign_clerk", "outsider"):
        person = town.users[name]
        before = _state()
        with pytest.raises(Forbidden):
            action_create(scope=scope_for(person), actor=person, data=new_action(town))
        assert _state() == before, name


def test_the_subject_and_owner_are_stored_by_id_with_the_expected_change_in_its_units(town: City) -> None:
    action = create(town, by=town.supervisor, level="counter", subject="H1/2", figure="wait_mean", expected="-2.5")
    assert (action.level, action.subject_id, action.owner_id) == ("counter", town.counters[1].pk, town.manager.staff.pk)
    assert (action.expected_change, action.window_days, action.created_by_id) == (
        Decimal("-2.5"),
        30,
        town.supervisor.pk,
    )
    event = ActionEvent.objects.get(action=action)
    assert event.parameters == {
        "title": "窗口服务规范培训",
        "figure": "wait_mean",
        "expected": "-2.5",
        "subject": "城区营业厅 · 2号窗口",
        "started": "2026-10-01",
        "due": "2026-10-31",
        "window": 30,
    }


def test_an_edit_records_what_changed_and_nothing_changed_writes_nothing(town: City) -> None:
    action = create(town)
    same = action_update(scope=scope_for(town.manager), actor=town.manager, action_id=action.pk, data=new_action(town))
    assert ActionEvent.objects.filter(action=same).count() == 1
    edited = new_action(town, title="窗口服务规范培训（第二期）", due_on=date(2026, 11, 15))
    action_update(scope=scope_for(town.manager), actor=town.manager, action_id=action.pk, data=edited)
    stored = ImprovementAction.objects.get(pk=action.pk)
    assert (stored.title, stored.due_on) == ("窗口服务规范培训（第二期）", date(2026, 11, 15))
    assert ActionEvent.objects.filter(action=action, type="edited").get().parameters == {"fields": ["title", "due_on"]}


def test_an_evaluated_action_keeps_what_was_compared(town: City, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    service_days(town, BEFORE, evaluated=20, satisfied=14)
    service_days(town, AFTER, evaluated=20, satisfied=19)
    rolled(AFTER[1])
    action = create(town)
    action_evaluate(scope=scope_for(town.manager), actor=town.manager, action_id=action.pk)
    before = _state()
    with pytest.raises(Conflict, match="这项措施已评估"):
        action_update(
            scope=scope_for(town.manager), actor=town.manager, action_id=action.pk, data=new_action(town, expected="10")
        )
    assert _state() == before
    renamed = new_action(town, title="服务礼仪培训", owner=town.clerk.staff.employee_no)
    action_update(scope=scope_for(town.manager), actor=town.manager, action_id=action.pk, data=renamed)
    stored = ImprovementAction.objects.get(pk=action.pk)
    assert (stored.title, stored.owner_id, stored.result) == ("服务礼仪培训", town.clerk.staff.pk, "effective")


def test_another_halls_manager_cannot_edit_or_evaluate(town: City, monkeypatch: pytest.MonkeyPatch) -> None:
    action = create(town)
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    before = _state()
    other = town.users["other_manager"]
    with pytest.raises(NotFound):
        action_update(scope=scope_for(other), actor=other, action_id=action.pk, data=new_action(town, subject="H2"))
    with pytest.raises(NotFound):
        action_evaluate(scope=scope_for(other), actor=other, action_id=action.pk)
    with pytest.raises(Forbidden):
        action_evaluate(scope=scope_for(town.clerk), actor=town.clerk, action_id=action.pk)
    assert _state() == before
