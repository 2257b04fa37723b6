"""The order page's history (处理记录) in sentences (issue 13, convention 4): every step written
through its service reads as one Chinese sentence ("agent 将工单转交 supervisor，原因：…"), and
the table shows no dict, field name or English code."""

from __future__ import annotations

import re
from html import unescape

from django.conf import settings
from django.utils import translation

from gridcare.core.history import history_lines
from gridcare.core.testing import City, signed_in
from gridcare.org.access import scope_for
from gridcare.workorders import services
from gridcare.workorders.models import Status, WorkOrder
from gridcare.workorders.tests.conftest import Clock, add_crew, take

SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def _sentences(order: WorkOrder) -> list[tuple[str, str, str]]:
    return [(line.what, line.who, line.sentence) for line in history_lines(order.events.order_by("created_at", "id"))]


def _complaint(town: City, clock: Clock) -> WorkOrder:
    """A complaint paused, resumed, handed over, answered, closed and called back dissatisfied."""
    agent, supervisor = town.agent, town.supervisor
    order = take(agent, account_no=town.account.account_no)
    services.workorder_pause(scope=scope_for(agent), actor=agent, order=order, reason="客户出差，约定下周联系")
    clock.advance(minutes=30)
    services.workorder_resume(scope=scope_for(agent), actor=agent, order=order)
    services.workorder_contact(actor=agent, order=order, note="已电话联系")
    services.workorder_hand_over(
        scope=scope_for(agent), actor=agent, order=order, to_employee_no="T0006", reason="属城区供电所处理"
    )
    for to in (Status.REPLIED, Status.CLOSED):
        services.workorder_transition(
            scope=scope_for(supervisor), actor=supervisor, order=order, to=to, cause="service_attitude"
        )
    services.workorder_call_back(scope=scope_for(agent), actor=agent, order=order, reached=True, satisfied=False)
    return order


def test_each_step_of_a_complaint_reads_as_one_sentence(town: City, clock: Clock) -> None:
    assert _sentences(_complaint(town, clock)) == [
        ("受理", "agent", "agent 经95598电话受理投诉（服务投诉），首问负责人 agent"),
        ("等待客户", "agent", "agent 挂起工单，等待客户，原因：客户出差，约定下周联系"),
        ("恢复处理", "agent", "agent 恢复处理，等待客户 30 分钟"),
        ("联系客户", "agent", "agent 已联系客户，备注：已电话联系"),
        ("转交", "agent", "agent 将工单由 agent 转交 supervisor，原因：属城区供电所处理"),
        ("状态变更", "supervisor", "supervisor 将工单由“已受理”改为“已答复”"),
        ("投诉原因", "supervisor", "supervisor 将投诉原因定为“服务态度”"),
        ("状态变更", "supervisor", "supervisor 将工单由“已答复”改为“已办结”"),
        ("回访", "agent", "agent 回访：已联系上客户，客户不满意"),
        ("状态变更", "agent", "agent 将工单由“已办结”改为“已回访”"),
        ("状态变更", "agent", "agent 将工单由“已回访”改为“已接单”，备注：回访不满意，重新处理"),
        ("重新处理", "agent", "agent 重新处理工单，原因：回访不满意"),
        ("超时升级", "agent", "工单升级处理，原因：回访不满意，升级至 supervisor"),
    ]


def test_a_fault_dispatched_and_overdue_reads_as_sentences(town: City, clock: Clock) -> None:
    add_crew(town, "抢修一班")
    order = take(town.agent, type="fault", text="家里停电了", account_no=town.account.account_no)
    services.workorder_transition(scope=scope_for(town.agent), actor=town.agent, order=order, to=Status.ACCEPTED)
    services.workorder_transition(
        scope=scope_for(town.agent),
        actor=town.agent,
        order=order,
        to=Status.DISPATCHED,
        target=services.DispatchTarget(unit="U1", hall="H1", crew="抢修一班"),
        note="尽快到场",
    )
    second = take(town.clerk, type="fault", text="我家也停电了", account_no=town.account.account_no)
    clock.advance(minutes=40)
    services.deadlines_check()
    assert _sentences(order) == [
        ("受理", "agent", "agent 经95598电话受理故障报修，首问负责人 agent"),
        ("并入故障事件", "agent", f"工单报修建立故障事件 #{order.incident_id}"),
        ("状态变更", "agent", "agent 将工单由“已受理”改为“已接单”"),
        (
            "状态变更",
            "agent",
            "agent 将工单由“已接单”改为“已派单”，派往 城区供电所（城区营业厅），班组：抢修一班，备注：尽快到场",
        ),
        ("时限预警", "系统", "“到达现场”时限将于 2025-09-26 10:45 到期"),
    ]
    assert _sentences(second)[1] == (
        "并入故障事件",
        "clerk",
        f"工单并入故障事件 #{order.incident_id}，首报工单 {order.number}",
    )


def _history_text(html: str) -> str:
    table = re.search(r'<table class="grid history">(.*?)</table>', html, re.S)
    assert table is not None
    return unescape(re.sub(r"<[^>]+>", " ", table.group(1)))


def test_the_order_page_shows_no_dict_field_name_or_code(town: City, clock: Clock) -> None:
    order = _complaint(town, clock)
    text = _history_text(signed_in(town.supervisor).get(f"/workorders/{order.number}/").content.decode())
    assert "agent 将工单由 agent 转交 supervisor，原因：属城区供电所处理" in text
    assert "{'" not in text and "': '" not in text
    assert SNAKE.findall(text) == []


def test_the_order_page_in_english(town: City, clock: Clock) -> None:
    order = _complaint(town, clock)
    client = signed_in(town.supervisor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):  # the language the page activates ends with the block
        text = _history_text(client.get(f"/workorders/{order.number}/").content.decode())
    assert "agent handed the order over from agent to supervisor, reason: 属城区供电所处理" in text
    assert SNAKE.findall(text) == []
    with translation.override("en"):
        assert _sentences(order)[0] == (
            "Register",
            "agent",
            "agent took the order via 95598 phone: Complaint (Service complaint), first-ask owner agent",
        )
